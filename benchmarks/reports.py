"""report.compliance_month: a month of one site's rounds gathered for a compliance report.

The site: 30 days of 48 scheduled rounds (every half hour) of 20 stops on two routes, by four
guards, judged (completed, some begun late, incomplete or missed, as a real month goes), and a
voluntary round a day; inserted in bulk. Ours: the compliance report's gather, every figure it
shows (totals, by route, by guard, each checkpoint's stops, the most missed). Baseline: ONE
aggregate query counting the same outcomes where they are most costly to count: every stop of
the month's rounds by checkpoint and outcome, hand-written in the dialect's fastest form
(json_to_recordset on PostgreSQL). The round outcomes alone (one aggregate over the rounds,
never reading a stop) are timed too and told in the note: a report with checkpoints cannot
cost that little. Median of interleaved runs. On PostgreSQL when BENCH_PG_URL answers, else a
SQLite file.
"""

import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    Text,
    and_,
    case,
    column,
    false,
    func,
    insert,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from benchmarks import seed
from benchmarks.pg import pg_or_sqlite
from benchmarks.report import emit, interleaved
from server import create_app, migrate
from server.domain.actor import Role
from server.domain.models import (
    Checkpoint,
    PatrolRoute,
    Report,
    ReportKind,
    Round,
    RouteStop,
    User,
)
from server.domain.reports import compliance

FIRST = date(2026, 11, 1)
SINCE = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)  # 00:00 on 1 November in Shanghai
DAYS, PER_DAY, STOPS, GUARDS = 30, 48, 20, 4
_SETTLED = ("completed", "incomplete", "missed")


def _stops(expected: list[dict[str, Any]], rng: random.Random, outcome: str) -> list[Any]:
    """Each stop as the judge writes it: most on time, a few late, left out when incomplete."""
    found = []
    for stop in expected:
        if outcome == "incomplete" and rng.random() < 0.2:
            word = "missed"
        else:
            word = rng.choices(["on_time", "late", "early", "incomplete_task"], [90, 6, 2, 2])[0]
        event = None if word == "missed" else rng.randrange(1, 10**6)
        found.append({**stop, "status": word, "optional": False, "event_id": event})
    return found


def _month(session: Session) -> int:
    """The site's month of rounds, inserted in bulk; its id."""
    org, site = seed.tenant(session)
    guards = [
        User(
            org_id=org.id, name=f"保安{n + 1}号", login=f"g{n}", role=Role.GUARD, password_hash="-"
        )
        for n in range(GUARDS)
    ]
    checkpoints = [
        Checkpoint(org_id=org.id, site_id=site.id, name=f"{n + 1}号楼 消防通道", code=f"C{n}")
        for n in range(2 * STOPS)
    ]
    session.add_all(guards + checkpoints)
    session.flush()
    routes = []
    for n, name in enumerate(("北区夜巡", "南区日巡")):
        route = PatrolRoute(org_id=org.id, site_id=site.id, name=name)
        mine = checkpoints[n * STOPS : (n + 1) * STOPS]
        route.stops = [RouteStop(position=i + 1, checkpoint_id=c.id) for i, c in enumerate(mine)]
        expected = [
            {"position": i + 1, "checkpoint_id": c.id, "name": c.name} for i, c in enumerate(mine)
        ]
        routes.append((route, expected))
    session.add_all(route for route, _ in routes)
    session.flush()
    rng = random.Random(7)
    rows = []
    for n in range(DAYS * PER_DAY + DAYS):
        voluntary = n >= DAYS * PER_DAY
        due = SINCE + timedelta(minutes=30 * (n % (DAYS * PER_DAY)) + (7 if voluntary else 0))
        route, expected = routes[n % 2]
        outcome = rng.choices(["completed", "incomplete", "missed"], [85, 9, 6])[0]
        rows.append(
            {
                "org_id": org.id,
                "site_id": site.id,
                "route_id": route.id,
                "voluntary": voluntary,
                "due_at": due,
                "window_start": due,
                "window_end": due + timedelta(minutes=25),
                "order": "strict",
                "expected": expected,
                "assignee_id": guards[n % GUARDS].id,
                "status": outcome,
                "late_start": outcome != "missed" and rng.random() < 0.05,
                "stops": [] if outcome == "missed" else _stops(expected, rng, outcome),
                "settled": True,
            }
        )
    session.execute(insert(Round), rows)
    session.commit()
    return site.id


