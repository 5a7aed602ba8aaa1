"""console.alert_queue: the console's alert queue, first page, beside the JSON API's same page.

Over 200,000 alerts of one tenant (four sites, a year of them), on PostgreSQL when BENCH_PG_URL
answers, else on a SQLite file. Both sides ask for the same thing: a supervisor's open alerts,
most severe first, 50 a page. The console's figure includes rendering the page and the counts
per state and severity; the API's includes its total for X-Pagination.
"""

import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from benchmarks import seed
from benchmarks.pg import scratch_database
from benchmarks.report import emit, interleaved
from server import create_app, migrate, serving
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import ApiToken, Site, TokenKind, User
from server.domain.registry.auth import token_hash

ALERTS = 200_000
SITES = 4
NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)


@contextmanager
def _database() -> Iterator[tuple[str, str]]:
    with scratch_database("console_pg") as url:
        if url is not None:
            yield url, "PostgreSQL"
            return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{os.path.join(folder, 'console.db')}", "SQLite file"


def _people(session: Session) -> dict[str, Any]:
    """The tenant, its sites, and a supervisor of the first with an API token and a session."""
    org, first = seed.tenant(session)
    sites = [first] + [
        Site(org_id=org.id, name=f"湖畔花园 {n}", timezone="Asia/Shanghai") for n in range(1, SITES)
    ]
    session.add_all(sites)
    supervisor = User(
        org_id=org.id, name="李主管", login="sup", role=Role.SUPERVISOR, password_hash="-"
    )
    supervisor.sites = [first]
    session.add(supervisor)
    session.flush()
    tokens = {}
    for kind in TokenKind:
        tokens[kind] = secrets.token_urlsafe(32)
        session.add(
            ApiToken(
                user_id=supervisor.id,
                token_hash=token_hash(tokens[kind]),
                kind=kind,
                last_used_at=utcnow(),
                expires_at=utcnow() + timedelta(hours=2),
            )
        )
    return {"org": org.id, "site": first.id, "tokens": tokens}


def _alerts(session: Session, org: int, site: int) -> None:
    """200,000 alerts in one INSERT ... SELECT: every kind of severity, one in twenty open."""
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        prefix, rows = "", "generate_series(1, :n) AS g(n)"
        at = "(CAST(:base AS timestamptz) + make_interval(secs => n * 150))"
        json_open, json_close = "CAST(", " AS json)"
        start: Any = NOW - timedelta(seconds=150 * ALERTS)
    else:
        prefix = "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :n) "
        rows = "g"
        at = "(datetime(:base, (n * 150) || ' seconds') || '.000000')"
        json_open, json_close = "", ""
        start = (NOW - timedelta(seconds=150 * ALERTS)).replace(tzinfo=None).isoformat(sep=" ")
    severity = (
        "CASE n % 4 WHEN 0 THEN 'low' WHEN 1 THEN 'medium' WHEN 2 THEN 'high' ELSE 'critical' END"
    )
    state = (
        "CASE WHEN n % 20 = 0 THEN 'open' WHEN n % 20 = 1 THEN 'acknowledged' ELSE 'resolved' END"
    )
    statement = f"""{prefix}INSERT INTO alerts (org_id, site_id, key, kind, severity, state, title,
          evidence, event_ids, device_ids, awaiting_reading, raised_at, updated_at)
        SELECT :org, :site + n % {SITES}, 'bench:' || n, 'round_missed', {severity}, {state},
          '夜间巡逻 Night patrol round missed: nothing scanned', {json_open}'{{}}'{json_close},
          {json_open}'[]'{json_close}, {json_open}'[]'{json_close}, false, {at}, {at}
        FROM {rows}"""  # noqa: S608 (only numbers and fixed text are formatted in)
    session.execute(text(statement), {"n": ALERTS, "base": start, "org": org, "site": site})


def run() -> None:
    with _database() as (url, where):
        start = time.perf_counter()
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        engine = app.extensions["vigil"].engine
        with Session(engine) as session:
            world = _people(session)
            session.commit()
            _alerts(session, world["org"], world["site"])
            session.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
            )
        seeded = time.perf_counter() - start
        serving.settle()
        api = app.test_client()
        bearer = {"Authorization": f"Bearer {world['tokens'][TokenKind.BEARER]}"}
        console = app.test_client()
        console.set_cookie("vigil_session", world["tokens"][TokenKind.CONSOLE], path="/console")

        def api_page() -> None:
            query = {"state": "open", "sort": "-severity,-raised_at", "page_size": 50}
            answer = api.get("/api/v1/alerts", query_string=query, headers=bearer)
            assert answer.status_code == 200 and len(answer.json) == 50, answer.json

        def console_page() -> None:
            answer = console.get("/console/alerts?state=open")
            assert answer.status_code == 200 and answer.text.count('name="alert_ids"') == 50

        ours, baseline = interleaved(console_page, api_page, 10)
        emit(
            "console.alert_queue",
            ours * 1000,
            "ms",
            baseline * 1000,
            f"GET /console/alerts?state=open (first page: the rendered HTML with counts per state "
            f"and severity) beside GET /api/v1/alerts?state=open&sort=-severity,-raised_at (the "
            f"same 50 alerts as JSON, with its total), a supervisor of one site of {SITES}, over "
            f"{ALERTS:,} alerts ({where}, in-process WSGI, seeded in {seeded:.0f} s)",
        )
        engine.dispose()
