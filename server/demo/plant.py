"""Four weeks of the demo plant room's inspections, with the abnormal readings a year brings."""

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.clock import reset_clock, set_clock
from server.domain.inspection import intake, overdue
from server.domain.inspection.intake import Submission
from server.domain.models import (
    Asset,
    InspectionSchedule,
    InspectionTemplate,
    Site,
    TemplateVersion,
    User,
)

WEEKS = 4


def load(session: Session, org_id: int, now: datetime) -> None:
    """The engineer's records of the last four weeks, judged as they arrived.

    The evaluator's overdue check runs after each, as the worker would have.
    """
    site = session.scalar(select(Site).where(Site.org_id == org_id))
    zone = ZoneInfo(site.timezone)
    plant = {a.code: a for a in session.scalars(select(Asset).where(Asset.site_id == site.id))}
    forms = {
        t.code: t
        for t in session.scalars(
            select(InspectionTemplate).where(InspectionTemplate.org_id == org_id)
        )
    }
    versions = {
        v.template_id: v
        for v in session.scalars(
            select(TemplateVersion).where(
                TemplateVersion.template_id.in_([t.id for t in forms.values()])
            )
        )
    }
    engineer = session.scalar(select(User.id).where(User.login == "demo-engineer"))
    for plan in session.scalars(
        select(InspectionSchedule).where(InspectionSchedule.org_id == org_id)
    ):
        plan.effective_from = now - timedelta(weeks=WEEKS, days=1)  # planned as records began
    today = now.astimezone(zone).date()
    rng = random.Random(today.isoformat())  # noqa: S311 (demo data)
    plans: list[tuple[datetime, str, str, dict[str, Any]]] = []
    mondays = [
        _at(today - timedelta(days=n), 10, 5, zone)
        for n in range(WEEKS * 7, -1, -1)
        if (today - timedelta(days=n)).weekday() == 0
    ]
    mondays = [m for m in mondays if m < now - timedelta(minutes=20)]
    for n, at in enumerate(mondays):
        plans.append((at, "G1", "generator_weekly", _weekly(rng, len(mondays) - 1 - n)))
    for days_ago in range(WEEKS * 7, -1, -1):
        day = today - timedelta(days=days_ago)
        if _at(day, 9, 10, zone) > now - timedelta(minutes=20):
            continue  # today's round is not done yet
        plans.append((_at(day, 9, 10, zone), "T1", "substation_daily", _substation(rng, days_ago)))
    # The monthly load run was last done 43 days ago: three days overdue now.
    plans.append((now - timedelta(days=43), "G1", "generator_monthly_load", _load_run()))
    plans.sort(key=lambda p: p[0])
    # The records come from the engineer, as through the API; the audit trail says so.
    actor = Actor(engineer, org_id, Role.ENGINEER, frozenset({site.id}), label="陈工 (demo)")
    token = set_actor(actor)
    try:
        _record(session, plans, site, plant, forms, versions, engineer)
    finally:
        reset_actor(token)


def _record(
    session: Session,
    plans: list[tuple[datetime, str, str, dict[str, Any]]],
    site: Site,
    plant: dict[str, Asset],
    forms: dict[str, InspectionTemplate],
    versions: dict[int, TemplateVersion],
    engineer: int | None,
) -> None:
    for at, code, form, values in plans:
        template = forms[form]
        set_clock(lambda at=at: at + timedelta(minutes=20))
        try:
            intake.take_many(
                session,
                [
                    Submission(
                        org_id=site.org_id,
                        site_id=site.id,
                        asset=plant[code],
                        template=template,
                        version=versions[template.id],
                        at=at,
                        values=values,
                        photos={},
                        user_id=engineer,
                    )
                ],
            )
            overdue.check(session, at + timedelta(minutes=20))
        finally:
            reset_clock()


def _at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, minute), zone)


def _substation(rng: random.Random, days_ago: int) -> dict[str, Any]:
    load = rng.randint(40, 65)
    amps = [round(load * 11.5 + rng.uniform(-25, 25)) for _ in range(3)]
    winding = round(45 + load * 0.5 + rng.uniform(-2, 2))
    values = {
        "hv_kv_ab": round(rng.uniform(10.0, 10.3), 2),
        "hv_kv_bc": round(rng.uniform(10.0, 10.3), 2),
        "hv_kv_ca": round(rng.uniform(10.0, 10.3), 2),
        "lv_v_ab": rng.randint(385, 398),
        "lv_v_bc": rng.randint(385, 398),
        "lv_v_ca": rng.randint(385, 398),
        "lv_a_a": amps[0],
        "lv_a_b": amps[1],
        "lv_a_c": amps[2],
        "load_pct": load,
        "winding_temp_c": winding,
        "room_temp_c": rng.randint(22, 27),
        "humidity_pct": rng.randint(50, 65),
        "dc_v": rng.randint(228, 232),
        "rodent_guards": True,
        "extinguishers": True,
        "access_log": True,
        "no_sound_smell": True,
        "mats": True,
    }
    if days_ago == 10:
        values["rodent_guards"] = False  # a rat guard knocked out of place
    if days_ago == 6:
        values["winding_temp_c"] = winding + 22  # hot for its load: a fan had stopped
    if days_ago == 3:
        values |= {"lv_a_a": amps[0] + 110, "lv_a_c": amps[2] - 110}  # single-phase loads piled up
    if days_ago == 1:
        values["humidity_pct"] = 81  # the dehumidifier tripped in the rain
    return values


def _weekly(rng: random.Random, weeks_ago: int) -> dict[str, Any]:
    """A Monday's generator check; weeks_ago 0 is the latest one done."""
    return {
        # The starter battery on its way out: flagged on the latest Monday.
        "battery_v": 11.8 if weeks_ago == 0 else round(rng.uniform(13.3, 13.6), 1),
        "charger_ok": True,
        "terminals_ok": True,
        "oil_level_ok": True,
        # Fuel fell 16 % between two Mondays with no run logged: siphoned, or a leak.
        "fuel_pct": 92 if weeks_ago >= 2 else 76,
        "no_leaks": True,
        "coolant_level_ok": True,
        "heater_ok": True,
        "run_hours": 1532.5,
        "auto_mode": True,
        "no_alarms": True,
    }


def _load_run() -> dict[str, Any]:
    return {
        "load_pct": 42,
        "duration_min": 35,
        "run_hours_before": 1531.8,
        "run_hours": 1532.5,
        "voltage_v": 231,
        "frequency_hz": 50.03,
        "oil_pressure_bar": 3.5,
        "coolant_temp_c": 84,
        "battery_v": 13.6,
        "ats_transferred": True,
        "transfer_s": 8.2,
        "notes": "带载35分钟，ATS切换正常 35 min on load; ATS transferred",
    }
