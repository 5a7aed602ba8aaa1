"""Inspections falling due: a skipped generator load run is flagged, and cleared when done."""

from datetime import timedelta

import pytest

from server import worker
from server.domain.clock import set_clock
from tests.inspection.plant import DAY, MORNING, build_plant, substation

HOUR = timedelta(hours=1)


@pytest.fixture
def plant(client, make):
    return build_plant(client, make)


def sweep_at(db, at):
    set_clock(lambda: at)
    counts = worker.sweep(db, at)
    assert not counts.failed, counts
    return counts


def load_run(**changes):
    values = {
        "load_pct": 45,
        "duration_min": 35,
        "run_hours_before": 1200.0,
        "run_hours": 1200.8,
        "voltage_v": 231,
        "frequency_hz": 50.02,
        "oil_pressure_bar": 3.4,
        "coolant_temp_c": 82,
        "battery_v": 13.6,
        "ats_transferred": True,
        "transfer_s": 7.5,
    }
    return values | changes


def schedule(plant, made_at=MORNING - 60 * DAY, **body):
    template = plant.templates[body.pop("code")]
    set_clock(lambda: made_at)
    response = plant.client.post(
        "/api/v1/inspection-schedules",
        json={"asset_id": plant.generator.id, "template_id": template["id"], **body},
        headers=plant.supervisor,
    )
    assert response.status_code == 201, response.json
    return response.json


def test_a_skipped_monthly_load_run_is_overdue_then_cleared_when_done(plant, db):
    made = schedule(plant, code="generator_monthly_load", min_days=20, max_days=40)
    assert plant.submit("generator_monthly_load", MORNING - 43 * DAY, load_run()).status_code == 201
    sweep_at(db, MORNING - 3 * DAY - HOUR)  # due 40 days after: not yet
    assert plant.alerts() == []
    sweep_at(db, MORNING)
    (alert,) = plant.alerts()
    assert alert["kind"] == "inspection_overdue"
    assert alert["title"] == (
        "1号发电机 Generator G1: 发电机月度带载试验 Generator monthly exercise under load "
        "overdue by 3 days (due 2026-11-17 09:00)"
    )
    assert alert["severity"] == "medium"
    assert alert["evidence"]["schedule_id"] == made["id"]
    sweep_at(db, MORNING + DAY)
    (alert,) = plant.alerts()  # the same alert, a day later
    assert alert["evidence"]["overdue_days"] == 4
    listed = plant.client.get(
        f"/api/v1/inspection-schedules/{made['id']}", headers=plant.supervisor
    ).json
    assert listed["next_due_at"] == "2026-11-17T01:00:00+00:00"
    done = plant.submit(
        "generator_monthly_load",
        MORNING + DAY + 2 * HOUR,
        load_run(run_hours_before=1200.8, run_hours=1201.5),
    )
    assert done.json["status"] == "normal"
    (alert,) = plant.alerts()
    assert alert["state"] == "resolved"
    assert "4.1 days after due" in alert["resolution"]
    sweep_at(db, MORNING + 2 * DAY)
    assert len(plant.alerts()) == 1


def test_a_load_run_sooner_than_the_spacing_allows_is_noted(plant):
    schedule(plant, code="generator_monthly_load", min_days=20, max_days=40)
    plant.submit("generator_monthly_load", MORNING - 10 * DAY, load_run())
    again = plant.submit(
        "generator_monthly_load", MORNING, load_run(run_hours_before=1200.8, run_hours=1201.6)
    )
    assert again.json["findings"] == [{"code": "too_soon", "item": None, "level": "low"}]
    (alert,) = plant.alerts()
    assert alert["title"].endswith("done 10 days after the last one (at least 20)")


def test_a_short_load_run_fails_its_limits(plant):
    record = plant.submit("generator_monthly_load", MORNING, load_run(load_pct=20, duration_min=18))
    assert sorted((f["item"], f["level"]) for f in record.json["findings"]) == [
        ("duration_min", "warning"),
        ("load_pct", "warning"),
    ]
    assert record.json["values"]["run_hours_added"] == 0.8


def test_a_daily_round_is_overdue_once_its_grace_has_passed(plant, db):
    template = plant.templates["substation_daily"]
    set_clock(lambda: MORNING - 2 * DAY + HOUR)  # 10:00, just after the day's 09:00
    response = plant.client.post(
        "/api/v1/inspection-schedules",
        json={
            "asset_id": plant.transformer.id,
            "template_id": template["id"],
            "rrule": "FREQ=DAILY;BYHOUR=9",
            "start_local": "2026-11-01T09:00",
            "grace_hours": 12,
        },
        headers=plant.supervisor,
    )
    assert response.status_code == 201, response.json
    assert response.json["next_due_at"] == "2026-11-19T01:00:00+00:00"  # 09:00 in Shanghai
    sweep_at(db, MORNING - DAY + 11 * HOUR)
    assert plant.alerts() == []
    sweep_at(db, MORNING - DAY + 13 * HOUR)
    (alert,) = plant.alerts()
    assert (
        "配电房日常巡检 Substation daily round overdue by 13 h (due 2026-11-19 09:00)"
        in (alert["title"])
    )


