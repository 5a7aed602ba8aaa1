"""The supervisory audit scores as the manual says; templates are checked and versioned."""

import pytest

from server.domain.errors import Invalid
from server.domain.inspection import definition
from server.domain.inspection.starters import STARTERS, SUPERVISORY_AUDIT
from tests.inspection.plant import DAY, MORNING, build_plant, weekly

AUDIT_ITEMS = [
    item["key"]
    for section in SUPERVISORY_AUDIT["definition"]["sections"]
    for item in section["items"]
]


@pytest.fixture
def plant(client, make):
    return build_plant(client, make)


def audit(taken):
    """Every item assessed; `taken` maps item key to {requirement: points taken}."""
    return {key: {"missing": taken.get(key, {})} for key in AUDIT_ITEMS}


def test_the_audit_form_has_nineteen_items_worth_100_points():
    form = definition.parse(SUPERVISORY_AUDIT["definition"])
    assert len(form.items) == 19
    assert sum(i.points for i in form.items) == 100
    assert form.item("requests").points == 10 and form.item("requests").deduction == (1, 2)


REQUESTS_8 = {"requests": {"1": 2, "2": 2, "3": 2, "4": 2}}  # 8 of the item's 10 points
TWENTY_OFF = REQUESTS_8 | {
    "rules": {"1": 2, "2": 2},
    "keys": {"1": 2, "2": 2},
    "plans": {"1": 2, "2": 2},
}


@pytest.mark.parametrize(
    "taken,score,grade",
    [
        ({}, 100, "excellent"),
        # 9 points off: 91 is excellent; 10 off: 90 is good.
        (REQUESTS_8 | {"rules": {"1": 1}}, 91, "excellent"),
        (REQUESTS_8 | {"rules": {"1": 2}}, 90, "good"),
        (TWENTY_OFF, 80, "good"),
        # 79.5: the bands are whole points, and 79.5 rounds to 80.
        (TWENTY_OFF | {"team": {"1": 0.5}}, 79.5, "good"),
        (TWENTY_OFF | {"team": {"1": 1}}, 79, "fail"),
    ],
)
def test_the_audit_scores_and_grades_as_the_manual_says(plant, taken, score, grade):
    record = plant.submit("supervisory_audit", MORNING, audit(taken))
    assert record.status_code == 201, record.json
    assert (record.json["score"], record.json["grade"]) == (score, grade)
    failed = [a for a in plant.alerts() if a["kind"] == "inspection_audit_failed"]
    assert len(failed) == (grade == "fail")
    if failed:
        title = (
            "客户服务督导评分 Supervisory audit: customer service: audit scored 79, 不及格 (fail)"
        )
        assert failed[0]["title"] == title


def test_an_item_never_goes_below_zero(plant):
    # Five missing requirements at up to 2 points could take 10 from a 5-point item.
    taken = {"appearance": {str(n): 2 for n in range(1, 6)}}
    record = plant.submit("supervisory_audit", MORNING, audit(taken))
    assert record.json["score"] == 95


@pytest.mark.parametrize(
    "value",
    [
        {"missing": {"1": 0.2}},  # below the item's least deduction (0.5)
        {"missing": {"1": 3}},  # above its most (2)
        {"missing": {"9": 1}},  # there is no ninth requirement
        {"missing": [1]},
        {"points": 4},
    ],
)
def test_deductions_outside_the_manuals_range_are_refused(plant, value):
    response = plant.submit("supervisory_audit", MORNING, audit({}) | {"rules": value})
    assert response.status_code == 422
    assert list(response.json["errors"]["values"]) == ["rules"]


def test_a_partial_audit_has_no_score(plant):
    values = audit({})
    del values["keys"]
    record = plant.submit("supervisory_audit", MORNING, values)
    assert (record.json["status"], record.json["score"]) == ("incomplete", None)
    assert record.json["asset_id"] is None and record.json["site_id"] == plant.site.id


