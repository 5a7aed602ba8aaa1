"""The estate set up through the API, as an operator, an admin and a supervisor would.

The operator creates the tenant and its admin (what `flask create-org` does); everything after
that goes over HTTP: sites with their detection settings, people, checkpoints and their QR
tags, routes, schedules, the generator with the starter forms and its inspection schedule,
enrollment codes; each handheld enrolls through the protocol endpoint with the reference client.
"""

from dataclasses import dataclass, field
from typing import Any

import httpx
from flask import Flask
from sqlalchemy.orm import Session

from device_protocol.client import Handheld
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.registry import organizations
from server.testing.truth import plant
from server.testing.truth.model import Scenario, Site
from server.testing.truth.patrols import start_local

PASSWORD = "truth-bench-2026"
OPERATOR = Actor(user_id=None, org_id=0, role=Role.ADMIN, is_superuser=True, label="truth")
DETECTION = {"max_speed_mps": 3.0, "twin_window_s": 60, "geofence_radii": 2.0}


class Api:
    """JSON calls through the Flask test client; an unexpected status is an error at once."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self.headers: dict[str, str] = {}

    def login(self, login: str) -> "Api":
        body = self.call("POST", "/api/v1/auth/token", {"login": login, "password": PASSWORD})
        self.headers = {"Authorization": f"Bearer {body['token']}"}
        return self

    def call(self, method: str, path: str, body: Any = None, status: int = 201, **query) -> Any:
        response = self.client.open(
            path, method=method, json=body, query_string=query, headers=self.headers
        )
        if response.status_code != status:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.get_data()}")
        return response.json

    def post(self, path: str, body: Any = None, status: int = 201) -> Any:
        return self.call("POST", path, body, status)

    def get_all(self, path: str, **query) -> list[dict[str, Any]]:
        """Every page of a list."""
        found, page = [], 1
        while True:
            batch = self.call("GET", path, status=200, page=page, page_size=200, **query)
            found += batch
            if len(batch) < 200:
                return found
            page += 1


@dataclass
class Ids:
    """What the server called the scenario's things, and the handhelds it enrolled."""

    org: int = 0
    sites: dict[str, int] = field(default_factory=dict)
    checkpoints: dict[str, int] = field(default_factory=dict)
    payloads: dict[str, str] = field(default_factory=dict)  # live sticker per checkpoint
    revoked: dict[str, str] = field(default_factory=dict)  # the revoked sticker per checkpoint
    plans: dict[int, str] = field(default_factory=dict)  # schedule id -> plan name
    users: dict[str, int] = field(default_factory=dict)
    devices: dict[int, str] = field(default_factory=dict)  # device id -> serial
    handhelds: dict[str, Handheld] = field(default_factory=dict)
    assets: dict[int, str] = field(default_factory=dict)  # asset id -> code
    form: tuple[int, int] = (0, 0)  # generator_weekly: template id, version


def build(app: Flask, session: Session, scenario: Scenario, http: httpx.Client) -> Ids:
    """The scenario's estate on a fresh tenant; the clock must be at scenario.setup_at."""
    ids = Ids()
    token = set_actor(OPERATOR)
    try:
        org = organizations.create(
            session,
            f"Truth {scenario.seed}",
            {"name": "Admin", "login": f"truth-admin-{scenario.seed}", "password": PASSWORD},
        )
    finally:
        reset_actor(token)
    session.commit()
    ids.org = org.id
    admin = Api(app).login(f"truth-admin-{scenario.seed}")
    for site in scenario.estate.sites:
        ids.sites[site.code] = admin.post(
            "/api/v1/sites",
            {"name": site.name, "timezone": site.timezone, "inactivity_min": site.inactivity_min}
            | DETECTION,
        )["id"]
    supervisor = f"truth-super-{scenario.seed}"
    admin.post(
        "/api/v1/users",
        {
            "name": "Supervisor",
            "login": supervisor,
            "role": "supervisor",
            "password": PASSWORD,
            "site_ids": list(ids.sites.values()),
        },
    )
    for site in scenario.estate.sites:
        for person in site.people:
            ids.users[person.login] = admin.post(
                "/api/v1/users",
                {
                    "name": person.name,
                    "login": f"{person.login}-{scenario.seed}",
                    "role": person.role,
                    "password": PASSWORD,
                    "site_ids": [ids.sites[site.code]],
                },
            )["id"]
    boss = Api(app).login(supervisor)
    for site in scenario.estate.sites:
        _patrols(boss, site, scenario, ids)
        for asset in site.assets:
            _plant(boss, site, asset, scenario, ids)
        for handheld in site.handhelds:
            code = boss.post("/api/v1/enrollment-codes", {"site_id": ids.sites[site.code]})
            device = Handheld(http, sleep=lambda _: None)
            enrolled = device.enroll(code["code"], f"{handheld.serial}-{scenario.seed}")
            ids.devices[enrolled["device_id"]] = handheld.serial
            ids.handhelds[handheld.serial] = device
    for site in scenario.estate.sites:
        for asset in site.assets:
            config = ids.handhelds[asset.engineer].fetch_config()
            form = next(t for t in config["inspection_templates"] if t["code"] == plant.FORM)
            ids.form = (form["id"], form["version"])
    return ids


