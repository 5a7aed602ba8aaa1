"""Today per site, read straight from the domain: each figure against the rows behind it, and
nothing from another site or tenant."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from server.domain.actor import Actor, Role
from server.domain.clock import set_clock
from server.domain.errors import NotFound
from server.domain.models import (
    Alert,
    AlertSeverity,
    AlertState,
    Duty,
    Organization,
    Round,
    RoundStatus,
)
from server.domain.overview import today
from server.domain.patrol import lone_worker
from server.http.acting import acting_as
from server.worker import EVALUATOR

# 14:00 on 20 November 2026 in Shanghai: the local day began at 16:00 UTC on the 19th.
NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 19, 16, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
_keys = count(1)


@contextmanager
def acting(user, *sites) -> Iterator[Actor]:
    actor = Actor(user.id, user.org_id, user.role, frozenset(s.id for s in sites))
    with acting_as(actor):
        yield actor


def alert(db, site, kind="round_missed", severity=AlertSeverity.HIGH, **kw):
    """An alert of site, as the evaluator would keep it (unique key per call)."""
    kw.setdefault("state", AlertState.OPEN)
    found = Alert(
        org_id=site.org_id,
        site_id=site.id,
        key=f"{kind}:{next(_keys)}",
        kind=kind,
        severity=severity,
        title=kw.pop("title", f"{kind} at {site.name}"),
        evidence=kw.pop("evidence", {}),
        **kw,
    )
    db.add(found)
    db.flush()
    return found


def overdue(db, site, asset, due, **kw):
    """An inspection_overdue alert as inspection.overdue raises it."""
    args = {"asset": asset.name, "form": "月度试验", "late": {"days": 2}, "due": "2026-11-18 10:00"}
    return alert(
        db,
        site,
        "inspection_overdue",
        AlertSeverity.MEDIUM,
        asset_id=asset.id,
        title_args=args,
        evidence={"due_at": due.isoformat()},
        **kw,
    )


def duty(db, make, device, site, user, clocked_in, last_seen, on_duty=True):
    """A handheld's duty row as the lone-worker watch keeps it, on real events."""
    clock_in = make.event(device, site, "shift", at=clocked_in, data={"kind": "clock_in"})
    last = make.event(device, site, "shift", at=last_seen, data={"kind": "note"})
    row = Duty(
        device_id=device.id,
        org_id=device.org_id,
        site_id=site.id,
        user_id=user.id if user else None,
        on_duty=on_duty,
        clock_in_event_id=clock_in.id,
        clocked_in_at=clocked_in,
        last_event_id=last.id,
        last_seen_at=last_seen,
    )
    db.add(row)
    db.flush()
    return row


@pytest.fixture
def estate(db, make, org, site):
    """湖畔花园 (Shanghai, 30 min lone-worker limit) with a day of everything, and a second
    site of the tenant and another tenant's site holding the same kinds of things."""
    set_clock(lambda: NOW)
    site.inactivity_min = 30
    other = make.site(org, name="滨江大厦")
    foreign = make.site(make.org(), name="Elsewhere")
    for place in (site, other, foreign):
        gate = make.checkpoint(place, name=f"北门岗亭 {place.name}")
        schedule = make.schedule(make.route([gate, make.checkpoint(place)]))
        for hours, status, late in [
            (1, "completed", False),
            (2, "completed", True),
            (3, "missed", True),  # never begun: not also a late start
            (4, "incomplete", False),
            (13, "in_progress", True),
            (13.9, "scheduled", False),
        ]:
            make.round(
                schedule,
                due_at=MIDNIGHT + hours * HOUR,
                status=RoundStatus(status),
                late_start=late,
            )
        # Yesterday's, later today's and a voluntary one count for nothing today (so far).
        make.round(schedule, due_at=MIDNIGHT - MIN, status=RoundStatus.MISSED)
        make.round(schedule, due_at=NOW + HOUR)
        make.round(schedule, due_at=MIDNIGHT + 5 * HOUR, voluntary=True, status="completed")
        for severity, n in [(AlertSeverity.CRITICAL, 1), (AlertSeverity.HIGH, 2)]:
            for _ in range(n):
                alert(db, place, severity=severity)
        alert(db, place, severity=AlertSeverity.LOW)
        alert(db, place, severity=AlertSeverity.CRITICAL, state=AlertState.ACKNOWLEDGED)
        alert(db, place, severity=AlertSeverity.CRITICAL, state=AlertState.RESOLVED)
    return site, other, foreign