def _rounds_alone(session: Session, site_id: int) -> Any:
    """One aggregate query: the month's rounds by outcome, late starts, voluntary apart."""
    scheduled = ~Round.voluntary
    counts = [
        func.count(case((and_(scheduled, Round.status == status), 1)))
        for status in ("completed", "incomplete", "missed", "scheduled", "in_progress")
    ]
    late = func.count(case((and_(scheduled, Round.late_start, Round.status != "missed"), 1)))
    stmt = select(*counts, late, func.count(case((Round.voluntary, 1)))).where(*_month_of(site_id))
    return session.execute(stmt).one()


def _baseline(session: Session, site_id: int) -> list[Any]:
    """One aggregate query, hand-written in the dialect's fastest form: every stop of the
    month's settled scheduled rounds by checkpoint and outcome (a missed round's expected
    stops all missed), the figures that read every round and every stop."""
    missed_round = Round.status == "missed"
    array = case((missed_round, Round.expected), else_=Round.stops)
    if session.get_bind().dialect.name == "postgresql":
        stop = (
            func.json_to_recordset(array)
            .table_valued(
                column("checkpoint_id", Integer),
                column("name", Text),
                column("status", Text),
                column("optional", Boolean),
            )
            .render_derived(with_types=True)
        )
        checkpoint, name, status, optional = (
            stop.c.checkpoint_id,
            stop.c.name,
            stop.c.status,
            stop.c.optional,
        )
    else:
        stop = func.json_each(array).table_valued("value")
        checkpoint, name, status, optional = (
            func.json_extract(stop.c.value, f"$.{key}")
            for key in ("checkpoint_id", "name", "status", "optional")
        )
    outcome = case(
        (~missed_round, status),
        (func.coalesce(optional, false()), "skipped"),
        else_="missed",
    ).label("outcome")
    stmt = (
        select(checkpoint.label("checkpoint"), name.label("name"), outcome, func.count())
        .select_from(Round)
        .join(stop, true())
        .where(*_month_of(site_id), ~Round.voluntary, Round.status.in_(_SETTLED))
        .group_by(text("1"), text("2"), text("3"))
    )
    return list(session.execute(stmt))


def _month_of(site_id: int) -> list[Any]:
    return [
        Round.site_id == site_id,
        Round.due_at >= SINCE,
        Round.due_at < SINCE + timedelta(days=DAYS),
    ]


def measure(url: str) -> dict[str, float]:
    migrate.upgrade(url)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PHOTO_DIR": folder})
        vigil = app.extensions["vigil"]
        with vigil.sessionmaker() as session:
            site_id = _month(session)
            last = FIRST + timedelta(days=DAYS - 1)
            params = {"since": FIRST.isoformat(), "until": last.isoformat()}
            report = Report(
                site_id=site_id, kind=ReportKind.COMPLIANCE, language="zh", params=params
            )
            gathered = compliance.gather(session, report)
            # Both count the same month the same way.
            counted = _rounds_alone(session, site_id)
            totals = gathered.totals
            assert (totals.completed, totals.incomplete, totals.missed) == tuple(counted[:3])
            assert (totals.late, gathered.voluntary) == tuple(counted[5:])
            stops = {(r.checkpoint, r.outcome): r[3] for r in _baseline(session, site_id)}
            for line in gathered.by_checkpoint:
                mine = {o: n for (c, o), n in stops.items() if c == line.checkpoint_id}
                assert (line.due, line.missed) == (sum(mine.values()), mine.get("missed", 0))
            ours, baseline = interleaved(
                lambda: compliance.gather(session, report), lambda: _baseline(session, site_id), 5
            )
            alone = min(_timed(lambda: _rounds_alone(session, site_id)) for _ in range(20))
            due = sum(c.due for c in gathered.by_checkpoint)
        vigil.engine.dispose()
    return {"ours": ours, "baseline": baseline, "alone": alone, "rounds": totals.due, "stops": due}


def _timed(call: Any) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def run() -> None:
    with pg_or_sqlite("reports") as (url, where):
        got = measure(url)
    emit(
        "report.compliance_month",
        got["ours"] * 1000,
        "ms",
        got["baseline"] * 1000,
        f"a month of one site: {got['rounds']:.0f} scheduled rounds ({PER_DAY} a day) of "
        f"{STOPS} stops ({got['stops']:.0f} checkpoint visits due), 2 routes, {GUARDS} guards, "
        f"{DAYS} voluntary rounds; ours: the compliance report's gather (totals, by route, by "
        f"guard, every checkpoint's stops, the most missed); baseline: one aggregate query "
        f"counting every stop by checkpoint and outcome, hand-written (json_to_recordset on "
        f"PostgreSQL). The round outcomes alone, reading no stop: {got['alone'] * 1000:.1f} ms. "
        f"Median of interleaved runs. ({where}) target ratio at most 3",
    )


if __name__ == "__main__":
    run()
