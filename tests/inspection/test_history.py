"""Readings over time: a series per item, thinned for long ranges, and CSV for Excel."""

import csv
import io

import pytest

from tests.inspection.plant import DAY, MORNING, build_plant, weekly


@pytest.fixture
def plant(client, make):
    found = build_plant(client, make)
    # Sixty daily inspections; two days with a flat battery.
    for n in range(60):
        volts = 11.6 if n in (20, 41) else 13.2 + (n % 5) / 10
        fuel = 95 - (n % 7)
        response = found.submit(
            "generator_weekly",
            MORNING - (60 - n) * DAY,
            weekly(battery_v=volts, fuel_pct=fuel, run_hours=1200.0 + n),
        )
        assert response.status_code == 201, response.json
    return found


def test_a_short_range_gives_every_reading(plant):
    response = plant.client.get(
        f"/api/v1/assets/{plant.generator.id}/readings",
        query_string={
            "item": "battery_v",
            "since": (MORNING - 60 * DAY).isoformat(),
            "until": MORNING.isoformat(),
        },
        headers=plant.engineer,
    )
    assert response.status_code == 200, response.json
    readings = response.json["readings"]
    assert len(readings) == response.json["count"] == 60
    assert [r["level"] for r in readings].count("warning") == 2
    assert readings[0]["value"] == 13.2


def test_a_long_range_is_thinned_without_hiding_an_alarm(plant):
    response = plant.client.get(
        f"/api/v1/assets/{plant.generator.id}/readings",
        query_string={
            "item": "battery_v",
            "since": (MORNING - 60 * DAY).isoformat(),
            "until": MORNING.isoformat(),
            "points": 10,
        },
        headers=plant.engineer,
    )
    buckets = response.json["buckets"]
    assert len(buckets) == 10 and sum(b["count"] for b in buckets) == 60
    flagged = [b for b in buckets if b["level"] == "warning"]
    assert len(flagged) == 2 and all(b["min"] == 11.6 for b in flagged)


def test_the_csv_export_opens_in_excel_with_chinese_names(plant):
    response = plant.client.get(
        f"/api/v1/assets/{plant.generator.id}/readings.csv",
        query_string={"since": (MORNING - 61 * DAY).isoformat(), "until": MORNING.isoformat()},
        headers=plant.engineer,
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 60 * 3  # battery, fuel and run hours each time
    first = rows[0]
    assert first["asset"] == "1号发电机 Generator G1"
    assert first["inspector"] == "陈工"
    assert first["at_local"].endswith("+08:00")
    assert {r["item"] for r in rows} == {"battery_v", "fuel_pct", "run_hours"}
    guard = plant.client.get(
        f"/api/v1/assets/{plant.generator.id}/readings.csv",
        query_string={"since": MORNING.isoformat(), "until": (MORNING - DAY).isoformat()},
        headers=plant.engineer,
    )
    assert guard.status_code == 422


def test_the_latest_record_of_each_asset(plant):
    latest = plant.client.get("/api/v1/inspections/latest", headers=plant.engineer).json
    assert [(r["asset_id"], r["at"]) for r in latest] == [
        (plant.generator.id, (MORNING - DAY).isoformat())
    ]


def test_a_name_that_looks_like_a_formula_is_exported_as_text(plant, make):
    pump = make.asset(plant.site, name='=HYPERLINK("http://evil.example","点我")', code="P1")
    plant.submit("generator_weekly", MORNING, weekly(), asset=pump)
    response = plant.client.get(
        f"/api/v1/assets/{pump.id}/readings.csv",
        query_string={"since": (MORNING - DAY).isoformat(), "until": (MORNING + DAY).isoformat()},
        headers=plant.engineer,
    )
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8").lstrip("\ufeff"))))
    assert rows and all(r["asset"] == "'" + pump.name for r in rows)
