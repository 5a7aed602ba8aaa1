"""Inspections from a handheld: judged the moment the batch arrives, bad items never lost."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.domain.clock import set_clock
from server.domain.models import DeviceEvent, InspectionRecord, Organization
from tests.inspection.plant import MORNING, build_plant, weekly


@pytest.fixture
def plant(client, make):
    return build_plant(client, make)


@pytest.fixture
def handheld(plant, make, db):
    org = db.get(Organization, plant.site.org_id)
    device = make.device(org, [plant.site])
    device.enrolled_at = MORNING - timedelta(days=60)
    return make.device_auth(device)


def inspection(plant, code="generator_weekly", **fields):
    template = plant.templates[code]
    return {
        "uuid": str(uuid.uuid4()),
        "type": "inspection",
        "device_time": MORNING.isoformat(),
        "asset_id": plant.generator.id,
        "template_id": template["id"],
        "version": template["version"],
        "values": weekly(),
        **fields,
    }


def sync(plant, headers, events):
    set_clock(lambda: MORNING + timedelta(minutes=5))
    body = {"sent_at": (MORNING + timedelta(minutes=5)).isoformat(), "events": events}
    response = plant.client.post("/api/v1/device/sync", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["results"]


def test_a_bad_reading_from_a_handheld_raises_its_alert_at_once(plant, handheld, db):
    photo = "ab" * 32
    event = inspection(plant, values=weekly(battery_v=11.8), photos={"battery_v": [photo]})
    (result,) = sync(plant, handheld, [event])
    assert (result["status"], result["flags"]) == ("accepted", [])
    record = db.scalar(select(InspectionRecord))
    stored = db.scalar(select(DeviceEvent).where(DeviceEvent.uuid == event["uuid"]))
    assert record.event_id == stored.id and record.device_id == stored.device_id
    assert record.photos == {"battery_v": [photo]}
    (alert,) = plant.alerts()
    assert alert["kind"] == "inspection_out_of_bounds"
    assert alert["event_id"] == stored.id
    # The photo is wanted like any other: the handheld is asked to upload it.
    missing = plant.client.post(
        "/api/v1/device/photos/missing", json={"sha256": [photo]}, headers=handheld
    )
    assert missing.json["missing"] == [photo]


def test_a_resent_batch_makes_no_second_record(plant, handheld, db):
    event = inspection(plant, values=weekly(battery_v=11.8))
    sync(plant, handheld, [event])
    (again,) = sync(plant, handheld, [event])
    assert again["status"] == "duplicate"
    assert len(db.scalars(select(InspectionRecord)).all()) == 1
    assert len(plant.alerts()) == 1


def test_bad_items_are_kept_and_flagged_never_lost(plant, handheld, db):
    values = weekly(battery_v="high", bogus=3)
    del values["fuel_pct"]
    good = inspection(
        plant, values=weekly(battery_v=13.4), device_time=(MORNING - timedelta(days=7)).isoformat()
    )
    bad = inspection(plant, values=values)
    results = sync(plant, handheld, [good, bad])
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert results[1]["flags"] == ["inspection_item_errors", "inspection_incomplete"]
    records = db.scalars(select(InspectionRecord).order_by(InspectionRecord.at)).all()
    assert [r.status for r in records] == ["normal", "incomplete"]
    assert set(records[1].errors) == {"battery_v", "bogus"}
    assert records[1].missing == ["fuel_pct"]  # the refused battery reading is an error


@pytest.mark.parametrize(
    "fields,flag",
    [
        ({"asset_id": 999_999}, "unknown_asset"),
        ({"template_id": 999_999}, "unknown_template"),
        ({"version": 99}, "unknown_template"),
    ],
)
def test_an_inspection_that_cannot_be_placed_is_stored_and_flagged(
    plant, handheld, db, fields, flag
):
    (result,) = sync(plant, handheld, [inspection(plant, **fields)])
    assert (result["status"], result["flags"]) == ("accepted", [flag])
    assert db.scalars(select(InspectionRecord)).all() == []


@pytest.mark.parametrize(
    "fields,reason",
    [
        ({"values": [1, 2]}, "values must be an object"),
        ({"values": {"Battery": 1}}, "item keys"),
        ({"values": {"battery_v": float("inf")}}, None),
        ({"asset_id": None}, "asset_id"),
        ({"version": 0}, "version"),
    ],
)
def test_a_malformed_inspection_is_rejected_alone(plant, handheld, fields, reason):
    ok = inspection(plant)
    bad = inspection(plant, **fields)
    if reason is None:  # sent as the non-standard JSON token Infinity
        bad["values"] = {"battery_v": 1e400}
    results = sync(plant, handheld, [ok, bad])
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "rejected"
    if reason:
        assert reason in results[1]["reason"]


def test_the_offline_config_carries_the_forms_and_each_assets_own_limits(plant, handheld):
    plant.client.put(
        f"/api/v1/assets/{plant.transformer.id}/limits/winding_temp_c",
        json={"warning": [None, 110]},
        headers=plant.supervisor,
    )
    config = plant.client.get("/api/v1/device/config", headers=handheld).json
    forms = {t["code"]: t for t in config["inspection_templates"]}
    assert set(forms) == set(plant.templates)
    assert forms["substation_daily"]["definition"]["sections"][0]["title"]["zh"] == "10kV 高压侧"
    (site,) = config["sites"]
    transformer = next(a for a in site["assets"] if a["id"] == plant.transformer.id)
    assert transformer["limits"]["winding_temp_c"]["warning"] == [None, 110]
