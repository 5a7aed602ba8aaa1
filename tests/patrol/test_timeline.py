"""Rounds read as timelines: a round's stops planned against scanned, and a site's day."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from server.domain.actor import Actor, Role
from server.domain.clock import set_clock
from server.domain.errors import NotFound
from server.domain.models import RoundStatus
from server.domain.patrol import judging, rounds_ahead, timeline
from server.http.acting import acting_as
from server.worker import EVALUATOR

DUE = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
MINUTE = timedelta(minutes=1)


def supervisor_of(user, *sites) -> Actor:
    return Actor(user.id, user.org_id, Role.SUPERVISOR, frozenset(s.id for s in sites))


@contextmanager
def as_supervisor(make, org, *sites) -> Iterator[Actor]:
    with acting_as(supervisor_of(make.user(org, Role.SUPERVISOR, list(sites)), *sites)) as actor:
        yield actor


def judge(db, now: datetime) -> None:
    """The evaluator's pass, as the worker runs it."""
    with acting_as(EVALUATOR):
        judging.judge(db, now)


@pytest.fixture
def patrol(make, db, org, site):
    """A route of three checkpoints (the second planned 10 +- 3 min in, the third optional), a
    guard with a handheld, and a round of it due at 22:00 assigned to the guard."""
    points = [make.checkpoint(site, name=name) for name in ("北门 North gate", "车库 B2", "泵房")]
    route = make.route(points, name="夜巡 Night")
    route.stops[1].offset_min, route.stops[1].tolerance_min = 10, 3
    route.stops[2].optional = True
    db.flush()
    guard = make.user(org, sites=[site], name="张伟 Zhang Wei")
    device = make.device(org, [site], label="HT-0001")
    schedule = make.schedule(route)
    walk = make.round(schedule, due_at=DUE, assignee_id=guard.id)
    walk.expected = rounds_ahead.snapshot(db, route)
    db.flush()
    return points, guard, device, walk


def scan(make, device, guard, site, point, at, **data):
    return make.event(
        device, site, "scan", at=at, checkpoint_id=point.id, user_id=guard.id, data=data
    )


def test_a_judged_round_reads_each_stop_planned_against_scanned(make, db, app, org, site, patrol):
    points, guard, device, walk = patrol
    photo = make.photo(device, site, app.extensions["vigil"].blobs)
    first = scan(
        make, device, guard, site, points[0], DUE + 2 * MINUTE, note=" 正常 ", photos=[photo]
    )
    second = scan(make, device, guard, site, points[1], DUE + 17 * MINUTE, photos=["ab" * 32])
    judge(db, walk.window_end + MINUTE)
    with as_supervisor(make, org, site):
        read = timeline.of_round(db, walk.id)
    # The optional third stop, left out, does not keep the round from completing.
    assert (read.status, read.route_name, read.timezone) == (
        RoundStatus.COMPLETED,
        "夜巡 Night",
        "Asia/Shanghai",
    )
    assert (read.assignee, read.guards, read.handhelds) == (
        "张伟 Zhang Wei",
        ["张伟 Zhang Wei"],
        ["HT-0001"],
    )
    assert read.done == 2 and read.local_day == date(2026, 11, 21)
    one, two, three = read.stops
    assert [s.checkpoint_name for s in read.stops] == ["北门 North gate", "车库 B2", "泵房"]
    # Planned from the actual start, as the judge plans: 22:02 + 10 min, scanned at 22:17.
    assert (one.planned_at, one.scanned_at, one.status) == (None, DUE + 2 * MINUTE, "on_time")
    assert (two.planned_at, two.tolerance_min) == (DUE + 12 * MINUTE, 3)
    assert (two.scanned_at, two.status, two.minutes_off) == (DUE + 17 * MINUTE, "late", 5.0)
    assert (three.scanned_at, three.status, three.optional) == (None, "skipped", True)
    assert (one.photos, one.photos_awaited, one.note, one.event_id) == (
        [photo],
        0,
        "正常",
        first.id,
    )
    assert (two.photos, two.photos_awaited, two.event_id) == ([], 1, second.id)
    assert (one.guard, one.handheld, three.guard, three.handheld) == (
        "张伟 Zhang Wei",
        "HT-0001",
        None,
        None,
    )


def test_a_missed_round_plans_from_its_due_time(make, db, org, site, patrol):
    _, _, _, walk = patrol
    judge(db, walk.window_end + MINUTE)
    with as_supervisor(make, org, site):
        read = timeline.of_round(db, walk.id)
    assert read.status is RoundStatus.MISSED and read.guards == [] and read.handhelds == []
    assert [s.status for s in read.stops] == ["missed", "missed", "skipped"]
    assert read.stops[1].planned_at == DUE + 10 * MINUTE


