"""A plant room to inspect: a generator and a transformer, the starter templates, an engineer."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from server.domain.actor import Role
from server.domain.clock import set_clock
from server.domain.models import AssetKind
from server.testing.factories import Factory

# 09:00 in Shanghai on 2026-11-20.
MORNING = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@dataclass
class Plant:
    """The site, its assets, the people, and the installed templates by code."""

    client: FlaskClient
    site: Any
    generator: Any
    transformer: Any
    engineer: dict[str, str]
    supervisor: dict[str, str]
    templates: dict[str, dict[str, Any]]

    def submit(self, code: str, at: datetime, values: dict[str, Any], asset: Any = None, **extra):
        """An engineer submits a record of template `code` done at `at`; the response."""
        set_clock(lambda: at + timedelta(minutes=1))
        template = self.templates[code]
        target = asset or (self.transformer if code == "substation_daily" else self.generator)
        body = {"template_id": template["id"], "at": at.isoformat(), "values": values, **extra}
        if template["asset_kind"] is not None:
            body["asset_id"] = target.id
        else:
            body["site_id"] = self.site.id
        return self.client.post("/api/v1/inspections", json=body, headers=self.engineer)

    def alerts(self, **query: Any) -> list[dict[str, Any]]:
        found = self.client.get(
            "/api/v1/alerts", query_string={"page_size": 200, **query}, headers=self.supervisor
        )
        assert found.status_code == 200, found.json
        return found.json


def build_plant(client: FlaskClient, make: Factory) -> Plant:
    org = make.org()
    site = make.site(org, name="湖畔花园")
    generator = make.asset(site, name="1号发电机 Generator G1", code="G1")
    transformer = make.asset(
        site, kind=AssetKind.TRANSFORMER, name="1号变压器 Transformer T1", code="T1"
    )
    # Tokens that outlive the weeks the tests move the clock through.
    engineer = _auth(make, make.user(org, Role.ENGINEER, [site], name="陈工"))
    supervisor = _auth(make, make.user(org, Role.SUPERVISOR, [site]))
    set_clock(lambda: MORNING - 30 * DAY)
    installed = client.post("/api/v1/inspection-templates/starters", headers=supervisor)
    assert installed.status_code == 200, installed.json
    templates = {t["code"]: t for t in installed.json}
    return Plant(client, site, generator, transformer, engineer, supervisor, templates)


def _auth(make: Factory, user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {make.token(user, ttl=timedelta(days=400))}"}


def weekly(**changes: Any) -> dict[str, Any]:
    """A generator weekly inspection with every reading normal."""
    values = {
        "battery_v": 13.5,
        "charger_ok": True,
        "terminals_ok": True,
        "oil_level_ok": True,
        "fuel_pct": 90,
        "no_leaks": True,
        "coolant_level_ok": True,
        "heater_ok": True,
        "run_hours": 1200.0,
        "auto_mode": True,
        "no_alarms": True,
    }
    return values | changes


def substation(**changes: Any) -> dict[str, Any]:
    """A substation daily round with every reading normal."""
    values = {
        "hv_kv_ab": 10.1,
        "hv_kv_bc": 10.2,
        "hv_kv_ca": 10.1,
        "lv_v_ab": 392,
        "lv_v_bc": 395,
        "lv_v_ca": 390,
        "lv_a_a": 410,
        "lv_a_b": 395,
        "lv_a_c": 402,
        "load_pct": 60,
        "winding_temp_c": 72,
        "room_temp_c": 24,
        "humidity_pct": 55,
        "dc_v": 230,
        "rodent_guards": True,
        "extinguishers": True,
        "access_log": True,
        "no_sound_smell": True,
        "mats": True,
    }
    return values | changes
