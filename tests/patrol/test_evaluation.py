"""The round judge on its own: a plan, the scans, an instant; no database, no app."""

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from server.domain.models import RoundStatus, RouteOrder
from server.domain.patrol.evaluation import Plan, Visit, evaluate

DUE = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
GRACE = timedelta(minutes=15)
WINDOW_START = DUE - timedelta(minutes=10)
WINDOW_END = DUE + timedelta(hours=1)
CLOSED = WINDOW_END + timedelta(minutes=1)
# About 1 km north of the gate: 0.009 degrees of latitude.
GATE = (31.2300, 121.4700)
FAR = (31.2390, 121.4700)

_ids = count(1)


def stop(position: int, checkpoint_id: int | None = None, **extra: Any) -> dict[str, Any]:
    cp = position if checkpoint_id is None else checkpoint_id
    return {"position": position, "checkpoint_id": cp, "name": f"CP{cp}", **extra}


def plan(*stops: dict[str, Any], order: RouteOrder = RouteOrder.STRICT) -> Plan:
    return Plan(DUE, WINDOW_START, WINDOW_END, GRACE, order, list(stops))


def scan(checkpoint_id: int, at: datetime, **extra: Any) -> Visit:
    return Visit(next(_ids), checkpoint_id, at, device_id=7, user_id=3, **extra)


def minutes(n: float) -> datetime:
    return DUE + timedelta(minutes=n)


def codes(outcome) -> list[str]:
    return [p.code for p in outcome.problems]


THREE = (stop(1), stop(2), stop(3))


class TestRoundStatus:
    def test_nothing_scanned_in_an_open_window_is_scheduled_without_problems(self):
        outcome = evaluate(plan(*THREE), [], minutes(5))
        assert outcome.status is RoundStatus.SCHEDULED
        assert outcome.problems == [] and outcome.started_at is None
        assert [s["status"] for s in outcome.stops] == ["pending"] * 3

    def test_a_first_scan_puts_the_round_in_progress(self):
        outcome = evaluate(plan(*THREE), [scan(1, minutes(2))], minutes(5))
        assert outcome.status is RoundStatus.IN_PROGRESS
        assert outcome.started_at == outcome.finished_at == minutes(2)
        assert [s["status"] for s in outcome.stops] == ["on_time", "pending", "pending"]

    def test_every_stop_scanned_completes_the_round_before_the_window_closes(self):
        visits = [scan(1, minutes(1)), scan(2, minutes(9)), scan(3, minutes(20))]
        outcome = evaluate(plan(*THREE), visits, minutes(21))
        assert outcome.status is RoundStatus.COMPLETED and outcome.problems == []
        assert (outcome.started_at, outcome.finished_at) == (minutes(1), minutes(20))

    def test_a_closed_window_with_stops_missing_is_incomplete_and_names_them(self):
        outcome = evaluate(plan(*THREE), [scan(2, minutes(3))], CLOSED)
        assert outcome.status is RoundStatus.INCOMPLETE
        assert [s["status"] for s in outcome.stops] == ["missed", "on_time", "missed"]
        (incomplete,) = [p for p in outcome.problems if p.code == "incomplete"]
        assert [m["checkpoint_id"] for m in incomplete.details["missed"]] == [1, 3]

    def test_a_closed_window_with_nothing_scanned_is_missed_and_says_only_that(self):
        outcome = evaluate(plan(*THREE), [], CLOSED)
        assert outcome.status is RoundStatus.MISSED
        assert codes(outcome) == ["missed"]  # not also late: a missed round says it all

    def test_the_window_closes_at_its_end_exactly(self):
        assert evaluate(plan(*THREE), [], WINDOW_END).status is RoundStatus.MISSED
        before = WINDOW_END - timedelta(seconds=1)
        assert evaluate(plan(*THREE), [], before).status is RoundStatus.SCHEDULED


class TestLateStart:
    @pytest.mark.parametrize(
        "first_scan,late",
        [
            (timedelta(minutes=-5), False),  # early, within the window
            (timedelta(minutes=14), False),
            (GRACE, False),  # exactly at due + grace is still in time
            (GRACE + timedelta(seconds=1), True),
            (timedelta(minutes=40), True),
        ],
    )
    def test_the_first_scan_after_due_plus_grace_is_a_late_start(self, first_scan, late):
        outcome = evaluate(plan(stop(1), stop(2)), [scan(1, DUE + first_scan)], minutes(45))
        assert outcome.late_start is late
        assert ("late_start" in codes(outcome)) is late

    def test_a_late_start_problem_says_when_it_began(self):
        outcome = evaluate(plan(stop(1)), [scan(1, minutes(30))], minutes(31))
        (problem,) = [p for p in outcome.problems if p.code == "late_start"]
        assert problem.details["started_at"] == minutes(30).isoformat()

    def test_nothing_scanned_by_due_plus_grace_is_late_while_the_window_is_open(self):
        outcome = evaluate(plan(*THREE), [], minutes(16))
        assert outcome.status is RoundStatus.SCHEDULED
        assert outcome.late_start and codes(outcome) == ["late_start"]

    def test_nothing_scanned_within_the_grace_is_not_late_yet(self):
        outcome = evaluate(plan(*THREE), [], minutes(15))
        assert not outcome.late_start and outcome.problems == []