def test_a_round_not_yet_judged_shows_its_stops_pending(make, db, org, site, patrol):
    _, _, _, walk = patrol
    with as_supervisor(make, org, site):
        read = timeline.of_round(db, walk.id)
    assert read.status is RoundStatus.SCHEDULED
    assert [s.status for s in read.stops] == ["pending"] * 3
    assert [s.scanned_at for s in read.stops] == [None] * 3


def test_another_tenants_or_another_sites_round_is_not_found(make, db, org, site, patrol):
    _, _, _, walk = patrol
    other_site = make.site(org)
    with as_supervisor(make, org, other_site), pytest.raises(NotFound):
        timeline.of_round(db, walk.id)
    stranger = make.org()
    with as_supervisor(make, stranger, make.site(stranger)), pytest.raises(NotFound):
        timeline.of_round(db, walk.id)


def test_reading_a_round_takes_the_same_statements_however_many_stops(make, db, app, org, site):
    guard, device = make.user(org, sites=[site]), make.device(org, [site])
    counted = []
    for size in (2, 8):
        points = [make.checkpoint(site) for _ in range(size)]
        walk = make.round(make.schedule(make.route(points)), due_at=DUE)
        for n, point in enumerate(points):
            scan(make, device, guard, site, point, DUE + n * MINUTE, photos=["cd" * 32])
        judge(db, walk.window_end + MINUTE)
        with as_supervisor(make, org, site), counting(app) as statements:
            assert timeline.of_round(db, walk.id).done == size
        counted.append(len(statements))
    assert counted[0] == counted[1]


@contextmanager
def counting(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = app.extensions["vigil"].engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _day_of_rounds(make, db, site, name, hours, **kw):
    points = [make.checkpoint(site), make.checkpoint(site)]
    schedule = make.schedule(make.route(points, name=name))
    return [make.round(schedule, due_at=DUE + timedelta(hours=h), **kw) for h in hours]


def test_a_day_lists_its_sites_rounds_by_route_from_local_midnight(make, db, app, org, site):
    set_clock(lambda: DUE)
    guard = make.user(org, sites=[site], name="刘强")
    # 22:00 Shanghai is 14:00 UTC: local midnight is 16:00 UTC, so -15 h is the day's 07:00.
    night = _day_of_rounds(make, db, site, "B 夜巡", [-15, -1, 2.5], assignee_id=guard.id)
    day = _day_of_rounds(make, db, site, "A 日巡", [-12, -11.5], status=RoundStatus.MISSED)
    day[0].stops = [{"event_id": 1}, {"event_id": None}]
    other = make.site(org, name="Another")
    _day_of_rounds(make, db, other, "C", [-1])
    db.flush()
    with as_supervisor(make, org, site, other):
        read = timeline.of_day(db)
    assert (read.site.name, read.day) == ("Another", date(2026, 11, 21))  # first by name
    with as_supervisor(make, org, site, other):
        read = timeline.of_day(db, site.id, date(2026, 11, 21))
    assert [s.name for s in read.sites] == ["Another", "湖畔花园"]
    assert read.start == datetime(2026, 11, 20, 16, tzinfo=UTC)
    assert read.end == datetime(2026, 11, 21, 16, tzinfo=UTC)
    assert [row.name for row in read.routes] == ["A 日巡", "B 夜巡"]
    assert [r.id for r in read.routes[1].rounds] == [night[0].id, night[1].id]  # not tomorrow's
    # Two windows of an hour half an hour apart overlap: the second goes in a lane below.
    assert [r.lane for r in read.routes[0].rounds] == [0, 1] and read.routes[0].lanes == 2
    first = read.rounds[0]
    assert (first.id, first.status, first.done, first.expected) == (night[0].id, "scheduled", 0, 2)
    assert read.rounds[1].done == 1 and read.rounds[1].status is RoundStatus.MISSED
    assert first.assignee == "刘强"
    assert [t.hour for t in read.ticks] == [0, 3, 6, 9, 12, 15, 18, 21, 24]
    assert (
        read.share(read.start + timedelta(hours=6)) == 0.25 and read.share(read.end + MINUTE) == 1
    )


def test_a_day_on_which_clocks_go_forward_has_23_hours(make, db, org):
    site = make.site(org, timezone="America/New_York")
    with as_supervisor(make, org, site):
        read = timeline.of_day(db, site.id, date(2026, 3, 8))
    assert read.end - read.start == timedelta(hours=23) and read.routes == []
    three = next(t for t in read.ticks if t.hour == 3)
    assert three.at == datetime(2026, 3, 8, 7, tzinfo=UTC)  # 03:00 EDT, one hour after 01:00 EST


def test_a_day_of_another_tenants_or_unassigned_site_is_not_found(make, db, org, site):
    stranger = make.org()
    with as_supervisor(make, org, site), pytest.raises(NotFound):
        timeline.of_day(db, make.site(stranger).id, None)
    with as_supervisor(make, org, site), pytest.raises(NotFound):
        timeline.of_day(db, make.site(org).id, None)
