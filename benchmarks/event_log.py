"""events.page_1000: the scan log's page 1000, reached by its cursor, beside its page 1.

Over a million events, on PostgreSQL when BENCH_PG_URL answers, else on a SQLite file. A second
figure, events.tenant_page, reads a page of the whole tenant's log (an admin, no filter) beside
the site's page 1: the gap it shows is what an index on (org_id, corrected_time) would close.
"""

import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from benchmarks import seed
from benchmarks.pg import pg_or_sqlite
from benchmarks.report import emit, interleaved
from server import create_app, migrate, serving
from server.domain import events
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import ApiToken, Checkpoint, Device, DeviceEvent, Site, User
from server.domain.registry.auth import token_hash

EVENTS = 1_000_000
SITES, CHECKPOINTS, DEVICES, GUARDS = 4, 50, 40, 30
PAGE, DEEP = 50, 1000
NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)


def _people(session: Session) -> dict[str, Any]:
    """One tenant: sites with their checkpoints, handhelds, guards, and two readers' tokens."""
    org, first = seed.tenant(session)
    sites = [first] + [
        Site(org_id=org.id, name=f"湖畔花园 {n}", timezone="Asia/Shanghai") for n in range(1, SITES)
    ]
    session.add_all(sites)
    session.flush()
    checkpoints = [
        Checkpoint(org_id=org.id, site_id=s.id, name=f"巡更点 {n}", code=f"S{s.id}C{n}")
        for s in sites
        for n in range(CHECKPOINTS)
    ]
    devices = [Device(org_id=org.id, serial=f"HT-{n}", label=f"巡更机 {n}") for n in range(DEVICES)]
    guards = [
        User(org_id=org.id, name=f"保安 {n}", login=f"guard{n}", role=Role.GUARD, password_hash="-")
        for n in range(GUARDS)
    ]
    supervisor = User(
        org_id=org.id, name="李主管", login="sup", role=Role.SUPERVISOR, password_hash="-"
    )
    supervisor.sites = [first]
    admin = User(org_id=org.id, name="王经理", login="admin", role=Role.ADMIN, password_hash="-")
    session.add_all([*checkpoints, *devices, *guards, supervisor, admin])
    session.flush()
    tokens = {}
    for name, user in (("supervisor", supervisor), ("admin", admin)):
        tokens[name] = secrets.token_urlsafe(32)
        session.add(
            ApiToken(
                user_id=user.id,
                token_hash=token_hash(tokens[name]),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    first_id = {
        "org": org.id,
        "site": sites[0].id,
        "checkpoint": checkpoints[0].id,
        "device": devices[0].id,
        "user": guards[0].id,
    }
    # The events below name these by offset from the first: the ids must run in order.
    assert [s.id for s in sites] == list(range(sites[0].id, sites[0].id + SITES))
    assert [d.id for d in devices] == list(range(devices[0].id, devices[0].id + DEVICES))
    assert [g.id for g in guards] == list(range(guards[0].id, guards[0].id + GUARDS))
    assert checkpoints[-1].id - checkpoints[0].id == len(checkpoints) - 1
    return {"ids": first_id, "tokens": tokens, "site": sites[0].id}


def _events(session: Session, ids: dict[str, int]) -> None:
    """A million events in one INSERT ... SELECT, 30 s apart, many stored out of time order.

    Handheld n walks site n % SITES; one event in fifty is a manual entry (flagged).
    """
    pg = session.get_bind().dialect.name == "postgresql"
    base = NOW - timedelta(seconds=30 * EVENTS)
    shift = "n * 30 - (n % 7) * 600"  # seconds after base; some up to an hour out of order
    walks = f"(n % {DEVICES}) % {SITES}"  # the site of handheld n % DEVICES
    if pg:
        prefix, rows = "", "generate_series(1, :n) AS g(n)"
        at = f"(CAST(:base AS timestamptz) + make_interval(secs => {shift}))"
        uuid = "lpad(to_hex(n), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0')"
        json_open, json_close = "CAST(", " AS json)"
        start: Any = base
    else:
        prefix = "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < :n) "
        rows = "g"
        # As SQLAlchemy stores a UTC instant in SQLite: text with microseconds.
        at = f"(datetime(:base, ({shift}) || ' seconds') || '.000000')"
        uuid = "printf('%08x-0000-4000-8000-%012x', n, n)"
        json_open, json_close = "", ""
        start = base.replace(tzinfo=None).isoformat(sep=" ")
    flags = """CASE WHEN n % 50 = 3 THEN '["manual_entry"]' ELSE '[]' END"""
    data = """'{"method": "nfc", "uid": "04A21F9C"}'"""
    statement = f"""{prefix}INSERT INTO device_events (org_id, device_id, uuid, type, fingerprint,
          device_time, corrected_time, time_source, received_at, user_id, site_id,
          checkpoint_id, data, flags, evaluated_at)
        SELECT :org, :device + n % {DEVICES}, {uuid},
          CASE WHEN n % 97 = 0 THEN 'incident' WHEN n % 53 = 0 THEN 'shift' ELSE 'scan' END,
          'f', {at}, {at}, 'monotonic', {at}, :user + n % {GUARDS},
          :site + {walks}, :checkpoint + {walks} * {CHECKPOINTS} + (n / {DEVICES}) % {CHECKPOINTS},
          {json_open}{data}{json_close}, {json_open}{flags}{json_close}, {at}
        FROM {rows}"""  # noqa: S608 (only numbers and fixed text are formatted in)
    session.execute(text(statement), {"n": EVENTS, "base": start, **ids})


def _seed(url: str) -> dict[str, Any]:
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    engine = app.extensions["vigil"].engine
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            # A scratch copy: its foreign keys would cost most of the seeding and none of the
            # reading measured here.
            for key in inspect(session.connection()).get_foreign_keys("device_events"):
                session.execute(text(f'ALTER TABLE device_events DROP CONSTRAINT "{key["name"]}"'))
        world = _people(session)
        session.commit()
        _events(session, world["ids"])
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return world | {"app": app}


def run() -> None:
    with pg_or_sqlite("events") as (url, where):
        start = time.perf_counter()
        world = _seed(url)
        seeded = time.perf_counter() - start
        app = world["app"]
        serving.settle()
        client = app.test_client()

        def reader(role: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {world['tokens'][role]}"}

        def get(role: str, **query: Any) -> dict[str, Any]:
            response = client.get("/api/v1/events", query_string=query, headers=reader(role))
            assert response.status_code == 200, response.json
            return response.json

        site = {"site_id": world["site"], "limit": PAGE}
        # Where page 999 ends, found the slow way, once: what an OFFSET page would cost.
        with Session(app.extensions["vigil"].engine) as session:
            start = time.perf_counter()
            ordered = (
                select(DeviceEvent.corrected_time, DeviceEvent.id)
                .where(DeviceEvent.site_id == world["site"])
                .order_by(DeviceEvent.corrected_time.desc(), DeviceEvent.id.desc())
            )
            # The last of page 999 and the first of page 1000.
            (at, last), (_, first) = session.execute(
                ordered.offset(PAGE * (DEEP - 1) - 1).limit(2)
            ).all()
            offset_ms = (time.perf_counter() - start) * 1000
        cursor = events.Cursor(at, last).encode()
        deep = get("supervisor", **site, cursor=cursor)["items"]
        assert len(deep) == PAGE and deep[0]["id"] == first
        ours, baseline = interleaved(
            lambda: get("supervisor", **site, cursor=cursor), lambda: get("supervisor", **site), 20
        )
        emit(
            "events.page_1000",
            ours * 1000,
            "ms",
            baseline * 1000,
            f"GET /api/v1/events as a supervisor of one site, {PAGE} a page: page {DEEP} (by "
            f"its cursor) beside page 1, over {EVENTS:,} events of {SITES} sites ({where}, "
            f"in-process WSGI, seeded in {seeded:.0f} s). A ratio near 1: a page costs the same "
            "however deep, the site's (site_id, corrected_time) index serves it. Finding where "
            f"page {DEEP} starts by OFFSET took {offset_ms:.0f} ms",
        )
        tenant = {"limit": PAGE}
        wide = get("admin", **tenant)["next_cursor"]
        ours, baseline = interleaved(
            lambda: get("admin", **tenant, cursor=wide), lambda: get("supervisor", **site), 1, 3
        )
        indexes = inspect(app.extensions["vigil"].engine).get_indexes("device_events")
        served = any(i["column_names"][:2] == ["org_id", "corrected_time"] for i in indexes)
        emit(
            "events.tenant_page",
            ours * 1000,
            "ms",
            baseline * 1000,
            "page 2 of the whole tenant's log (an admin, no filter) beside one site's page 1. "
            + (
                "An index on (org_id, corrected_time) serves it"
                if served
                else "No index orders a tenant's events by time yet, so each such page sorts "
                "all of them; one on (org_id, corrected_time) would bring the ratio near 1"
            ),
        )
        app.extensions["vigil"].engine.dispose()