class TestStopTiming:
    @pytest.mark.parametrize(
        "after_start,timing",
        [(4, "early"), (5, "on_time"), (10, "on_time"), (15, "on_time"), (15.5, "late")],
    )
    def test_a_stop_is_judged_against_its_offset_and_tolerance(self, after_start, timing):
        route = plan(stop(1, offset_min=0), stop(2, offset_min=10, tolerance_min=5))
        visits = [scan(1, minutes(0)), scan(2, minutes(after_start))]
        second = evaluate(route, visits, minutes(20)).stops[1]
        assert second["timing"] == second["status"] == timing
        assert second["minutes_off"] == pytest.approx(after_start - 10)

    def test_planned_times_run_from_the_actual_start_not_the_due_time(self):
        route = plan(stop(1, offset_min=0), stop(2, offset_min=10))
        visits = [scan(1, minutes(30)), scan(2, minutes(40))]  # begun 30 minutes late
        outcome = evaluate(route, visits, minutes(41))
        assert [s["timing"] for s in outcome.stops] == ["on_time", "on_time"]
        assert codes(outcome) == ["late_start"]  # the lateness is its own problem

    def test_tolerance_defaults_to_five_minutes(self):
        route = plan(stop(1, offset_min=0), stop(2, offset_min=10))
        on_time = evaluate(route, [scan(1, minutes(0)), scan(2, minutes(15))], minutes(20))
        late = evaluate(route, [scan(1, minutes(0)), scan(2, minutes(16))], minutes(20))
        assert (on_time.stops[1]["timing"], late.stops[1]["timing"]) == ("on_time", "late")

    def test_a_stop_without_an_offset_may_be_scanned_any_time_in_the_round(self):
        route = plan(stop(1, offset_min=0), stop(2))
        outcome = evaluate(route, [scan(1, minutes(0)), scan(2, minutes(50))], minutes(51))
        assert outcome.stops[1]["timing"] == "on_time" and outcome.problems == []

    def test_an_early_or_late_stop_is_a_timing_problem_at_its_position(self):
        route = plan(stop(1, offset_min=0), stop(2, offset_min=10, tolerance_min=2))
        outcome = evaluate(route, [scan(1, minutes(0)), scan(2, minutes(20))], minutes(21))
        (problem,) = outcome.problems
        assert (problem.code, problem.position, problem.details["timing"]) == ("timing", 2, "late")
        assert problem.details["checkpoint"]["checkpoint_id"] == 2


class TestTasks:
    @pytest.mark.parametrize(
        "required,photos,note,missing",
        [
            ({"require_photo": True}, 0, False, ["photo"]),
            ({"require_photo": True}, 1, False, []),
            ({"require_note": True}, 2, False, ["note"]),
            ({"require_note": True}, 0, True, []),
            ({"require_photo": True, "require_note": True}, 0, False, ["photo", "note"]),
            ({}, 0, False, []),
        ],
    )
    def test_a_required_photo_or_note_must_come_with_the_scan(
        self, required, photos, note, missing
    ):
        route = plan(stop(1, **required))
        outcome = evaluate(route, [scan(1, minutes(1), photos=photos, note=note)], minutes(2))
        (result,) = outcome.stops
        assert result["task_missing"] == missing
        assert result["status"] == ("incomplete_task" if missing else "on_time")
        tasks = [p for p in outcome.problems if p.code == "task"]
        assert [p.details["missing"] for p in tasks] == ([missing] if missing else [])

    def test_a_stop_scanned_without_its_task_still_counts_as_visited(self):
        outcome = evaluate(plan(stop(1, require_photo=True)), [scan(1, minutes(1))], minutes(2))
        assert outcome.status is RoundStatus.COMPLETED