def _patrols(boss: Api, site: Site, scenario: Scenario, ids: Ids) -> None:
    site_id = ids.sites[site.code]
    for place in site.checkpoints:
        ids.checkpoints[place.code] = boss.post(
            "/api/v1/checkpoints",
            {
                "site_id": site_id,
                "name": place.name,
                "code": place.code,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "radius_m": place.radius_m,
            },
        )["id"]
        tag = boss.post("/api/v1/qr-tags", {"checkpoint_id": ids.checkpoints[place.code]})
        if place.code == site.revoked:  # the sticker went missing: revoked, a new one put up
            boss.post(f"/api/v1/qr-tags/{tag['id']}/revoke", {"reason": "sticker missing"}, 200)
            ids.revoked[place.code] = tag["payload"]
            tag = boss.post("/api/v1/qr-tags", {"checkpoint_id": ids.checkpoints[place.code]})
        ids.payloads[place.code] = tag["payload"]
    routes = {}
    for route in site.routes:
        stops = [
            {
                "checkpoint_id": ids.checkpoints[s.code],
                "optional": s.optional,
                "require_note": s.require_note,
            }
            for s in route.stops
        ]
        body = {"site_id": site_id, "name": route.name, "order": route.order, "stops": stops}
        routes[route.name] = boss.post("/api/v1/routes", body)["id"]
    for plan in site.plans:
        walker = next(h for h in site.handhelds if h.serial == plan.walker)
        schedule = boss.post(
            "/api/v1/schedules",
            {
                "route_id": routes[plan.route],
                "name": plan.name,
                "rrule": plan.rrule,
                "start_local": start_local(site, plan, scenario.setup_at),
                "window_min": plan.window_min,
                "grace_min": plan.grace_min,
                "assignee_id": ids.users[walker.person],
            },
        )
        ids.plans[schedule["id"]] = plan.name


def _plant(boss: Api, site: Site, asset, scenario: Scenario, ids: Ids) -> None:
    made = boss.post(
        "/api/v1/assets",
        {
            "site_id": ids.sites[site.code],
            "kind": "generator",
            "name": asset.name,
            "code": asset.code,
        },
    )
    ids.assets[made["id"]] = asset.code
    forms = boss.post("/api/v1/inspection-templates/starters", status=200)
    if not forms:  # installed once per tenant
        forms = boss.get_all("/api/v1/inspection-templates")
    form = next(t for t in forms if t["code"] == plant.FORM)
    start = plant.schedule_start(site, scenario.setup_at)
    engineer = next(h for h in site.handhelds if h.serial == asset.engineer)
    boss.post(
        "/api/v1/inspection-schedules",
        {
            "asset_id": made["id"],
            "template_id": form["id"],
            "max_days": asset.max_days,
            "grace_hours": asset.grace_hours,
            "start_local": start.strftime("%Y-%m-%dT%H:%M"),
            "assignee_id": ids.users[engineer.person],
        },
    )