def test_every_starter_template_is_valid_and_bilingual():
    for starter in STARTERS:
        form = definition.parse(starter["definition"])
        assert starter["name"] and starter["name_zh"]
        for item in form.items:
            assert item.label.get("en") and item.label.get("zh"), (starter["code"], item.key)


@pytest.mark.parametrize(
    "item,path",
    [
        ({"key": "T", "type": "number", "label": "x"}, "items[0].key"),
        ({"key": "t", "type": "gauge", "label": "x"}, "items[0].type"),
        ({"key": "t", "type": "number", "label": "x", "warning": [90, 80]}, "items[0].warning"),
        (
            {
                "key": "t",
                "type": "number",
                "label": "x",
                "warning": [None, 90],
                "critical": [None, 80],
            },
            "items[0]",
        ),
        ({"key": "t", "type": "derived", "label": "x", "formula": "sqrt", "inputs": []}, "formula"),
        ({"key": "t", "type": "choice", "label": "x", "choices": []}, "choices"),
        (
            {"key": "t", "type": "audit", "label": "x", "points": 5, "requirements": ["a"]},
            "deduction",
        ),
        ({"key": "t", "type": "number", "label": "x", "drop_unless": "nothing"}, "drop_unless"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_place(item, path):
    raw = {"sections": [{"key": "s", "title": "S", "items": [item]}]}
    with pytest.raises(Invalid) as error:
        definition.parse(raw)
    assert any(path in key for key in error.value.errors), error.value.errors


METER_FORM = {
    "sections": [
        {
            "key": "s",
            "title": "S",
            "items": [{"key": "run_hours", "type": "meter", "label": "Run hours", "unit": "h"}],
        }
    ]
}


@pytest.mark.parametrize("value", [0, -0.5, "1", True, [1.0], float("inf")])
def test_min_run_hours_must_be_a_positive_number(value):
    with pytest.raises(Invalid) as error:
        definition.parse(METER_FORM | {"min_run_hours": value})
    assert list(error.value.errors) == ["definition.min_run_hours"]


@pytest.mark.parametrize(
    "raw,hours", [({}, 0.5), ({"min_run_hours": None}, 0.5), ({"min_run_hours": 2}, 2.0)]
)
def test_min_run_hours_is_half_an_hour_unless_the_template_says(raw, hours):
    assert definition.parse(METER_FORM | raw).min_run_hours == hours


def test_a_new_definition_is_a_new_version_and_old_records_keep_theirs(plant):
    template = plant.templates["generator_weekly"]
    first = plant.submit("generator_weekly", MORNING - DAY, weekly())
    changed = template["definition"]
    changed["sections"][0]["items"][0]["warning"] = [12.4, 15.0]
    path = f"/api/v1/inspection-templates/{template['id']}"
    response = plant.client.patch(path, json={"definition": changed}, headers=plant.supervisor)
    assert response.status_code == 200, response.json
    assert response.json["version"] == 2
    record = plant.submit("generator_weekly", MORNING, weekly(battery_v=12.3, fuel_pct=88))
    assert record.json["version"] == 2
    assert record.json["findings"] == [
        {"code": "out_of_bounds", "item": "battery_v", "level": "warning"}
    ]
    assert (
        plant.client.get(f"/api/v1/inspections/{first.json['id']}", headers=plant.engineer).json[
            "version"
        ]
        == 1
    )
    old = plant.client.get(f"{path}/versions/1", headers=plant.engineer).json
    assert old["definition"]["sections"][0]["items"][0]["warning"] == [12.0, 15.0]
    # The same definition again is no new version.
    same = plant.client.patch(path, json={"definition": changed}, headers=plant.supervisor)
    assert same.json["version"] == 2
    # Installing the starters again changes nothing.
    again = plant.client.post("/api/v1/inspection-templates/starters", headers=plant.supervisor)
    assert [t["version"] for t in again.json if t["code"] == "generator_weekly"] == [2]
