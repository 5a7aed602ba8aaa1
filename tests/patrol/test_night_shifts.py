"""Simulated night shifts: what a supervisor sees the next morning, and when they saw it."""

from datetime import timedelta

import pytest

from server.domain.actor import Role
from server.domain.clock import set_clock
from server.domain.models import AlertSeverity, AlertState, Organization, RoundStatus, RouteOrder
from tests.patrol.night import DUE, build_night

MIN = timedelta(minutes=1)


@pytest.fixture
def night(db, client, make):
    return build_night(db, client, make)


def walk(night, start, every=6 * MIN, stops=range(4)):
    for n in stops:
        night.scan(n, start + every * n)


def test_a_round_walked_perfectly_is_completed_with_no_alert(night):
    night.sweep(DUE - timedelta(hours=20))  # rounds are made ahead
    walk(night, DUE + 2 * MIN)
    night.sync(DUE + 25 * MIN)
    night.sweep(DUE + 26 * MIN)
    found = night.round()
    assert found.status is RoundStatus.COMPLETED
    assert [s["status"] for s in found.stops] == ["on_time"] * 4
    assert not found.late_start
    night.sweep(DUE + 2 * 60 * MIN)
    assert [(a.kind, a.title) for a in night.alerts()] == []


def test_a_skipped_checkpoint_makes_the_round_incomplete_and_names_it(night):
    night.sweep(DUE - timedelta(hours=1))
    walk(night, DUE + 2 * MIN, stops=[0, 1, 3])
    night.sync(DUE + 20 * MIN)
    night.sweep(DUE + 21 * MIN)
    assert night.round().status is RoundStatus.IN_PROGRESS  # the window is still open
    assert night.alerts() == []
    night.sweep(DUE + 61 * MIN)
    found = night.round()
    assert found.status is RoundStatus.INCOMPLETE
    assert [s["status"] for s in found.stops] == ["on_time", "on_time", "missed", "on_time"]
    (alert,) = night.alerts()
    assert alert.kind == "round_incomplete"
    assert "配电房" in alert.title
    assert alert.evidence["missed"] == [
        {"position": 3, "checkpoint_id": night.checkpoints[2].id, "name": "配电房"}
    ]
    night.sweep(DUE + 90 * MIN)  # sweeping again raises nothing new
    assert len(night.alerts()) == 1


def test_a_missed_round_is_flagged_late_then_missed(night):
    night.sweep(DUE - timedelta(hours=1))
    night.sweep(DUE + 10 * MIN)
    assert night.alerts() == []  # within the grace period
    night.sweep(DUE + 16 * MIN)
    (late,) = night.alerts()
    assert late.kind == "round_late_start" and late.state is AlertState.OPEN
    night.sweep(DUE + 61 * MIN)
    assert night.round().status is RoundStatus.MISSED
    late, missed = night.alerts()
    assert missed.kind == "round_missed" and missed.severity is AlertSeverity.HIGH
    assert late.state is AlertState.RESOLVED  # the missed round says it all
    assert late.resolution == "round missed: the late-start alert is superseded"


def test_a_handheld_that_syncs_three_hours_late_clears_the_missed_round(night):
    night.sweep(DUE - timedelta(hours=1))
    walk(night, DUE + 3 * MIN)  # walked on time, in a basement with no signal
    night.sweep(DUE + 61 * MIN)
    (missed,) = night.alerts(kind="round_missed")
    assert night.round().status is RoundStatus.MISSED
    night.sync(DUE + timedelta(hours=3))
    night.sweep(DUE + timedelta(hours=3, minutes=1))
    found = night.round()
    assert found.status is RoundStatus.COMPLETED
    assert not found.late_start
    missed, late = night.alerts(kind="round_missed")[0], night.alerts(kind="round_late_start")
    assert missed.state is AlertState.RESOLVED and missed.resolved_by is None
    # The note says what happened, not a stock sentence.
    assert "brought 4 scans: round complete" in missed.resolution
    assert late == []  # the round was judged missed at once: no late start was raised
    # What was known when: raised at the window's close, resolved when the scans arrived.
    assert [(e.action, e.at) for e in missed.history] == [
        ("raised", DUE + 61 * MIN),
        ("auto_resolved", DUE + timedelta(hours=3, minutes=1)),
    ]
    assert all(a.state is AlertState.RESOLVED for a in late)
    night.sweep(DUE + timedelta(hours=4))
    assert len(night.alerts(kind="round_missed")) == 1  # never a second alert


