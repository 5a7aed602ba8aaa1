"""An engineer's record arrives: every reading checked against its limits and its history."""

import pytest

from tests.inspection.plant import DAY, MORNING, build_plant, substation, weekly


@pytest.fixture
def plant(client, make):
    return build_plant(client, make)


def test_one_bad_reading_makes_exactly_one_alert_with_the_bound_and_the_history(plant):
    for n, volts in enumerate((13.6, 13.4, 13.2)):
        ok = plant.submit("generator_weekly", MORNING - (3 - n) * 7 * DAY, weekly(battery_v=volts))
        assert ok.status_code == 201, ok.json
        assert ok.json["status"] == "normal"
    assert plant.alerts() == []
    bad = plant.submit("generator_weekly", MORNING, weekly(battery_v=11.8, run_hours=1201.0))
    assert bad.status_code == 201
    assert bad.json["status"] == "abnormal"
    assert bad.json["findings"] == [
        {"code": "out_of_bounds", "item": "battery_v", "level": "warning"}
    ]
    (alert,) = plant.alerts()
    assert alert["kind"] == "inspection_out_of_bounds"
    assert alert["severity"] == "medium"
    assert alert["asset_id"] == plant.generator.id
    assert alert["title"] == (
        "1号发电机 Generator G1: 启动电瓶电压 Starter battery voltage 11.8 V, "
        "below the warning limit 12 V"
    )
    evidence = alert["evidence"]
    assert (evidence["value"], evidence["side"], evidence["limit"]) == (11.8, "low", 12.0)
    assert evidence["bounds"]["warning"] == [12.0, 15.0]
    assert [r["value"] for r in evidence["recent"]] == [13.2, 13.4, 13.6]
    assert evidence["record_id"] == bad.json["id"]


def test_a_reading_that_stays_out_updates_its_alert_and_worsens_it(plant):
    plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(battery_v=11.8))
    plant.submit("generator_weekly", MORNING, weekly(battery_v=11.5, run_hours=1201.0))
    (alert,) = plant.alerts()
    assert alert["evidence"]["value"] == 11.5
    assert [e["action"] for e in alert["history"]] == ["raised", "updated"]
    plant.submit("generator_weekly", MORNING + 7 * DAY, weekly(battery_v=16.5, run_hours=1202.0))
    (alert,) = plant.alerts()  # still the same spell of a bad battery system
    assert alert["severity"] == "critical"
    assert alert["evidence"]["side"] == "high"


def test_an_episode_is_as_bad_as_its_worst_record(plant):
    plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(battery_v=16.5))  # critical
    plant.submit("generator_weekly", MORNING, weekly(battery_v=11.8, run_hours=1201.0))
    (alert,) = plant.alerts()
    assert alert["severity"] == "critical"  # still out: the episode does not improve its grade
    assert alert["evidence"]["value"] == 11.8  # the evidence is the latest record's


def test_a_new_excursion_after_a_return_to_normal_is_a_new_alert_linked_to_the_first(plant):
    plant.submit("generator_weekly", MORNING - 14 * DAY, weekly(battery_v=11.8))
    plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(run_hours=1201.0))  # back
    (first,) = plant.alerts()
    assert first["state"] == "open" and "back_to_normal" in first["evidence"]
    # A week later the battery is low again, while the first still waits for its note.
    again = plant.submit("generator_weekly", MORNING, weekly(battery_v=11.7, run_hours=1202.0))
    assert again.status_code == 201
    first, second = plant.alerts()
    assert first["state"] == second["state"] == "open"
    assert second["previous_id"] == first["id"] and first["previous_id"] is None
    assert second["evidence"]["value"] == 11.7
    assert first["evidence"]["value"] == 11.8  # the first episode keeps its own story
    assert [e["action"] for e in second["history"]] == ["raised"]
    # Consecutive records of the new excursion continue the new alert, not the first.
    plant.submit("generator_weekly", MORNING + 7 * DAY, weekly(battery_v=11.6, run_hours=1203.0))
    assert [a["evidence"]["value"] for a in plant.alerts()] == [11.8, 11.6]


