"""What is abnormal about one record, judged by checks.detect on real parsed definitions."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.domain.inspection.checks import Point, classify, detect
from server.domain.inspection.definition import parse

NOW = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def form(*items: dict[str, Any], **settings: Any):
    """A one-section form of these items, with form-level settings (flatline, min_run_hours)."""
    raw: dict[str, Any] = {"sections": [{"key": "main", "title": "Main", "items": list(items)}]}
    return parse(raw | settings)


BATTERY = {
    "key": "battery_v",
    "type": "number",
    "label": {"en": "Battery", "zh": "电瓶电压"},
    "unit": "V",
    "normal": [13.2, 13.8],
    "warning": [12.0, 15.0],
    "critical": [None, 16.0],
}
RUN_HOURS = {"key": "run_hours", "type": "meter", "label": "Run hours", "unit": "h"}
GENERATOR = form(
    BATTERY,
    RUN_HOURS | {"max_per_day": 24},
    {
        "key": "fuel_pct",
        "type": "number",
        "label": "Fuel",
        "unit": "%",
        "max_drop": 10,
        "drop_unless": "run_hours",
    },
    {"key": "oil_ok", "type": "check", "label": "Oil level", "fail_level": "critical"},
    {"key": "heater_ok", "type": "check", "label": "Heater"},
    {
        "key": "sf6",
        "type": "choice",
        "label": "SF6 gauge",
        "choices": ["normal", "alarm", "lockout"],
        "abnormal": {"alarm": "warning", "lockout": "critical"},
    },
    {"key": "notes", "type": "text", "label": "Notes"},
)


def points(*readings: tuple[float, float], first_id: int = 1) -> list[Point]:
    """Earlier readings as (days ago, value), latest first."""
    return [
        Point(NOW - days * DAY, value, first_id + n) for n, (days, value) in enumerate(readings)
    ]


def run(definition, values, series=None, previous=None, missing=(), bounds=None):
    return detect(
        definition, bounds or {}, values, NOW, series or {}, previous or [], list(missing)
    )


def only(problems, code):
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


class TestClassify:
    BOUNDS = GENERATOR.item("battery_v").bounds

    @pytest.mark.parametrize(
        "value,verdict",
        [
            (13.5, None),
            (13.2, None),  # limits are inclusive
            (13.8, None),
            (13.0, ("normal", "low", 13.2)),
            (12.0, ("normal", "low", 13.2)),
            (11.9, ("warning", "low", 12.0)),
            (14.0, ("normal", "high", 13.8)),
            (15.0, ("normal", "high", 13.8)),
            (15.5, ("warning", "high", 15.0)),
            (16.0, ("warning", "high", 15.0)),
            (16.1, ("critical", "high", 16.0)),
            (5.0, ("warning", "low", 12.0)),  # no critical low limit: warning is the worst
        ],
    )
    def test_the_widest_range_broken_gives_the_level_side_and_limit(self, value, verdict):
        assert classify(value, self.BOUNDS) == verdict

    def test_an_item_without_limits_is_never_out_of_bounds(self):
        assert classify(1e9, form(RUN_HOURS).item("run_hours").bounds) is None


class TestOutOfBounds:
    @pytest.mark.parametrize(
        "value,level,side,limit", [(11.5, "warning", "low", 12.0), (16.5, "critical", "high", 16.0)]
    )
    def test_beyond_warning_or_critical_limits_is_a_lasting_finding(
        self, value, level, side, limit
    ):
        problem = only(run(GENERATOR, {"battery_v": value}), "out_of_bounds")
        assert (problem.item, problem.level, problem.lasting) == ("battery_v", level, True)
        assert (problem.details["side"], problem.details["limit"]) == (side, limit)
        assert problem.details["value"] == value and problem.details["unit"] == "V"

    def test_outside_only_the_normal_range_raises_nothing(self):
        assert run(GENERATOR, {"battery_v": 12.5}) == []

    def test_the_evidence_holds_the_limits_in_force_and_the_five_latest_readings(self):
        history = points(*[(d, 13.0 + d / 10) for d in range(1, 9)])
        problem = only(run(GENERATOR, {"battery_v": 11.0}, {"battery_v": history}), "out_of_bounds")
        assert problem.details["bounds"]["warning"] == [12.0, 15.0]
        recent = problem.details["recent"]
        assert [r["value"] for r in recent] == [p.value for p in history[:5]]
        assert recent[0]["at"] == (NOW - DAY).isoformat()

    def test_an_assets_own_limits_replace_the_templates(self):
        # A 24 V set: 27 V is its float voltage, but critical on a 12 V template.
        item = GENERATOR.item("battery_v")
        own = item.bounds.merged(
            {"normal": [26.4, 27.6], "warning": [24.0, 30.0], "critical": [None, 33.0]}
        )
        assert run(GENERATOR, {"battery_v": 27.0}, bounds={"battery_v": own}) == []
        assert only(run(GENERATOR, {"battery_v": 27.0}), "out_of_bounds").level == "critical"
        low = only(run(GENERATOR, {"battery_v": 23.0}, bounds={"battery_v": own}), "out_of_bounds")
        assert (low.level, low.details["limit"]) == ("warning", 24.0)


class TestMeter:
    def test_a_counter_lower_than_its_last_reading_went_backwards(self):
        history = {"run_hours": points((7, 1200.0))}
        problem = only(run(GENERATOR, {"run_hours": 1190.0}, history), "meter_backwards")
        assert (problem.level, problem.lasting) == ("warning", False)
        assert problem.details["previous"] == 1200.0

    @pytest.mark.parametrize("value,jump", [(1200.0, False), (1368.0, False), (1369.0, True)])
    def test_a_counter_rising_faster_than_max_per_day_jumped(self, value, jump):
        history = {"run_hours": points((7, 1200.0))}  # at most 24 h a day for 7 days: 1368
        problems = run(GENERATOR, {"run_hours": value}, history)
        assert [p.code for p in problems] == (["meter_jump"] if jump else [])

    def test_a_jump_says_how_fast_it_rose(self):
        history = {"run_hours": points((2, 1000.0))}
        problem = only(run(GENERATOR, {"run_hours": 1100.0}, history), "meter_jump")
        assert problem.details["per_day"] == 50.0 and problem.details["max_per_day"] == 24

    def test_only_the_latest_earlier_reading_is_compared(self):
        history = {"run_hours": points((1, 1300.0), (30, 1000.0))}
        assert run(GENERATOR, {"run_hours": 1301.0}, history) == []

    def test_a_first_reading_has_nothing_to_compare_with(self):
        assert run(GENERATOR, {"run_hours": 5.0}) == []

    def test_a_meter_without_max_per_day_may_rise_any_amount(self):
        history = {"run_hours": points((1, 10.0))}
        assert run(form(RUN_HOURS), {"run_hours": 9000.0}, history) == []


class TestUnexplainedDrop:
    def test_fuel_gone_with_the_meter_standing_still_is_unexplained(self):
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((7, 1200.0))}
        problems = run(GENERATOR, {"fuel_pct": 75.0, "run_hours": 1200.0}, series)
        problem = only(problems, "unexplained_drop")
        assert problem.details["drop"] == 15.0 and problem.details["unexplained_by"] == "run_hours"
        assert problem.level == "warning"

    def test_a_drop_of_at_most_max_drop_needs_no_explanation(self):
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((7, 1200.0))}
        assert run(GENERATOR, {"fuel_pct": 80.0, "run_hours": 1200.0}, series) == []

    def test_a_run_logged_in_this_record_explains_the_drop(self):
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((7, 1200.0))}
        assert run(GENERATOR, {"fuel_pct": 60.0, "run_hours": 1203.5}, series) == []

    def test_a_run_logged_by_another_record_since_explains_the_drop(self):
        # The monthly load run three days ago moved the meter; this record has no meter reading.
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((3, 1202.0), (7, 1200.0))}
        assert run(GENERATOR, {"fuel_pct": 60.0}, series) == []

    def test_a_meter_never_read_explains_nothing(self):
        problems = run(GENERATOR, {"fuel_pct": 60.0}, {"fuel_pct": points((7, 90.0))})
        assert [p.code for p in problems] == ["unexplained_drop"]

    def test_a_rise_is_never_a_drop(self):
        assert run(GENERATOR, {"fuel_pct": 100.0}, {"fuel_pct": points((7, 40.0))}) == []

    def test_a_few_minutes_on_the_meter_do_not_explain_a_quarter_of_the_tank(self):
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((7, 1200.0))}
        problems = run(GENERATOR, {"fuel_pct": 66.0, "run_hours": 1200.2}, series)
        problem = only(problems, "unexplained_drop")
        assert problem.details["drop"] == 24.0
        assert (problem.details["meter_rise"], problem.details["min_run_hours"]) == (0.2, 0.5)

    @pytest.mark.parametrize("run_hours", [1200.5, 1200.6])
    def test_half_an_hour_or_more_on_the_meter_explains_the_drop(self, run_hours):
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((7, 1200.0))}
        assert run(GENERATOR, {"fuel_pct": 66.0, "run_hours": run_hours}, series) == []

    def test_a_short_run_logged_by_another_record_explains_nothing(self):
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((3, 1200.2), (7, 1200.0))}
        assert [p.code for p in run(GENERATOR, {"fuel_pct": 66.0}, series)] == ["unexplained_drop"]

    @pytest.mark.parametrize("run_hours,explained", [(1200.6, False), (1201.0, True)])
    def test_a_template_may_ask_for_a_longer_run(self, run_hours, explained):
        strict = form(
            RUN_HOURS,
            {
                "key": "fuel_pct",
                "type": "number",
                "label": "Fuel",
                "max_drop": 10,
                "drop_unless": "run_hours",
            },
            min_run_hours=1.0,
        )
        series = {"fuel_pct": points((7, 90.0)), "run_hours": points((7, 1200.0))}
        problems = run(strict, {"fuel_pct": 66.0, "run_hours": run_hours}, series)
        assert [p.code for p in problems] == ([] if explained else ["unexplained_drop"])


WINDING = form(
    {"key": "load_pct", "type": "number", "label": "Load", "unit": "%"},
    {
        "key": "winding_c",
        "type": "number",
        "label": "Winding temperature",
        "unit": "°C",
        "baseline": {"max_above": 10, "similar": "load_pct", "within": 10},
    },
)


class TestAboveUsual:
    # Three earlier records near 50 % load ran at 70, 78 and 71 °C (median 71, not the mean
    # 73); one at 90 % ran hot.
    SERIES = {
        "load_pct": points((1, 45.0), (2, 52.0), (3, 55.0), (4, 90.0)),
        "winding_c": points((1, 70.0), (2, 78.0), (3, 71.0), (4, 95.0)),
    }

    def test_well_above_the_usual_at_a_similar_load_is_flagged(self):
        problem = only(
            run(WINDING, {"load_pct": 50.0, "winding_c": 82.0}, self.SERIES), "above_usual"
        )
        assert (problem.details["usual"], problem.details["compared_with"]) == (71.0, 3)
        assert problem.lasting and problem.level == "warning"

    def test_up_to_max_above_the_usual_is_fine(self):
        assert run(WINDING, {"load_pct": 50.0, "winding_c": 81.0}, self.SERIES) == []

    def test_readings_at_a_different_load_are_not_the_usual(self):
        # At 90 % load only one earlier record is alike: fewer than min_history (3).
        assert run(WINDING, {"load_pct": 88.0, "winding_c": 120.0}, self.SERIES) == []

    def test_without_the_load_there_is_nothing_to_compare(self):
        assert run(WINDING, {"winding_c": 120.0}, self.SERIES) == []


STEADY = form(
    {"key": "voltage_v", "type": "number", "label": "Voltage"},
    {"key": "current_a", "type": "number", "label": "Current"},
    RUN_HOURS,
    flatline=3,
)


class TestFlatline:
    SAME = {"voltage_v": 230.0, "current_a": 41.0}

    def test_the_same_readings_three_records_running_were_copied(self):
        problem = only(run(STEADY, self.SAME, previous=[self.SAME, self.SAME]), "flatline")
        assert problem.details == {"records": 3, "values": self.SAME} and problem.lasting

    def test_one_reading_changed_in_the_run_breaks_it(self):
        changed = self.SAME | {"current_a": 42.0}
        assert run(STEADY, self.SAME, previous=[self.SAME, changed]) == []

    def test_too_few_earlier_records_is_no_run(self):
        assert run(STEADY, self.SAME, previous=[self.SAME]) == []

    def test_a_moving_meter_does_not_hide_copied_readings(self):
        previous = [self.SAME | {"run_hours": 101.0}, self.SAME | {"run_hours": 100.0}]
        problems = run(STEADY, self.SAME | {"run_hours": 102.0}, previous=previous)
        assert [p.code for p in problems] == ["flatline"]

    def test_a_single_number_reading_is_too_little_to_call_it_copied(self):
        one = {"voltage_v": 230.0}
        assert run(STEADY, one, previous=[one, one]) == []

    def test_a_form_without_flatline_never_flags_it(self):
        no_flatline = form(
            {"key": "voltage_v", "type": "number", "label": "Voltage"},
            {"key": "current_a", "type": "number", "label": "Current"},
        )
        assert run(no_flatline, self.SAME, previous=[self.SAME] * 5) == []


class TestChecksAndChoices:
    @pytest.mark.parametrize("key,level", [("oil_ok", "critical"), ("heater_ok", "warning")])
    def test_a_failed_check_is_a_lasting_finding_at_its_fail_level(self, key, level):
        problem = only(run(GENERATOR, {key: False}), "check_failed")
        assert (problem.item, problem.level, problem.lasting) == (key, level, True)

    def test_a_passed_check_is_fine(self):
        assert run(GENERATOR, {"oil_ok": True, "heater_ok": True}) == []

    @pytest.mark.parametrize("choice,level", [("alarm", "warning"), ("lockout", "critical")])
    def test_an_abnormal_choice_is_a_finding_at_its_mapped_level(self, choice, level):
        problem = only(run(GENERATOR, {"sf6": choice}), "abnormal_choice")
        assert (problem.level, problem.details, problem.lasting) == (level, {"value": choice}, True)

    def test_a_normal_choice_and_text_raise_nothing(self):
        assert run(GENERATOR, {"sf6": "normal", "notes": "all fine, 一切正常"}) == []


class TestMissing:
    def test_missing_required_items_are_one_low_finding_naming_them(self):
        problem = only(
            run(GENERATOR, {"battery_v": 13.5}, missing=["oil_ok", "battery_v"]), "incomplete"
        )
        assert problem.level == "low" and problem.item is None and not problem.lasting
        assert problem.details["missing"] == [
            {"key": "oil_ok", "label": {"en": "Oil level"}},
            {"key": "battery_v", "label": {"en": "Battery", "zh": "电瓶电压"}},
        ]

    def test_nothing_missing_and_nothing_given_is_no_finding(self):
        assert run(GENERATOR, {}) == []

    def test_several_findings_in_one_record_are_all_reported(self):
        values = {"battery_v": 17.0, "oil_ok": False, "sf6": "lockout"}
        problems = run(GENERATOR, values, missing=["heater_ok"])
        assert {p.code for p in problems} == {
            "out_of_bounds",
            "check_failed",
            "abnormal_choice",
            "incomplete",
        }