def test_a_late_start_is_downgraded_when_the_round_turns_out_to_have_begun_late(night):
    night.sweep(DUE - timedelta(hours=1))
    night.sweep(DUE + 16 * MIN)
    (alert,) = night.alerts()
    assert alert.severity is AlertSeverity.MEDIUM
    walk(night, DUE + 30 * MIN, every=4 * MIN)
    night.sync(DUE + 50 * MIN)
    night.sweep(DUE + 51 * MIN)
    (alert,) = night.alerts()
    assert night.round().status is RoundStatus.COMPLETED and night.round().late_start
    assert alert.state is AlertState.OPEN and alert.severity is AlertSeverity.LOW
    assert [e.action for e in alert.history] == ["raised", "updated"]
    assert alert.history[0].severity is AlertSeverity.MEDIUM


def test_a_guard_rushing_between_checkpoints_is_suspicious(night):
    night.sweep(DUE - timedelta(hours=1))
    walk(night, DUE + 2 * MIN, every=timedelta(seconds=10))  # 105 m in 10 s
    night.sync(DUE + 5 * MIN)
    night.sweep(DUE + 6 * MIN)
    fast = night.alerts(kind="impossible_speed")
    assert [a.checkpoint_id for a in fast] == [c.id for c in night.checkpoints[1:]]
    assert all(a.severity is AlertSeverity.HIGH for a in fast)
    assert fast[0].evidence["speed_mps"] > 10 and fast[0].evidence["limit_mps"] == 3.0
    assert all(len(a.event_ids) == 2 and len(a.device_ids) == 1 for a in fast)
    assert night.alerts(kind="round_rushed") == []  # speed is the handheld's chain's matter


def test_a_photocopied_tag_scanned_from_the_guardhouse_is_flagged(night):
    night.sweep(DUE - timedelta(hours=1))
    # The 配电房 tag, scanned 600 m away with a 10 m fix.
    night.scan(2, DUE + 5 * MIN, latitude=31.2054, longitude=121.5022, accuracy_m=10)
    night.sync(DUE + 6 * MIN)
    night.sweep(DUE + 7 * MIN)
    (far,) = night.alerts(kind="far_scan")
    assert far.checkpoint_id == night.checkpoints[2].id
    assert far.evidence["distance_m"] > 500


def test_the_same_tag_scanned_from_two_devices_at_once_is_flagged(night):
    night.sweep(DUE - timedelta(hours=1))
    night.scan(1, DUE + 5 * MIN, device=0)
    night.scan(1, DUE + 5 * MIN + timedelta(seconds=20), device=1)
    night.sync(DUE + 6 * MIN, device=0)
    night.sync(DUE + 6 * MIN, device=1)
    night.sweep(DUE + 7 * MIN)
    (twin,) = night.alerts(kind="twin_scan")
    assert twin.checkpoint_id == night.checkpoints[1].id


def test_a_forged_tag_is_flagged_and_does_not_count_as_a_visit(night):
    night.sweep(DUE - timedelta(hours=1))
    forged = night.payloads[2][:-1] + ("A" if night.payloads[2][-1] != "A" else "B")
    walk(night, DUE + 2 * MIN, stops=[0, 1, 3])
    night.scan(2, DUE + 9 * MIN, payload=forged)
    night.sync(DUE + 30 * MIN)
    night.sweep(DUE + 61 * MIN)
    (tag,) = night.alerts(kind="suspicious_tag")
    assert tag.evidence["flag"] == "tag_bad_signature"
    assert night.round().status is RoundStatus.INCOMPLETE