def test_back_within_bounds_is_noted_but_the_loop_needs_a_note(plant):
    plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(battery_v=11.8))
    plant.submit("generator_weekly", MORNING, weekly(run_hours=1201.0))
    (alert,) = plant.alerts()
    assert alert["state"] == "open"
    assert alert["evidence"]["back_to_normal"]["value"] == 13.5
    resolved = plant.client.post(
        f"/api/v1/alerts/{alert['id']}/resolve",
        json={"note": "更换启动电瓶 Replaced the starter battery"},
        headers=plant.supervisor,
    )
    assert resolved.json["state"] == "resolved"
    # A new fault later is a new alert, not the closed one reopened, and it says which it follows.
    plant.submit("generator_weekly", MORNING + 7 * DAY, weekly(battery_v=11.9, run_hours=1202.0))
    first, second = plant.alerts()
    assert [first["state"], second["state"]] == ["resolved", "open"]
    assert second["previous_id"] == first["id"]


def test_a_follow_up_reading_is_needed_before_a_transformer_alert_closes(plant):
    hot = substation(winding_temp_c=130)
    plant.submit("substation_daily", MORNING - DAY, hot)
    (alert,) = plant.alerts()
    assert alert["evidence"]["follow_up"] is True
    rectified = plant.client.post(
        f"/api/v1/alerts/{alert['id']}/resolve",
        json={"note": "清理风机滤网，风机恢复 Cleaned the fan filters"},
        headers=plant.supervisor,
    )
    assert rectified.status_code == 200
    assert (rectified.json["state"], rectified.json["awaiting_reading"]) == ("acknowledged", True)
    plant.submit("substation_daily", MORNING, substation(winding_temp_c=125))
    (alert,) = plant.alerts()
    assert (alert["state"], alert["awaiting_reading"]) == ("open", False)
    assert alert["history"][-1]["note"] == "still out of bounds after the rectification"
    plant.client.post(
        f"/api/v1/alerts/{alert['id']}/resolve",
        json={"note": "更换温控器 Replaced the fan controller"},
        headers=plant.supervisor,
    )
    plant.submit("substation_daily", MORNING + DAY, substation(winding_temp_c=88))
    (alert,) = plant.alerts()
    assert alert["state"] == "resolved"
    assert alert["resolution"] == "更换温控器 Replaced the fan controller"
    assert [e["action"] for e in alert["history"]][-2:] == ["rectified", "follow_up_ok"]


def test_an_assets_own_limits_replace_the_templates(plant):
    # This maker's dry-type transformer alarms at 110 °C, not the template's 120 °C.
    path = f"/api/v1/assets/{plant.transformer.id}/limits/winding_temp_c"
    put = plant.client.put(
        path,
        json={"warning": [None, 110], "note": "厂家设定 maker's setting"},
        headers=plant.supervisor,
    )
    assert put.status_code == 200, put.json
    record = plant.submit("substation_daily", MORNING, substation(winding_temp_c=115))
    assert record.json["findings"] == [
        {"code": "out_of_bounds", "item": "winding_temp_c", "level": "warning"}
    ]
    (alert,) = plant.alerts()
    assert alert["evidence"]["bounds"] == {
        "normal": [None, 100],
        "warning": [None, 110],
        "critical": [None, 155],
    }
    refused = plant.client.put(path, json={"warning": [None, 170]}, headers=plant.supervisor)
    assert refused.status_code == 200  # wider than the template's critical: allowed alone...
    nested = plant.client.put(
        path, json={"warning": [None, 170], "critical": [None, 160]}, headers=plant.supervisor
    )
    assert nested.status_code == 422  # ...but not beyond its own critical limit
    assert (
        plant.client.put(path, json={"warning": [5]}, headers=plant.supervisor).status_code == 422
    )


