"""The console's two heavy pages, each beside the JSON API reading the same data.

console.alert_queue: the console's alert queue, first page, beside the JSON API's same page.

Over 200,000 alerts of one tenant (four sites, a year of them), on PostgreSQL when BENCH_PG_URL
answers, else on a SQLite file. Both sides ask for the same thing: a supervisor's open alerts,
most severe first, 50 a page. The console's figure includes rendering the page and the counts
per state and severity; the API's includes its total for X-Pagination.

console.asset_trend: an asset's page over a year of daily records (a chart per numeric item)
beside the API's reading history of each of those items: the same readings, as JSON.
"""

import random
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from benchmarks import seed
from benchmarks.pg import pg_or_sqlite
from benchmarks.report import emit, interleaved
from server import create_app, migrate, serving
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import ApiToken, Site, TokenKind, User
from server.domain.registry.auth import token_hash

ALERTS = 200_000
SITES = 4
NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)


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
    return {"org": org.id, "site": first.id, "tokens": _tokens(session, supervisor.id)}


def _tokens(session: Session, user_id: int) -> dict[TokenKind, str]:
    """A live API token and a live console session of the user, by kind."""
    tokens = {kind: secrets.token_urlsafe(32) for kind in TokenKind}
    for kind, plain in tokens.items():
        session.add(
            ApiToken(
                user_id=user_id,
                token_hash=token_hash(plain),
                kind=kind,
                last_used_at=utcnow(),
                expires_at=utcnow() + timedelta(hours=2),
            )
        )
    return tokens


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
    run_queue()
    run_trend()


def run_queue() -> None:
    with pg_or_sqlite("console") as (url, where):
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


def _a_year_of_substation_records(app: Any) -> tuple[int, list[str]]:
    """The demo estate's transformer T1 given a year of daily records, as its engineer would
    have sent them; its id and the numeric items the records hold."""
    from zoneinfo import ZoneInfo

    from server.demo.plant import _substation
    from server.domain.actor import Actor, reset_actor, set_actor
    from server.domain.inspection import intake
    from server.domain.inspection.intake import Submission
    from server.domain.models import Asset, InspectionTemplate, TemplateVersion

    with Session(app.extensions["vigil"].engine) as session:
        site = session.scalar(select(Site))
        asset = session.scalar(select(Asset).where(Asset.code == "T1"))
        form = session.scalar(
            select(InspectionTemplate).where(InspectionTemplate.code == "substation_daily")
        )
        version = session.scalar(
            select(TemplateVersion).where(TemplateVersion.template_id == form.id)
        )
        engineer = session.scalar(select(User).where(User.login == "demo-engineer"))
        zone = ZoneInfo(site.timezone)
        first = datetime.now(zone).replace(hour=9, minute=10, second=0, microsecond=0)
        submissions = [
            Submission(
                org_id=site.org_id,
                site_id=site.id,
                asset=asset,
                template=form,
                version=version,
                at=first - timedelta(days=days_ago),
                values=_substation(random.Random(days_ago), days_ago),
                photos={},
                user_id=engineer.id,
            )
            for days_ago in range(365, 29, -1)  # the demo holds the last four weeks already
        ]
        actor = Actor(engineer.id, site.org_id, Role.ENGINEER, frozenset({site.id}))
        token = set_actor(actor)
        try:
            intake.take_many(session, submissions)
        finally:
            reset_actor(token)
        session.commit()
        items = sorted(
            {
                k
                for s in submissions
                for k, v in s.values.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            }
        )
        return asset.id, items


def run_trend() -> None:
    """console.asset_trend: an asset's page over 365 days beside the API's reading history of
    every item the page charts."""
    with pg_or_sqlite("console") as (url, where):
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        app.test_cli_runner().invoke(args=["demo"])
        asset_id, items = _a_year_of_substation_records(app)
        with Session(app.extensions["vigil"].engine) as session:
            reader = session.scalar(select(User.id).where(User.login == "demo-super"))
            tokens = _tokens(session, reader)
            session.commit()
        serving.settle()
        api = app.test_client()
        bearer = {"Authorization": f"Bearer {tokens[TokenKind.BEARER]}"}
        console = app.test_client()
        console.set_cookie("vigil_session", tokens[TokenKind.CONSOLE], path="/console")
        until = utcnow()
        since = until - timedelta(days=365)

        def api_history() -> None:
            for item in items:
                query = {"item": item, "since": since.isoformat(), "until": until.isoformat()}
                answer = api.get(
                    f"/api/v1/assets/{asset_id}/readings", query_string=query, headers=bearer
                )
                assert answer.status_code == 200, answer.json

        def console_page() -> None:
            answer = console.get(f"/console/inspections/assets/{asset_id}?days=365")
            assert answer.status_code == 200 and answer.text.count("<polyline") >= len(items) // 2

        ours, baseline = interleaved(console_page, api_history, 5)
        emit(
            "console.asset_trend",
            ours * 1000,
            "ms",
            baseline * 1000,
            f"GET /console/inspections/assets/<T1>?days=365 (a chart per numeric item, bands "
            f"and alerts drawn, as HTML+SVG) beside GET /api/v1/assets/<T1>/readings for each of "
            f"its {len(items)} numeric items over the same year (JSON), a year of daily records "
            f"on the demo estate ({where}, in-process WSGI)",
        )
        app.extensions["vigil"].engine.dispose()
