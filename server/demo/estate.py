"""The demo tenant: a residential estate with its patrol points and plant, for a first look."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.actor import Actor, Role, current_actor, reset_actor, set_actor
from server.domain.inspection import limits
from server.domain.inspection import schedules as inspection_schedules
from server.domain.inspection import templates as inspection_templates
from server.domain.models import Organization
from server.domain.patrol import patrol_routes, schedules
from server.domain.registry import assets, checkpoints, devices, organizations, sites, tags, users

ORG_NAME = "Lakeside Gardens Property Management 湖畔花园物业"
PASSWORD = "vigil-demo-2026"  # noqa: S105  (printed by `make demo`: a demo, not a secret)
SITE = {
    "name": "湖畔花园 Lakeside Gardens",
    "address": "上海市浦东新区湖畔路 88 号 (88 Hupan Road, Pudong, Shanghai)",
    "timezone": "Asia/Shanghai",
    # Night rounds start two hours apart and take about 40 minutes: two hours of silence from
    # the night guard's handheld means a round was skipped, or worse.
    "inactivity_min": 120,
}
ZONES = [
    ("1号楼 Building 1", "building"),
    ("2号楼 Building 2", "building"),
    ("地下车库 Basement car park", "car_park"),
    ("配电房 Plant room (substation and generator)", "plant_room"),
    ("室外周界 Perimeter", "outdoor"),
]
# (zone index, code, name, latitude, longitude, instructions)
CHECKPOINTS = [
    (
        0,
        "B1-LOBBY",
        "1号楼大堂 Building 1 lobby",
        31.22110,
        121.54420,
        "检查门禁 Check the access door",
    ),
    (
        0,
        "B1-ROOF",
        "1号楼屋顶 Building 1 roof door",
        31.22112,
        121.54425,
        "确认屋顶门已锁 Roof door locked",
    ),
    (
        0,
        "B1-STAIR",
        "1号楼消防楼梯 Building 1 fire stairs",
        31.22108,
        121.54418,
        "通道畅通 Stairs clear",
    ),
    (
        1,
        "B2-LOBBY",
        "2号楼大堂 Building 2 lobby",
        31.22150,
        121.54480,
        "检查门禁 Check the access door",
    ),
    (
        1,
        "B2-ROOF",
        "2号楼屋顶 Building 2 roof door",
        31.22152,
        121.54485,
        "确认屋顶门已锁 Roof door locked",
    ),
    (
        1,
        "B2-STAIR",
        "2号楼消防楼梯 Building 2 fire stairs",
        31.22148,
        121.54478,
        "通道畅通 Stairs clear",
    ),
    (2, "CP-RAMP", "车库入口坡道 Car park ramp", None, None, "道闸正常 Barrier working"),
    (2, "CP-B1", "车库B1区 Car park zone B1", None, None, "无积水无异味 No water, no smell"),
    (2, "CP-B2", "车库B2区 Car park zone B2", None, None, "无积水无异味 No water, no smell"),
    (2, "CP-PUMP", "消防水泵房 Fire pump room", None, None, "水泵无异响 Pumps quiet"),
    (3, "PR-HV", "高压配电室 HV switch room", None, None, "禁止单独进入 Never enter alone"),
    (3, "PR-LV", "低压配电室 LV switch room", None, None, "查看挡鼠板 Rodent guard in place"),
    (3, "PR-GEN", "发电机房 Generator room", None, None, "油位正常 Fuel level normal"),
    (4, "PE-GATE", "南大门 South gate", 31.22080, 121.54400, "核对访客登记 Check visitor log"),
    (4, "PE-EAST", "东侧围墙 East fence", 31.22130, 121.54520, "围墙完好 Fence intact"),
    (4, "PE-NORTH", "北门 North gate", 31.22190, 121.54450, "门已上锁 Gate locked"),
    (4, "PE-GARDEN", "中心花园 Central garden", 31.22130, 121.54450, "照明正常 Lights on"),
]
ASSETS = [
    {
        "kind": "generator",
        "name": "1号备用柴油发电机 Standby diesel generator G1",
        "code": "G1",
        "make": "Cummins",
        "model": "C500D5",
        "ratings": [
            {"name": "rated_power", "value": 500, "unit": "kW"},
            {"name": "rated_voltage", "value": 400, "unit": "V"},
            {"name": "frequency", "value": 50, "unit": "Hz"},
            {"name": "fuel_tank", "value": 1000, "unit": "L"},
        ],
    },
    {
        "kind": "transformer",
        "name": "1号干式变压器 Dry-type transformer T1 (10/0.4 kV)",
        "code": "T1",
        "make": "TBEA",
        "model": "SCB13-1250/10",
        "ratings": [
            {"name": "rated_power", "value": 1250, "unit": "kVA"},
            {"name": "primary_voltage", "value": 10, "unit": "kV"},
            {"name": "secondary_voltage", "value": 0.4, "unit": "kV"},
            {"name": "insulation_class_limit", "value": 155, "unit": "°C"},
        ],
    },
    {
        "kind": "switchgear",
        "name": "10kV高压环网柜 10 kV ring main unit",
        "code": "RMU1",
        "make": "Schneider Electric",
        "model": "RM6",
        "ratings": [{"name": "rated_voltage", "value": 12, "unit": "kV"}],
    },
    {
        "kind": "switchgear",
        "name": "0.4kV低压配电柜 0.4 kV LV switchboard",
        "code": "LV1",
        "make": "ABB",
        "model": "MNS",
        "ratings": [{"name": "rated_current", "value": 2500, "unit": "A"}],
    },
]
# (name, order, [(checkpoint code, stop options)])
NIGHT_ROUTE = (
    "夜间巡逻 Night patrol",
    "strict",
    [
        ("PE-GATE", {}),
        ("B1-LOBBY", {}),
        ("B1-STAIR", {}),
        ("B2-LOBBY", {}),
        ("B2-STAIR", {}),
        ("CP-RAMP", {}),
        ("CP-B1", {}),
        ("CP-B2", {}),
        ("CP-PUMP", {}),
        ("PR-LV", {"require_note": True}),
        ("PE-EAST", {}),
        ("PE-NORTH", {}),
    ],
)
DAY_ROUTE = (
    "日间巡查 Day rounds",
    "any",
    [
        ("B1-ROOF", {"require_note": True}),
        ("B2-ROOF", {"require_note": True}),
        ("PE-GARDEN", {}),
        ("CP-RAMP", {}),
        ("PE-GATE", {}),
    ],
)
# Scanning a checkpoint sooner than this after the one before is not walking between them.
NIGHT_MIN_GAP_S = 40
SCHEDULES = [
    {
        "route": 0,
        "name": "夜间每2小时 Night patrol every 2 hours",
        "rrule": "FREQ=DAILY;BYHOUR=22,0,2,4,6;BYMINUTE=0",
        "start_local": "2026-01-01T22:00",
        "window_min": 60,
        "early_min": 5,
        "late_min": 10,
        "grace_min": 15,
        "team": "夜班 Night shift",
    },
    {
        "route": 1,
        "name": "日间巡查 Day rounds 10:00 and 15:00",
        "rrule": "FREQ=DAILY;BYHOUR=10,15;BYMINUTE=0",
        "start_local": "2026-01-01T10:00",
        "window_min": 90,
        "grace_min": 30,
        "team": "白班 Day shift",
    },
]
# (login, role, name)
PEOPLE = [
    ("demo-admin", "admin", "王经理 Wang (estate manager)"),
    ("demo-super", "supervisor", "李主管 Li (security supervisor)"),
    ("demo-guard1", "guard", "张伟 Zhang Wei (guard)"),
    ("demo-guard2", "guard", "刘强 Liu Qiang (guard)"),
    ("demo-engineer", "engineer", "陈工 Chen (duty engineer)"),
]


def load(session: Session) -> bool:
    """Create the demo tenant; False when it is already there."""
    if session.scalar(select(Organization).where(Organization.name == ORG_NAME)):
        return False
    admin_login, _, admin_name = PEOPLE[0]
    org = organizations.create(
        session, ORG_NAME, {"name": admin_name, "login": admin_login, "password": PASSWORD}
    )
    token = set_actor(Actor(None, org.id, Role.ADMIN, label=current_actor().label))
    try:
        _fill(session)
    finally:
        reset_actor(token)
    return True


def _fill(session: Session) -> None:
    site = sites.create(session, SITE)
    zones = [
        sites.create_zone(session, {"site_id": site.id, "name": n, "kind": k}) for n, k in ZONES
    ]
    for zone, code, name, lat, lon, note in CHECKPOINTS:
        position = {"latitude": lat, "longitude": lon, "radius_m": 30} if lat else {}
        checkpoint = checkpoints.create(
            session,
            {
                "site_id": site.id,
                "zone_id": zones[zone].id,
                "code": code,
                "name": name,
                "instructions": note,
                **position,
            },
        )
        tags.issue(session, {"checkpoint_id": checkpoint.id})
    plant_room = zones[3].id
    for asset in ASSETS:
        made = assets.create(session, {"site_id": site.id, "zone_id": plant_room, **asset})
        tags.issue(session, {"asset_id": made.id})
    for login, role, name in PEOPLE[1:]:
        users.create(
            session,
            {
                "login": login,
                "role": role,
                "name": name,
                "password": PASSWORD,
                "site_ids": [site.id],
            },
        )
    for serial, label in (("HT-0001", "巡更机 1 Handheld 1"), ("HT-0002", "巡更机 2 Handheld 2")):
        devices.create(session, {"serial": serial, "label": label, "site_ids": [site.id]})
    _patrols(session, site.id)
    _inspections(session)


# (asset code, template code, schedule): the plant room's inspection plan.
INSPECTIONS = [
    (
        "G1",
        "generator_weekly",
        {"rrule": "FREQ=WEEKLY;BYDAY=MO", "start_local": "2026-01-05T10:00", "grace_hours": 24},
    ),
    # NFPA 110 "monthly": 20 to 40 days after the one before.
    ("G1", "generator_monthly_load", {"min_days": 20, "max_days": 40}),
    (
        "T1",
        "substation_daily",
        {"rrule": "FREQ=DAILY", "start_local": "2026-01-01T09:00", "grace_hours": 12},
    ),
]


def _inspections(session: Session) -> None:
    """The starter forms, the plant room's schedules, and the transformer maker's limits."""
    forms = {t.code: t for t in inspection_templates.install_starters(session)}
    plant = {a.code: a for a in session.scalars(assets.list_query({}))}
    for code, form, plan in INSPECTIONS:
        schedule = {"asset_id": plant[code].id, "template_id": forms[form].id}
        if "rrule" in plan:
            schedule["start_local"] = (
                "2026-01-05T" + plan["rrule"].rsplit("=", 1)[1].zfill(2) + ":00"
            )
        inspection_schedules.create(session, schedule | plan)
    limits.put(
        session,
        plant["T1"].id,
        "winding_temp_c",
        {
            "warning": [None, 130],
            "critical": [None, 150],
            "note": "示例：按厂家说明书 example: alarm and trip as the maker's manual sets them",
        },
    )


def _patrols(session: Session, site_id: int) -> None:
    """The night and day routes, and the schedules that repeat them."""
    by_code = {c.code: c.id for c in session.scalars(checkpoints.list_query({"site_id": site_id}))}
    made = []
    for name, order, stops in (NIGHT_ROUTE, DAY_ROUTE):
        gap = {"min_gap_s": NIGHT_MIN_GAP_S} if name == NIGHT_ROUTE[0] else {}
        body = [{"checkpoint_id": by_code[code], **gap, **extra} for code, extra in stops]
        route = {"site_id": site_id, "name": name, "order": order, "stops": body}
        made.append(patrol_routes.create(session, route))
    for plan in SCHEDULES:
        fields = {k: v for k, v in plan.items() if k != "route"}
        schedules.create(session, {**fields, "route_id": made[plan["route"]].id})