def test_derived_imbalance_is_computed_and_checked(plant):
    record = plant.submit(
        "substation_daily", MORNING, substation(lv_a_a=400, lv_a_b=380, lv_a_c=280)
    )
    assert record.json["values"]["lv_imbalance_pct"] == 30.0  # (400 - 280) / 400
    assert {"code": "out_of_bounds", "item": "lv_imbalance_pct", "level": "warning"} in (
        record.json["findings"]
    )
    refused = plant.submit("substation_daily", MORNING + DAY, substation(lv_imbalance_pct=1))
    assert refused.status_code == 422
    assert "computed by Vigil" in refused.json["errors"]["values"]["lv_imbalance_pct"][0]


def test_bad_values_are_refused_item_by_item(plant):
    response = plant.submit(
        "generator_weekly",
        MORNING,
        weekly(battery_v="13.5", oil_level_ok="yes", bogus=1),
    )
    assert response.status_code == 422
    assert set(response.json["errors"]["values"]) == {"battery_v", "oil_level_ok", "bogus"}
    assert plant.client.get("/api/v1/inspections", headers=plant.engineer).json == []


def test_missing_items_make_an_incomplete_record(plant):
    values = weekly()
    del values["battery_v"], values["fuel_pct"]
    record = plant.submit("generator_weekly", MORNING, values)
    assert record.status_code == 201
    assert record.json["status"] == "incomplete"
    assert record.json["missing"] == ["battery_v", "fuel_pct"]
    (alert,) = plant.alerts()
    assert alert["kind"] == "inspection_incomplete"
    assert alert["severity"] == "low"
    assert "启动电瓶电压 Starter battery voltage, 燃油油位 Fuel level" in alert["title"]


def test_a_failed_check_is_a_finding_at_its_level(plant):
    record = plant.submit("generator_weekly", MORNING, weekly(auto_mode=False))
    assert record.json["findings"] == [
        {"code": "check_failed", "item": "auto_mode", "level": "critical"}
    ]
    (alert,) = plant.alerts()
    assert alert["severity"] == "critical"
    assert "控制器处于自动状态" in alert["title"]


def test_a_meter_that_goes_back_or_jumps_is_flagged(plant):
    plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(run_hours=1200.0))
    back = plant.submit("generator_weekly", MORNING, weekly(run_hours=1100.0, battery_v=13.4))
    assert back.json["findings"] == [
        {"code": "meter_backwards", "item": "run_hours", "level": "warning"}
    ]
    # 7 days at most 24 h a day is 168 h; 500 h cannot have been run.
    jump = plant.submit(
        "generator_weekly", MORNING + 7 * DAY, weekly(run_hours=1600.0, battery_v=13.3)
    )
    assert jump.json["findings"] == [
        {"code": "meter_jump", "item": "run_hours", "level": "warning"}
    ]
    assert sorted(a["kind"] for a in plant.alerts()) == [
        "inspection_meter_backwards",
        "inspection_meter_jump",
    ]


def test_fuel_that_falls_with_no_run_logged_is_flagged(plant):
    plant.submit("generator_weekly", MORNING - 14 * DAY, weekly(fuel_pct=95, run_hours=1200.0))
    ran = plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(fuel_pct=80, run_hours=1203.5))
    assert ran.json["findings"] == []  # it ran three and a half hours: the fuel went somewhere
    stolen = plant.submit("generator_weekly", MORNING, weekly(fuel_pct=62, run_hours=1203.5))
    assert stolen.json["findings"] == [
        {"code": "unexplained_drop", "item": "fuel_pct", "level": "warning"}
    ]
    (alert,) = plant.alerts()
    assert alert["evidence"]["drop"] == 18
    assert "fell 18 % since the last record with no run logged" in alert["title"]


