"""Audit score and grade (seed 002): 79 or less fails, 80 to 90 good, 91 to 100 excellent."""

from typing import Any

import pytest

from server.domain.inspection.definition import parse
from server.domain.inspection.scoring import score
from server.domain.inspection.starters import GENERATOR_WEEKLY, SUPERVISORY_AUDIT

AUDIT = parse(SUPERVISORY_AUDIT["definition"])
ITEMS = [i for i in AUDIT.items if i.type == "audit"]


def clean() -> dict[str, Any]:
    """Every item assessed, nothing missing."""
    return {i.key: {"missing": {}} for i in ITEMS}


def losing(total: float) -> dict[str, Any]:
    """An assessed audit losing `total` points, each deduction within its item's range."""
    values, left = clean(), round(total, 2)
    for item in ITEMS:
        low, high = item.deduction
        room = item.points
        for number in range(1, len(item.requirements) + 1):
            take = round(min(left, high, room), 2)
            if take < low:
                break
            values[item.key]["missing"][str(number)] = take
            left, room = round(left - take, 2), round(room - take, 2)
        if left == 0:
            return values
    raise AssertionError(f"cannot lose {total} within the deduction ranges")


def test_the_starter_audit_is_worth_100_points():
    assert len(ITEMS) == 19 and sum(i.points for i in ITEMS) == 100


def test_a_clean_audit_scores_full_marks_and_is_excellent():
    result = score(AUDIT, clean())
    assert (result.points, result.grade, result.grade_zh) == (100.0, "excellent", "优秀")
    assert result.by_item == {i.key: i.points for i in ITEMS}


@pytest.mark.parametrize(
    "lost,points,grade,grade_zh",
    [
        (9, 91.0, "excellent", "优秀"),
        (9.5, 90.5, "excellent", "优秀"),  # graded on the score rounded half up
        (9.6, 90.4, "good", "良好"),
        (10, 90.0, "good", "良好"),
        (20, 80.0, "good", "良好"),
        (20.5, 79.5, "good", "良好"),  # docs/inspections.md: 79.5 is good
        (20.6, 79.4, "fail", "不及格"),
        (21, 79.0, "fail", "不及格"),
        (60, 40.0, "fail", "不及格"),
    ],
)
def test_grade_bands_follow_seed_002(lost, points, grade, grade_zh):
    result = score(AUDIT, losing(lost))
    assert result.points == pytest.approx(points)
    assert (result.grade, result.grade_zh) == (grade, grade_zh)


def test_each_item_loses_the_points_taken_for_its_missing_requirements():
    values = clean()
    values["requests"] = {"missing": {"1": 1.5, "3": 2}}  # 10 points, two requirements missed
    values["keys"] = {"missing": {"4": 0.5}}
    result = score(AUDIT, values)
    assert result.by_item["requests"] == 6.5 and result.by_item["keys"] == 4.5
    assert result.by_item["rules"] == 5
    assert result.points == 96.0


def test_an_item_never_scores_below_zero():
    values = clean()
    values["rules"] = {"missing": {"1": 2, "2": 2, "3": 2, "4": 2}}  # 8 taken from 5 points
    result = score(AUDIT, values)
    assert result.by_item["rules"] == 0
    assert result.points == 95.0  # the 3 points over the item's worth cost nothing elsewhere


def test_a_partially_assessed_audit_has_no_score():
    values = clean()
    del values["emergencies"]
    assert score(AUDIT, values) is None


def test_a_form_without_scored_items_has_no_score():
    weekly = parse(GENERATOR_WEEKLY["definition"])
    assert score(weekly, {"battery_v": 13.5, "charger_ok": True}) is None


def test_a_form_worth_other_than_100_is_scaled_to_100():
    small = parse(
        {
            "sections": [
                {
                    "key": "s",
                    "title": "Spot check",
                    "items": [
                        {
                            "key": "tidy",
                            "type": "audit",
                            "label": "Tidy",
                            "points": 30,
                            "deduction": [1, 5],
                            "requirements": ["Floor swept", "Bins emptied"],
                        },
                        {
                            "key": "signs",
                            "type": "audit",
                            "label": "Signs",
                            "points": 20,
                            "deduction": [1, 5],
                            "requirements": ["Exit signs lit"],
                        },
                    ],
                }
            ]
        }
    )
    result = score(small, {"tidy": {"missing": {"1": 5, "2": 5}}, "signs": {"missing": {}}})
    assert result.by_item == {"tidy": 20.0, "signs": 20.0}
    assert (result.points, result.grade) == (80.0, "good")  # 40 of 50
    nearly = score(small, {"tidy": {"missing": {"1": 4.5}}, "signs": {"missing": {}}})
    assert (nearly.points, nearly.grade) == (91.0, "excellent")  # 45.5 of 50
