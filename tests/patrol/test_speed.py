"""Impossible speed along a handheld's chain of scans: in a round, across rounds, outside any."""

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.models import AlertState
from server.domain.patrol.speed import Scan, haversine_m, steps
from tests.patrol.night import DUE, build_night

SECOND = timedelta(seconds=1)
GATE = (31.2300, 121.4700)
FAR = (31.2390, 121.4700)  # about 1 km north of the gate
T0 = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)


def at(event_id: int, seconds: float, place: tuple[float, float], checkpoint: int = 1) -> Scan:
    when = T0 + seconds * SECOND
    return Scan(event_id, 7, when, when, 1, 3, checkpoint, f"CP{checkpoint}", *place)


class TestSteps:
    def test_steps_follow_the_scans_in_time_order_whatever_order_they_came_in(self):
        chain = [at(3, 30, GATE), at(1, 0, GATE), at(2, 10, FAR, 2)]
        assert [(s.first.event_id, s.second.event_id) for s in steps(chain)] == [(1, 2), (2, 3)]

    @pytest.mark.parametrize(
        ("seconds", "limit", "fast"),
        [(60, 3.0, True), (12 * 60, 3.0, False), (60, 20.0, False), (0, 3.0, True)],
        ids=["1 km in a minute", "1 km in 12 minutes", "a site allowing 20 m/s", "no time at all"],
    )
    def test_farther_than_the_site_allows_in_the_time_between_is_too_fast(
        self, seconds, limit, fast
    ):
        (step,) = steps([at(1, 0, GATE), at(2, seconds, FAR, 2)])
        assert step.too_fast(limit) is fast

    def test_scanning_the_same_place_again_at_once_is_not_too_fast(self):
        (step,) = steps([at(1, 0, GATE), at(2, 0, GATE)])
        assert not step.too_fast(3.0)


class TestHaversine:
    def test_a_degree_of_latitude_is_about_111_km(self):
        assert haversine_m(31.0, 121.0, 32.0, 121.0) == pytest.approx(111_200, rel=0.005)

    def test_a_degree_of_longitude_shrinks_with_latitude(self):
        at_equator = haversine_m(0.0, 0.0, 0.0, 1.0)
        at_sixty = haversine_m(60.0, 0.0, 60.0, 1.0)
        assert at_sixty == pytest.approx(at_equator / 2, rel=0.01)

    def test_distance_is_symmetric_and_zero_at_one_point(self):
        assert haversine_m(*GATE, *GATE) == 0
        assert haversine_m(*GATE, *FAR) == pytest.approx(haversine_m(*FAR, *GATE))


@pytest.fixture
def night(db, client, make):
    """Four checkpoints 105 m apart in a line; the gate (0) and 南门 (3) are 315 m apart."""
    night = build_night(db, client, make)
    night.sweep(DUE - timedelta(hours=1))
    return night


def test_the_gate_and_a_far_checkpoint_27_s_apart_are_flagged_on_an_any_order_walk(night):
    night.scan(3, DUE + 5 * 60 * SECOND)
    night.scan(0, DUE + 5 * 60 * SECOND + 27 * SECOND)  # 315 m in 27 s: 11.7 m/s
    night.sync(DUE + 10 * 60 * SECOND)
    night.sweep(DUE + 11 * 60 * SECOND)
    (fast,) = night.alerts(kind="impossible_speed")
    assert fast.checkpoint_id == night.checkpoints[0].id
    assert fast.evidence["seconds"] == 27 and fast.evidence["distance_m"] == pytest.approx(315, 5)
    assert fast.evidence["speed_mps"] == pytest.approx(11.7, abs=0.2)
    assert "南门" in fast.title and "北门岗亭" in fast.title


def test_scans_outside_any_round_are_judged_too(night):
    outside = DUE - 3 * 60 * 60 * SECOND  # three hours before the round's window
    night.scan(0, outside)
    night.scan(3, outside + 20 * SECOND)
    night.sync(outside + 60 * SECOND)
    night.sweep(outside + 90 * SECOND)
    (fast,) = night.alerts(kind="impossible_speed")
    assert fast.round_id is None and fast.checkpoint_id == night.checkpoints[3].id


def test_walking_pace_and_the_sites_own_limit_raise_nothing(night):
    night.site.max_speed_mps = 15.0  # a site patrolled by bicycle
    night.db.flush()
    night.scan(0, DUE + 60 * SECOND)
    night.scan(3, DUE + 87 * SECOND)  # 11.7 m/s: under this site's limit
    night.scan(0, DUE + 400 * SECOND)  # then back at a stroll
    night.sync(DUE + 600 * SECOND)
    night.sweep(DUE + 601 * SECOND)
    assert night.alerts(kind="impossible_speed") == []


def test_a_late_batch_with_a_scan_in_between_judges_the_chain_again(night):
    start = DUE + 5 * 60 * SECOND
    night.scan(0, start)
    night.scan(3, start + 30 * SECOND)  # 315 m in 30 s
    night.sync(start + 60 * SECOND)
    night.sweep(start + 61 * SECOND)
    (first,) = night.alerts(kind="impossible_speed")
    # The handheld's stuck queue brings a scan of 配电房 made between the two.
    night.scan(2, start + 25 * SECOND)
    night.sync(start + 20 * 60 * SECOND)
    night.sweep(start + 21 * 60 * SECOND)
    first, *now = night.alerts(kind="impossible_speed")
    assert first.state is AlertState.RESOLVED and first.resolved_by is None
    assert "a late batch brought a scan between these two: 配电房" in first.resolution
    # Each new step on its own: 210 m in 25 s, then 105 m in 5 s; both too fast.
    assert all(a.state is AlertState.OPEN for a in now)
    assert sorted([s["name"] for s in a.evidence["scans"]] for a in now) == [
        ["北门岗亭", "配电房"],
        ["配电房", "南门"],
    ]


def test_forged_and_foreign_scans_are_not_part_of_the_chain(night):
    forged = night.payloads[3][:-1] + ("A" if night.payloads[3][-1] != "A" else "B")
    night.scan(0, DUE + 60 * SECOND)
    night.scan(3, DUE + 70 * SECOND, payload=forged)
    night.sync(DUE + 120 * SECOND)
    night.sweep(DUE + 121 * SECOND)
    assert night.alerts(kind="impossible_speed") == []
    assert len(night.alerts(kind="suspicious_tag")) == 1