DROP = {"code": "unexplained_drop", "item": "fuel_pct", "level": "warning"}


@pytest.mark.parametrize("run_hours,findings", [(1200.2, [DROP]), (1200.6, [])])
def test_only_half_an_hour_on_the_meter_explains_a_fuel_drop(plant, run_hours, findings):
    plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(fuel_pct=90, run_hours=1200.0))
    record = plant.submit("generator_weekly", MORNING, weekly(fuel_pct=66, run_hours=run_hours))
    assert record.json["findings"] == findings
    if findings:
        (alert,) = plant.alerts()
        evidence = alert["evidence"]
        assert (evidence["drop"], evidence["meter_rise"], evidence["min_run_hours"]) == (
            24,
            0.2,
            0.5,
        )
        # The title says a run was logged, and why it does not count.
        assert (
            "fell 24 % since the last record; a run of 0.2 h does not explain it"
            in (alert["title"])
        )


def test_a_template_may_ask_for_an_hour_on_the_meter(plant):
    template = plant.templates["generator_weekly"]
    response = plant.client.patch(
        f"/api/v1/inspection-templates/{template['id']}",
        json={"definition": template["definition"] | {"min_run_hours": 1.0}},
        headers=plant.supervisor,
    )
    assert response.status_code == 200, response.json
    plant.submit("generator_weekly", MORNING - 7 * DAY, weekly(fuel_pct=90, run_hours=1200.0))
    record = plant.submit("generator_weekly", MORNING, weekly(fuel_pct=66, run_hours=1200.6))
    assert record.json["findings"] == [DROP]
    refused = plant.client.patch(
        f"/api/v1/inspection-templates/{template['id']}",
        json={"definition": template["definition"] | {"min_run_hours": 0}},
        headers=plant.supervisor,
    )
    assert refused.status_code == 422
    assert "definition.min_run_hours" in refused.json["errors"]


def test_a_transformer_running_hotter_than_usual_at_the_same_load(plant):
    for n, (temp, load) in enumerate([(70, 60), (72, 62), (71, 58), (95, 85)]):
        plant.submit(
            "substation_daily",
            MORNING - (5 - n) * DAY,
            substation(winding_temp_c=temp, load_pct=load),
        )
    assert plant.alerts() == []  # 95 °C at 85 % load is nothing like 60 % load
    hot = plant.submit("substation_daily", MORNING, substation(winding_temp_c=84, load_pct=61))
    assert hot.json["findings"] == [
        {"code": "above_usual", "item": "winding_temp_c", "level": "warning"}
    ]
    (alert,) = plant.alerts()
    assert alert["evidence"]["usual"] == 71
    assert alert["evidence"]["compared_with"] == 3


def test_the_same_readings_copied_three_times_is_a_flatline(plant):
    same = substation()
    for n in range(2):
        plant.submit("substation_daily", MORNING - (2 - n) * DAY, same)
    assert plant.alerts() == []
    third = plant.submit("substation_daily", MORNING, same)
    assert third.json["findings"] == [{"code": "flatline", "item": None, "level": "warning"}]
    plant.submit("substation_daily", MORNING + DAY, same)
    (alert,) = plant.alerts()  # the fourth copy is the same spell
    assert alert["kind"] == "inspection_flatline"
    assert len(alert["history"]) == 2


def test_resending_a_record_with_its_uuid_stores_it_once(plant):
    uuid = "7d0e7f2c-4a51-4b7e-9a9e-2f1f7b0c0a11"
    first = plant.submit("generator_weekly", MORNING, weekly(battery_v=11.8), uuid=uuid)
    again = plant.submit("generator_weekly", MORNING, weekly(battery_v=11.8), uuid=uuid)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    other = plant.submit("generator_weekly", MORNING, weekly(battery_v=12.8), uuid=uuid)
    assert other.status_code == 409
    assert len(plant.alerts()) == 1