class TestOrder:
    BACKWARDS = ((1, 2), (2, 1), (3, 3))  # checkpoint 2 scanned before checkpoint 1

    def walk(self, order: RouteOrder):
        visits = [scan(cp, minutes(n)) for cp, n in self.BACKWARDS]
        return evaluate(plan(*THREE, order=order), visits, minutes(10))

    @pytest.mark.parametrize("order", [RouteOrder.STRICT, RouteOrder.RANDOM])
    def test_the_scan_that_goes_back_along_the_route_is_out_of_order(self, order):
        outcome = self.walk(order)  # 2 then 1: the scan of 1 goes back
        assert [s["status"] for s in outcome.stops] == ["out_of_order", "on_time", "on_time"]
        (problem,) = outcome.problems
        assert problem.code == "out_of_order"
        assert [c["checkpoint_id"] for c in problem.details["checkpoints"]] == [1]
        assert outcome.status is RoundStatus.COMPLETED  # every checkpoint was still visited

    def test_walked_a_c_b_d_only_b_is_out_of_order(self):
        route = plan(stop(1), stop(2), stop(3), stop(4))
        visits = [
            scan(1, minutes(1)),
            scan(3, minutes(2)),
            scan(2, minutes(3)),
            scan(4, minutes(4)),
        ]
        outcome = evaluate(route, visits, minutes(5))
        assert [s["out_of_order"] for s in outcome.stops] == [False, True, False, False]
        (problem,) = outcome.problems
        assert [c["checkpoint_id"] for c in problem.details["checkpoints"]] == [2]

    def test_a_skipped_stop_is_never_out_of_order(self):
        route = plan(stop(1), stop(2), stop(3), stop(4))
        visits = [scan(1, minutes(1)), scan(3, minutes(2)), scan(4, minutes(3))]
        outcome = evaluate(route, visits, CLOSED)
        assert not any(s["out_of_order"] for s in outcome.stops)
        assert [p.code for p in outcome.problems] == ["incomplete"]

    def test_any_order_takes_the_stops_as_they_come(self):
        outcome = self.walk(RouteOrder.ANY)
        assert outcome.problems == [] and not any(s["out_of_order"] for s in outcome.stops)

    def test_the_listed_order_walked_is_never_out_of_order(self):
        visits = [scan(1, minutes(1)), scan(2, minutes(2)), scan(3, minutes(3))]
        assert evaluate(plan(*THREE), visits, minutes(4)).problems == []


class TestOptionalStops:
    ROUTE = (stop(1), stop(2, optional=True), stop(3))

    def test_skipping_an_optional_stop_raises_nothing_and_the_round_completes(self):
        outcome = evaluate(plan(*self.ROUTE), [scan(1, minutes(1)), scan(3, minutes(9))], CLOSED)
        assert outcome.status is RoundStatus.COMPLETED and outcome.problems == []
        assert [s["status"] for s in outcome.stops] == ["on_time", "skipped", "on_time"]
        assert [s["optional"] for s in outcome.stops] == [False, True, False]

    def test_an_optional_stop_is_pending_until_the_window_closes(self):
        outcome = evaluate(
            plan(*self.ROUTE), [scan(1, minutes(1)), scan(3, minutes(9))], minutes(10)
        )
        assert outcome.status is RoundStatus.COMPLETED
        assert outcome.stops[1]["status"] == "pending"

    def test_a_missing_required_stop_is_named_but_never_the_optional_one(self):
        outcome = evaluate(plan(*self.ROUTE), [scan(1, minutes(1))], CLOSED)
        assert outcome.status is RoundStatus.INCOMPLETE
        (problem,) = outcome.problems
        assert [m["checkpoint_id"] for m in problem.details["missed"]] == [3]

    def test_scanning_only_an_optional_stop_is_a_started_but_incomplete_round(self):
        outcome = evaluate(plan(*self.ROUTE), [scan(2, minutes(1))], CLOSED)
        assert outcome.status is RoundStatus.INCOMPLETE
        assert [s["status"] for s in outcome.stops] == ["missed", "on_time", "missed"]


class TestRushed:
    def test_sooner_than_min_gap_is_rushed(self):
        route = plan(stop(1), stop(2, min_gap_s=120))
        start = minutes(1)
        outcome = evaluate(route, [scan(1, start), scan(2, start + timedelta(seconds=60))], CLOSED)
        assert outcome.stops[1]["rushed"] == {"gap_s": 60, "min_gap_s": 120}
        assert [(p.code, p.position) for p in outcome.problems] == [("rushed", 2)]

    def test_exactly_min_gap_is_not_rushed(self):
        route = plan(stop(1), stop(2, min_gap_s=120))
        visits = [scan(1, minutes(1)), scan(2, minutes(3))]
        outcome = evaluate(route, visits, minutes(4))
        assert "rushed" not in outcome.stops[1] and outcome.problems == []

    def test_speed_is_not_a_round_matter_only_the_stops_minimum_gap_is(self):
        # 1 km in a minute: the handheld's chain of scans judges that (test_speed.py).
        route = plan(
            stop(1, latitude=GATE[0], longitude=GATE[1]), stop(2, latitude=FAR[0], longitude=FAR[1])
        )
        outcome = evaluate(route, [scan(1, minutes(1)), scan(2, minutes(2))], minutes(3))
        assert outcome.problems == [] and "rushed" not in outcome.stops[1]

    def test_the_gap_is_from_the_scan_before_in_time_on_any_order_routes(self):
        route = plan(stop(1), stop(2, min_gap_s=120), order=RouteOrder.ANY)
        start = minutes(1)
        outcome = evaluate(route, [scan(2, start), scan(1, start + timedelta(seconds=30))], CLOSED)
        assert outcome.stops[0]["gap_s"] == 30 and "gap_s" not in outcome.stops[1]
        assert outcome.problems == []  # stop 2 came first: nothing before it to be rushed from


