"""Voluntary rounds: a guard walks a route when none is due, from a start to a finish."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.domain.models import DeviceEvent, Organization, Round, RoundStatus
from server.domain.patrol import voluntary as voluntary_rounds
from tests.patrol.night import DUE, build_night

MIN = timedelta(minutes=1)
# 02:00 local: the 22:00 round's window closed hours ago and the next is tomorrow.
NIGHT = DUE + 4 * 60 * MIN


@pytest.fixture
def night(db, client, make):
    return build_night(db, client, make)


def voluntary(night):
    return [r for r in night.rounds() if r.voluntary]


def test_a_voluntary_round_is_recorded_and_judged_without_compliance_alerts(night):
    night.record("round", NIGHT, action="start", route_id=night.route.id)
    for n in (0, 1, 3):  # the plant room is skipped
        night.scan(n, NIGHT + (2 + 5 * n) * MIN)
    night.record("round", NIGHT + 20 * MIN, action="finish", route_id=night.route.id)
    night.sync(NIGHT + 21 * MIN)
    night.sweep(NIGHT + 22 * MIN)
    (walked,) = voluntary(night)
    night.db.refresh(walked)
    assert walked.schedule_id is None
    assert walked.assignee_id == night.guard.id
    assert walked.window_start == NIGHT
    assert walked.window_end == NIGHT + 20 * MIN + timedelta(seconds=1)
    assert walked.status is RoundStatus.INCOMPLETE
    assert [s["status"] for s in walked.stops] == ["on_time", "on_time", "missed", "on_time"]
    assert not walked.late_start
    assert [a for a in night.alerts() if a.round_id == walked.id] == []


def test_rushing_on_a_voluntary_round_is_still_suspicious(night):
    night.record("round", NIGHT, action="start", route_id=night.route.id)
    for n in range(4):
        night.scan(n, NIGHT + (2 * MIN if n == 0 else 2 * MIN + n * timedelta(seconds=10)))
    night.record("round", NIGHT + 5 * MIN, action="finish", route_id=night.route.id)
    night.sync(NIGHT + 6 * MIN)
    night.sweep(NIGHT + 7 * MIN)
    (walked,) = voluntary(night)
    # No obligation, so nothing about the round itself; faster than anyone walks is suspicious
    # on any walk, and the handheld's chain of scans says so.
    assert [a.kind for a in night.alerts() if a.round_id == walked.id] == []
    fast = night.alerts(kind="impossible_speed")
    assert [a.checkpoint_id for a in fast] == [c.id for c in night.checkpoints[1:]]


def test_only_the_starting_handhelds_scans_count_and_an_unfinished_round_ends(night):
    night.record("round", NIGHT, action="start", route_id=night.route.id)
    night.scan(0, NIGHT + 2 * MIN)
    night.scan(1, NIGHT + 8 * MIN, device=1)  # someone else's walk
    night.sync(NIGHT + 9 * MIN)
    night.sync(NIGHT + 9 * MIN, device=1)
    night.sweep(NIGHT + 10 * MIN)
    (walked,) = voluntary(night)
    night.db.refresh(walked)
    assert walked.status is RoundStatus.IN_PROGRESS
    assert [s["event_id"] is not None for s in walked.stops] == [True, False, False, False]
    night.sweep(NIGHT + 5 * 60 * MIN)  # no finish came: the round ends after four hours
    night.db.refresh(walked)
    assert walked.status is RoundStatus.INCOMPLETE
    assert walked.settled


def test_a_new_start_ends_the_round_before_and_a_repeated_start_makes_no_second(night):
    start = {"action": "start", "route_id": night.route.id}
    night.record("round", NIGHT, **start)
    night.sync(NIGHT + MIN)
    night.sweep(NIGHT + MIN)
    # A worker that takes the same start again (it crashed before committing) adds nothing.
    started = night.db.scalar(select(DeviceEvent).where(DeviceEvent.type == "round"))
    voluntary_rounds.take(night.db, [started])
    night.db.flush()
    assert len(voluntary(night)) == 1
    night.record("round", NIGHT + 30 * MIN, **start)
    night.sync(NIGHT + 31 * MIN)
    night.sweep(NIGHT + 31 * MIN)
    first, second = sorted(voluntary(night), key=lambda r: r.due_at)
    night.db.refresh(first)
    assert first.window_end == NIGHT + 30 * MIN
    assert second.window_start == NIGHT + 30 * MIN


def test_a_route_the_handheld_may_not_walk_starts_nothing(night, make, db):
    org = db.get(Organization, night.site.org_id)
    other_site = make.site(org)  # the handhelds are enrolled for the night's site only
    stranger = make.route([make.checkpoint(other_site)])
    night.record("round", NIGHT, action="start", route_id=stranger.id)
    night.record("round", NIGHT, action="start", route_id=999_999)
    results = night.sync(NIGHT + MIN)["results"]
    assert [r["flags"] for r in results] == [["unknown_route"], ["unknown_route"]]
    night.sweep(NIGHT + 2 * MIN)
    assert night.db.scalars(select(Round).where(Round.voluntary)).all() == []