def daily_round(plant, **body):
    """The transformer's daily round, due 12 to 36 hours after the last one."""
    spacing = {"min_hours": 12, "max_hours": 36} | body
    return schedule(plant, code="substation_daily", asset_id=plant.transformer.id, **spacing)


def test_a_round_spaced_in_hours_is_overdue_36_hours_after_the_last(plant, db):
    made = daily_round(plant)
    plant.submit("substation_daily", MORNING, substation())
    listed = plant.client.get(
        f"/api/v1/inspection-schedules/{made['id']}", headers=plant.supervisor
    ).json
    assert (listed["min_hours"], listed["max_hours"], listed["max_days"]) == (12, 36, None)
    assert listed["next_due_at"] == "2026-11-21T13:00:00+00:00"  # 36 h after 09:00 on the 20th
    sweep_at(db, MORNING + 35 * HOUR)
    assert plant.alerts() == []
    sweep_at(db, MORNING + 37 * HOUR)
    (alert,) = plant.alerts()
    assert alert["kind"] == "inspection_overdue"
    assert alert["title"].endswith(
        "配电房日常巡检 Substation daily round overdue by 1 h (due 2026-11-21 21:00)"
    )
    assert (alert["evidence"]["max_hours"], alert["evidence"]["max_days"]) == (36, None)


@pytest.mark.parametrize("hours,too_soon", [(10, True), (13, False)])
def test_a_round_sooner_than_its_least_hours_is_too_soon(plant, hours, too_soon):
    daily_round(plant)
    plant.submit("substation_daily", MORNING - hours * HOUR, substation(load_pct=55))
    again = plant.submit("substation_daily", MORNING, substation())
    soon = {"code": "too_soon", "item": None, "level": "low"}
    assert again.json["findings"] == ([soon] if too_soon else [])
    if too_soon:
        (alert,) = plant.alerts()
        assert (alert["evidence"]["hours"], alert["evidence"]["min_hours"]) == (10, 12)


def test_a_spacing_counts_its_first_due_date_from_its_start(plant, db):
    # Started on the 1st, set up on the 20th, nothing done yet: due 40 days after the 1st.
    made = schedule(
        plant,
        made_at=MORNING,
        code="generator_monthly_load",
        min_days=20,
        max_days=40,
        start_local="2026-11-01T09:00",
    )
    assert made["start_local"] == "2026-11-01T09:00"
    assert made["next_due_at"] == "2026-12-11T01:00:00+00:00"  # 09:00 in Shanghai
    sweep_at(db, MORNING + 21 * DAY - HOUR)
    assert plant.alerts() == []
    sweep_at(db, MORNING + 21 * DAY + HOUR)
    (alert,) = plant.alerts()
    assert alert["title"].endswith("overdue by 1 h (due 2026-12-11 09:00)")


def test_a_spacing_without_a_start_counts_from_when_it_was_made(plant):
    made = schedule(plant, made_at=MORNING, code="generator_monthly_load", max_days=40)
    assert made["start_local"] is None
    assert made["next_due_at"] == "2026-12-30T01:00:00+00:00"


def test_a_spacing_changes_unit_only_with_the_other_unit_cleared(plant):
    made = schedule(plant, code="generator_monthly_load", min_days=20, max_days=40)
    path = f"/api/v1/inspection-schedules/{made['id']}"
    mixed = plant.client.patch(path, json={"max_hours": 36}, headers=plant.supervisor)
    assert mixed.status_code == 422
    assert set(mixed.json["errors"]) == {"min_days", "max_days", "max_hours"}
    hours = {"min_days": None, "max_days": None, "min_hours": 12, "max_hours": 36}
    changed = plant.client.patch(path, json=hours, headers=plant.supervisor)
    assert changed.status_code == 200, changed.json
    assert (changed.json["max_days"], changed.json["max_hours"]) == (None, 36)


def test_a_schedule_needs_a_rule_or_a_spacing(plant):
    template = plant.templates["generator_weekly"]
    for body, field in [
        ({}, "rrule"),
        ({"rrule": "FREQ=WEEKLY"}, "start_local"),
        ({"rrule": "FREQ=SOMETIMES", "start_local": "2026-11-01T09:00"}, "rrule"),
        ({"min_days": 30, "max_days": 20}, "min_days"),
        ({"min_hours": 40, "max_hours": 36}, "min_hours"),
        ({"min_hours": 12}, "rrule"),
        ({"min_days": 1, "max_hours": 36}, "max_hours"),
        ({"max_days": 40, "max_hours": 36}, "max_days"),
        ({"max_hours": 36, "start_local": "soon"}, "start_local"),
        ({"max_hours": 36, "start_local": "2026-11-01T09:00Z"}, "start_local"),
        ({"max_days": 3660, "start_local": "9999-12-31T00:00"}, "start_local"),
    ]:
        response = plant.client.post(
            "/api/v1/inspection-schedules",
            json={"asset_id": plant.generator.id, "template_id": template["id"], **body},
            headers=plant.supervisor,
        )
        assert response.status_code == 422, (body, response.json)
        assert field in str(response.json["errors"]), (body, response.json)