class TestWhichScansCount:
    @pytest.mark.parametrize(
        "at",
        [WINDOW_START - timedelta(seconds=1), WINDOW_END, WINDOW_END + timedelta(minutes=5)],
    )
    def test_scans_outside_the_window_do_not_count(self, at):
        outcome = evaluate(plan(stop(1)), [scan(1, at)], CLOSED + timedelta(minutes=10))
        assert outcome.status is RoundStatus.MISSED

    def test_a_scan_at_the_window_start_counts(self):
        outcome = evaluate(plan(stop(1)), [scan(1, WINDOW_START)], minutes(1))
        assert outcome.status is RoundStatus.COMPLETED

    def test_a_scan_after_the_instant_judged_is_not_known_yet(self):
        visits = [scan(1, minutes(1)), scan(2, minutes(20))]
        as_of_ten = evaluate(plan(stop(1), stop(2)), visits, minutes(10))
        assert as_of_ten.status is RoundStatus.IN_PROGRESS
        assert as_of_ten.finished_at == minutes(1) and as_of_ten.stops[1]["event_id"] is None

    @pytest.mark.parametrize(
        "flag",
        [
            "tag_revoked",
            "tag_bad_signature",
            "tag_superseded",
            "other_site",
            "unknown_chip",
            "inactive_checkpoint",
        ],
    )
    def test_a_scan_that_proves_nothing_does_not_count(self, flag):
        visit = scan(1, minutes(1), flags=(flag,))
        assert not visit.counts
        assert evaluate(plan(stop(1)), [visit], CLOSED).status is RoundStatus.MISSED

    @pytest.mark.parametrize(
        "flags", [("manual_entry",), ("device_clock_off",), ("time_in_future", "user_other_site")]
    )
    def test_a_harmless_flag_leaves_the_visit_counting(self, flags):
        visit = scan(1, minutes(1), flags=flags)
        assert visit.counts
        assert evaluate(plan(stop(1)), [visit], CLOSED).status is RoundStatus.COMPLETED

    def test_a_verified_scan_whose_user_id_was_unknown_still_counts(self):
        visit = scan(1, minutes(1), flags=("unknown_user",))
        assert evaluate(plan(stop(1)), [visit], CLOSED).status is RoundStatus.COMPLETED

    def test_a_disqualified_scan_gives_way_to_a_genuine_one_later(self):
        forged = scan(1, minutes(1), flags=("tag_bad_signature",))
        genuine = scan(1, minutes(5))
        (result,) = evaluate(plan(stop(1)), [forged, genuine], minutes(6)).stops
        assert result["event_id"] == genuine.event_id

    def test_the_first_scan_of_a_checkpoint_is_the_one_that_counts(self):
        first, second = scan(1, minutes(2)), scan(1, minutes(8))
        (result,) = evaluate(plan(stop(1)), [second, first], minutes(9)).stops
        assert result["event_id"] == first.event_id

    def test_a_checkpoint_listed_twice_needs_two_scans(self):
        route = plan(stop(1, checkpoint_id=5), stop(2, checkpoint_id=6), stop(3, checkpoint_id=5))
        once = evaluate(route, [scan(5, minutes(1)), scan(6, minutes(2))], CLOSED)
        assert once.status is RoundStatus.INCOMPLETE
        assert [s["status"] for s in once.stops] == ["on_time", "on_time", "missed"]
        visits = [scan(5, minutes(1)), scan(6, minutes(2)), scan(5, minutes(3))]
        twice = evaluate(route, visits, CLOSED)
        assert twice.status is RoundStatus.COMPLETED
        assert twice.stops[0]["event_id"] != twice.stops[2]["event_id"]

    def test_a_scan_of_a_checkpoint_not_on_the_route_changes_nothing(self):
        outcome = evaluate(plan(stop(1)), [scan(99, minutes(1))], minutes(2))
        assert outcome.status is RoundStatus.SCHEDULED
