"""The lone-worker watch: a clocked-in guard whose handheld goes quiet, and the false alarms."""

from datetime import timedelta

import pytest

from server.domain.models import AlertSeverity, AlertState
from tests.patrol.night import DUE, build_night

MIN = timedelta(minutes=1)


@pytest.fixture
def night(db, client, make):
    found = build_night(db, client, make)
    found.site.inactivity_min = 30
    db.flush()
    return found


def silent(night):
    return night.alerts(kind="guard_inactive")


def test_a_guard_who_stops_moving_raises_one_critical_alert(night):
    night.record("shift", DUE - 10 * MIN, kind="clock_in")
    night.record("shift", DUE - 10 * MIN, device=1, kind="clock_in")
    for device in (0, 1):
        night.sync(DUE - 9 * MIN, device=device)
    for n in range(4):
        night.scan(n, DUE + (2 + 6 * n) * MIN)  # the last scan is at 22:20
        night.sync(DUE + (3 + 6 * n) * MIN)

    def hour_of_the_other_guard(start):
        # The second guard keeps moving all night, reporting every 20 minutes.
        for n in range(3):
            at = start + 20 * n * MIN
            night.record("incident", at, device=1, **_patrol_note())
            night.sync(at + MIN, device=1)
            night.sweep(at + 2 * MIN)

    hour_of_the_other_guard(DUE)
    assert silent(night) == []  # 22:42: 22 minutes since 22:20 is within the limit
    night.sweep(DUE + 51 * MIN)
    (alert,) = silent(night)
    assert alert.severity is AlertSeverity.CRITICAL
    assert alert.state is AlertState.OPEN
    assert alert.title == "王伟 silent since 22:20 while clocked in (limit 30 min)"
    assert alert.device_id is not None
    assert alert.user_id == night.guard.id
    assert alert.evidence["last_seen_at"] == (DUE + 20 * MIN).isoformat()
    hour_of_the_other_guard(DUE + 60 * MIN)
    (again,) = silent(night)  # still one alert, unchanged, however often the sweep looks
    assert [e.action for e in again.history] == ["raised"]
    assert [a.kind for a in night.alerts()] == ["guard_inactive"]


def _patrol_note():
    return {"category": "other", "severity": "low", "text": "巡查正常 all quiet"}


def test_a_handheld_out_of_contact_is_not_a_silent_guard(night):
    night.record("shift", DUE - 5 * MIN, kind="clock_in")
    night.sync(DUE - 4 * MIN)
    # Down in the car park, no signal: the scans wait on the handheld.
    for n in range(4):
        night.scan(n, DUE + (10 + 15 * n) * MIN)
    night.sweep(DUE + 30 * MIN)
    (alert,) = silent(night)  # as far as the server knows, nothing since 21:55
    assert alert.severity is AlertSeverity.CRITICAL
    night.sync(DUE + 60 * MIN)
    night.sweep(DUE + 61 * MIN)
    (cleared,) = silent(night)
    assert cleared.state is AlertState.RESOLVED
    assert "out of contact, not idle" in cleared.resolution
    assert [e.action for e in cleared.history] == ["raised", "auto_resolved"]
    night.sweep(DUE + 80 * MIN)  # 22:55 is the last scan: 25 minutes is within the limit
    assert len(silent(night)) == 1


def test_a_silence_that_ends_stays_as_a_medium_finding(night):
    night.record("shift", DUE - 5 * MIN, kind="clock_in")
    night.scan(0, DUE)
    night.sync(DUE + MIN)
    night.sweep(DUE + 40 * MIN)
    night.scan(1, DUE + 50 * MIN)
    night.sync(DUE + 51 * MIN)
    night.sweep(DUE + 52 * MIN)
    (alert,) = silent(night)
    assert alert.severity is AlertSeverity.MEDIUM
    assert alert.state is AlertState.OPEN  # a supervisor asks why and closes it
    assert alert.title == "王伟 was silent 50 min, 22:00 to 22:50, while clocked in"
    assert [e.severity for e in alert.history] == [AlertSeverity.CRITICAL, AlertSeverity.MEDIUM]


def test_a_silence_learned_the_next_morning_is_still_reported(night):
    night.record("shift", DUE - 5 * MIN, kind="clock_in")
    night.scan(0, DUE + 5 * MIN)
    night.scan(1, DUE + 90 * MIN)
    night.record("shift", DUE + 100 * MIN, kind="clock_out")
    night.sync(DUE + 10 * 60 * MIN)
    night.sweep(DUE + 10 * 60 * MIN)
    (alert,) = silent(night)
    assert alert.severity is AlertSeverity.MEDIUM
    assert alert.title == "王伟 was silent 85 min, 22:05 to 23:30, while clocked in"


def test_clocked_out_or_unwatched_guards_raise_nothing(night, db):
    night.record("shift", DUE - 5 * MIN, kind="clock_in")
    night.scan(0, DUE)
    night.record("shift", DUE + 5 * MIN, kind="clock_out")
    night.sync(DUE + 6 * MIN)
    night.sweep(DUE + 4 * 60 * MIN)
    assert silent(night) == []
    # A clock-in on the next night watches again; a site without a limit watches no one.
    night.record("shift", DUE + 24 * 60 * MIN, kind="clock_in")
    night.sync(DUE + 24 * 60 * MIN)
    night.site.inactivity_min = None
    db.flush()
    night.sweep(DUE + 26 * 60 * MIN)
    assert silent(night) == []
    night.site.inactivity_min = 30
    db.flush()
    night.sweep(DUE + 26 * 60 * MIN)
    (alert,) = silent(night)
    assert "silent since 22:00" in alert.title