def test_out_of_order_scans_on_a_strict_route_are_a_warning(night):
    night.sweep(DUE - timedelta(hours=1))
    for n, stop in enumerate([0, 2, 1, 3]):
        night.scan(stop, DUE + 2 * MIN + 6 * MIN * n)
    night.sync(DUE + 40 * MIN)
    night.sweep(DUE + 41 * MIN)
    found = night.round()
    assert found.status is RoundStatus.COMPLETED
    # 地下车库B1 was scanned after 配电房, which the route lists after it: that scan went back.
    assert [s["status"] for s in found.stops] == ["on_time", "out_of_order", "on_time", "on_time"]
    (alert,) = night.alerts(kind="round_out_of_order")
    assert alert.severity is AlertSeverity.LOW


def test_sweeping_twice_makes_each_round_once(night):
    first = night.sweep(DUE - timedelta(hours=20))
    assert first.rounds_made == 2  # tonight and tomorrow night are within 48 hours
    again = night.sweep(DUE - timedelta(hours=19))
    assert again.rounds_made == 0


def test_a_handheld_gets_the_next_rounds_with_each_random_round_shuffled(db, client, make):
    night = build_night(db, client, make, order=RouteOrder.RANDOM)
    night.sweep(DUE - timedelta(hours=1))
    set_clock(lambda: DUE - timedelta(minutes=30))
    response = client.get("/api/v1/device/config", headers=night.devices[0])
    assert response.status_code == 200
    (site,) = response.json["sites"]
    assert [r["due_at"] for r in site["rounds"]] == [
        DUE.isoformat(),
        (DUE + timedelta(days=1)).isoformat(),
    ]
    orders = [tuple(s["checkpoint_id"] for s in r["stops"]) for r in site["rounds"]]
    assert all(sorted(o) == sorted(c.id for c in night.checkpoints) for o in orders)
    stored = [tuple(s["checkpoint_id"] for s in r.expected) for r in night.rounds()]
    assert orders == stored  # the device walks the order the round is judged by


def test_a_bad_sticker_read_again_after_its_alert_was_resolved_reopens_it(night, make):
    night.sweep(DUE - timedelta(hours=1))
    forged = night.payloads[2][:-1] + ("A" if night.payloads[2][-1] != "A" else "B")
    night.scan(2, DUE + 5 * MIN, payload=forged)
    night.sync(DUE + 6 * MIN)
    night.sweep(DUE + 7 * MIN)
    (tag,) = night.alerts(kind="suspicious_tag")
    supervisor = make.auth(
        make.user(night.db.get(Organization, night.site.org_id), Role.SUPERVISOR, [night.site])
    )
    resolved = night.client.post(
        f"/api/v1/alerts/{tag.id}/resolve",
        json={"note": "假标签已撕除 Fake sticker taken down"},
        headers=supervisor,
    )
    assert resolved.status_code == 200, resolved.json
    night.sweep(DUE + 20 * MIN)  # judged again with nothing new: it stays closed
    assert night.alerts(kind="suspicious_tag")[0].state is AlertState.RESOLVED
    # The next night the same fake sticker is read again: the fix did not hold.
    night.scan(2, DUE + 24 * 60 * MIN, payload=forged)
    night.sync(DUE + 24 * 60 * MIN + MIN)
    night.sweep(DUE + 24 * 60 * MIN + 2 * MIN)
    (tag,) = night.alerts(kind="suspicious_tag")
    assert tag.state is AlertState.OPEN and tag.resolved_by is None
    assert [e.action for e in tag.history] == ["raised", "resolved", "reopened"]
    assert tag.history[-1].note.startswith("found again after it was resolved: event ")
    assert len(tag.event_ids) == 2