def test_each_figure_equals_what_the_site_holds_today(db, make, org, estate):
    site, _, _ = estate
    boss = make.user(org, Role.SUPERVISOR, [site])
    with acting(boss, site):
        (day,) = today.today(db)
    assert (day.site_id, day.name, day.timezone) == (site.id, "湖畔花园", "Asia/Shanghai")
    assert day.since == MIDNIGHT and day.since.utcoffset() == 8 * HOUR
    assert day.day == "2026-11-20"
    assert day.rounds == today.Rounds(
        planned=6,
        done=2,
        incomplete=1,
        in_progress=1,
        not_started=1,
        missed=1,
        late=2,  # the late completed one and the late one in progress; not the missed one
        compliance_pct=50.0,  # 2 done of 4 settled (completed, incomplete, missed)
    )
    # Open means not yet acknowledged: the queue's state=open.
    assert day.open_alerts == (
        (AlertSeverity.CRITICAL, 1),
        (AlertSeverity.HIGH, 2),
        (AlertSeverity.MEDIUM, 0),
        (AlertSeverity.LOW, 1),
    )
    assert (day.guards, day.quiet_handhelds, day.overdue) == ((), (), ())


def test_guards_on_duty_show_their_last_scan_and_the_silent_ones(db, make, org, estate):
    site, other, _ = estate
    north, plant = make.checkpoint(site, name="北门 North gate"), make.checkpoint(site, name="泵房")
    zhang, liu = make.user(org, name="张伟", sites=[site]), make.user(org, name="刘强")
    moving, quiet, off, elsewhere = (make.device(org, [site, other]) for _ in range(4))
    duty(db, make, moving, site, zhang, NOW - 5 * HOUR, NOW - 10 * MIN)
    make.event(moving, site, "scan", at=NOW - 2 * HOUR, checkpoint_id=north.id)
    make.event(moving, site, "scan", at=NOW - 20 * MIN, checkpoint_id=plant.id)
    make.event(moving, site, "incident", at=NOW - 15 * MIN)  # not a scan
    # Scanned before clocking in only, and silent for 31 minutes against a 30-minute limit.
    make.event(quiet, site, "scan", at=NOW - 6 * HOUR, checkpoint_id=north.id)
    duty(db, make, quiet, site, liu, NOW - 3 * HOUR, NOW - 31 * MIN)
    duty(db, make, off, site, zhang, NOW - 9 * HOUR, NOW - 8 * HOUR, on_duty=False)
    duty(db, make, elsewhere, other, liu, NOW - HOUR, NOW - 2 * HOUR)
    boss = make.user(org, Role.SUPERVISOR, [site])
    with acting(boss, site):
        (day,) = today.today(db)
    assert [
        (g.device_id, g.person, g.last_scan_at, g.checkpoint, g.silent) for g in day.guards
    ] == [
        (quiet.id, "刘强", None, None, True),  # the silent first
        (moving.id, "张伟", NOW - 20 * MIN, "泵房", False),
    ]
    assert day.guards[1].handheld == moving.serial
    assert day.guards[0].last_seen_at == NOW - 31 * MIN
    # The lone-worker watch finds exactly the silent ones silent.
    with acting_as(EVALUATOR):
        assert lone_worker.watch(db, NOW) == 1  # the other site keeps no watch (no limit)
    with acting(make.user(org, Role.SUPERVISOR, [other]), other):
        (there,) = today.today(db)
    # Two hours without a word, where the site sets no limit: on duty, never called silent.
    assert [(g.device_id, g.silent) for g in there.guards] == [(elsewhere.id, False)]
    raised = db.query(Alert).filter_by(kind="guard_inactive", site_id=site.id).all()
    assert [a.device_id for a in raised] == [g.device_id for g in day.guards if g.silent]


def test_handhelds_quiet_for_two_hours_or_never_synced(db, make, org, estate):
    site, other, foreign = estate
    enrolled = NOW - 30 * 24 * HOUR

    def handheld(places, seen, **kw):
        kw.setdefault("enrolled_at", enrolled)
        return make.device(org, places, last_seen_at=seen, **kw)

    hours_ago = handheld([site], NOW - 3 * HOUR, label="巡更机 3")
    just_two = handheld([site, other], NOW - today.QUIET_AFTER)
    never = handheld([site], None)
    handheld([site], NOW - 10 * MIN)  # synced lately
    handheld([site], None, enrolled_at=None)  # not enrolled yet: it cannot sync
    handheld([site], NOW - 5 * HOUR, active=False)  # retired
    handheld([other], NOW - 5 * HOUR)
    stranger = db.get(Organization, foreign.org_id)
    make.device(stranger, [foreign], last_seen_at=NOW - 5 * HOUR, enrolled_at=enrolled)
    boss = make.user(org, Role.SUPERVISOR, [site])
    with acting(boss, site):
        (day,) = today.today(db)
    assert [(h.device_id, h.name, h.last_sync_at) for h in day.quiet_handhelds] == [
        (never.id, never.serial, None),
        (hours_ago.id, "巡更机 3", NOW - 3 * HOUR),
        (just_two.id, just_two.serial, NOW - 2 * HOUR),
    ]


def test_overdue_inspections_are_the_unresolved_overdue_alerts(db, make, org, estate):
    site, other, _ = estate
    generator = make.asset(site, name="1号发电机")
    due = NOW - 50 * HOUR
    first = overdue(db, site, generator, due)
    seen = overdue(db, site, make.asset(site), due, state=AlertState.ACKNOWLEDGED)
    overdue(db, site, generator, due - 40 * 24 * HOUR, state=AlertState.RESOLVED)
    overdue(db, other, make.asset(other), due)
    boss = make.user(org, Role.SUPERVISOR, [site])
    with acting(boss, site):
        (day,) = today.today(db)
    assert [(o.alert_id, o.state, o.due_at) for o in day.overdue] == [
        (first.id, AlertState.OPEN, due),
        (seen.id, AlertState.ACKNOWLEDGED, due),
    ]
    assert day.overdue[0].asset_id == generator.id
    assert day.overdue[0].title_args["asset"] == "1号发电机"
    # An overdue alert is also an open alert of its severity.
    assert dict(day.open_alerts)[AlertSeverity.MEDIUM] == 1


def test_a_supervisor_reads_their_sites_and_an_admin_every_site_of_the_tenant(
    db, make, org, estate
):
    site, other, foreign = estate
    with acting(make.user(org, Role.SUPERVISOR, [other]), other):
        assert [d.site_id for d in today.today(db)] == [other.id]
        for hidden in (site, foreign):
            with pytest.raises(NotFound):
                today.today(db, hidden.id)
            with pytest.raises(NotFound):
                today.fingerprint(db, hidden.id)
    admin = make.user(org, Role.ADMIN)
    with acting_as(Actor(admin.id, org.id, Role.ADMIN)):
        days = today.today(db)
    assert [d.name for d in days] == sorted([site.name, other.name])
    assert all(d.rounds.planned == 6 for d in days)


def test_today_is_each_sites_own_local_day(db, make, org):
    set_clock(lambda: NOW)  # 01:00 on 20 November in New York (-05:00)
    york = make.site(org, name="New York", timezone="America/New_York")
    schedule = make.schedule(make.route([make.checkpoint(york)]))
    midnight = datetime(2026, 11, 20, tzinfo=ZoneInfo("America/New_York"))
    make.round(schedule, due_at=midnight - MIN, status=RoundStatus.MISSED)
    make.round(schedule, due_at=midnight + 30 * MIN, status=RoundStatus.COMPLETED)
    with acting(make.user(org, Role.SUPERVISOR, [york]), york):
        (day,) = today.today(db)
    assert day.since == midnight and day.since.utcoffset() == -5 * HOUR
    assert day.day == "2026-11-20"
    assert (day.rounds.planned, day.rounds.done, day.rounds.missed) == (1, 1, 0)


def test_the_fingerprint_changes_with_what_the_card_shows_and_only_then(db, make, org, estate):
    site, other, _ = estate
    guard = make.user(org, name="张伟", sites=[site])
    handheld = make.device(org, [site])
    duty(db, make, handheld, site, guard, NOW - HOUR, NOW - 10 * MIN)
    boss = make.user(org, Role.SUPERVISOR, [site])
    with acting(boss, site):
        first = today.fingerprint(db, site.id)
        assert today.fingerprint(db, site.id) == first
        alert(db, other, severity=AlertSeverity.LOW)  # another site's
        assert today.fingerprint(db, site.id) == first
        raised = alert(db, site, severity=AlertSeverity.LOW)
        second = today.fingerprint(db, site.id)
        assert second != first
        raised.state = AlertState.ACKNOWLEDGED
        db.flush()
        assert today.fingerprint(db, site.id) == first  # it reads as before again
        walked = db.query(Round).filter_by(site_id=site.id, status=RoundStatus.IN_PROGRESS).one()
        walked.status = RoundStatus.COMPLETED
        db.flush()
        third = today.fingerprint(db, site.id)
        assert third not in (first, second)
        # The guard falls silent as time passes, though nothing in the database changed.
        later = NOW + 21 * MIN
        assert today.fingerprint(db, site.id, later) != third


def test_the_read_costs_the_same_few_queries_whatever_the_rows(db, make, org, estate, app):
    site, _, _ = estate
    boss = make.user(org, Role.SUPERVISOR, [site])
    engine = app.extensions["vigil"].engine
    counted = []

    def count(*_):
        counted[-1] += 1

    def queries() -> int:
        counted.append(0)
        event.listen(engine, "before_cursor_execute", count)
        try:
            with acting(boss, site):
                today.today(db)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return counted[-1]

    def more_of_everything():
        guard = make.user(org, sites=[site])
        handheld = make.device(org, [site], enrolled_at=NOW - HOUR * 99)
        duty(db, make, handheld, site, guard, NOW - HOUR, NOW - 40 * MIN)
        make.event(handheld, site, "scan", at=NOW - 50 * MIN)
        overdue(db, site, make.asset(site), NOW - 9 * HOUR)
        alert(db, site)

    more_of_everything()
    few = queries()
    for _ in range(5):
        more_of_everything()
    assert queries() == few
