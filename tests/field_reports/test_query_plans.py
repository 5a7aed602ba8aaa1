"""The lists read the reports' own indexes, never walking a site's or a tenant's scans."""

import uuid

import pytest
from sqlalchemy import insert, select, text

from server.domain import field_reports
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.models import DeviceEvent
from tests.field_reports.conftest import at

ORG_INDEX = "ix_device_events_reports_org_time"
SITE_INDEX = "ix_device_events_reports_site_time"
QUERIES = {
    "incidents": lambda: field_reports.incident_query(
        field_reports.IncidentFilter(severity="high")
    ),
    "shift-notes": lambda: field_reports.shift_note_query(
        field_reports.ShiftNoteFilter(kind="handover")
    ),
}


@pytest.fixture
def busy_tower(db, reports):
    """The other site of the tenant has reported a great deal, and the planner knows it."""
    rows = [
        {
            "org_id": reports.tower.org_id,
            "device_id": reports.roamer.id,
            "uuid": str(uuid.uuid4()),
            "type": kind,
            "fingerprint": "0" * 64,
            "device_time": at(n),
            "corrected_time": at(n),
            "time_source": "wall_clock",
            "received_at": at(n),
            "site_id": reports.tower.id,
            "data": {"category": "other", "severity": "low", "text": "-", "kind": "clock_in"},
            "flags": [],
        }
        for n in range(600)
        for kind in ("incident", "shift", "scan")
    ]
    db.execute(insert(DeviceEvent), rows)
    db.execute(text("ANALYZE device_events" if _postgres(db) else "ANALYZE"))


def _postgres(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def plan(session, stmt) -> str:
    """The database's plan for a list page and its count, as one text."""
    page = stmt.order_by(DeviceEvent.corrected_time.desc(), DeviceEvent.id.desc()).limit(50)
    count = select(text("count(*)")).select_from(stmt.subquery())
    dialect = session.get_bind().dialect
    lines = []
    for query in (page, count):
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if _postgres(session):
            # Still few rows, where a full scan is cheapest: ask which index it would use.
            session.execute(text("SET LOCAL enable_seqscan = off"))
            lines += session.execute(text(f"EXPLAIN {sql}")).scalars()
        else:
            lines += [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {sql}"))]
    return "\n".join(lines)


def planned(session, org_id, role, sites, query) -> str:
    token = set_actor(Actor(None, org_id, role, frozenset(sites), label="test"))
    try:
        return plan(session, QUERIES[query]())
    finally:
        reset_actor(token)


@pytest.mark.parametrize("query", QUERIES)
def test_an_admin_reads_the_tenants_reports_index(db, reports, busy_tower, query):
    found = planned(db, reports.lakeside.org_id, Role.ADMIN, (), query)
    assert found.count(ORG_INDEX) == 2, found


@pytest.mark.parametrize("query", QUERIES)
def test_a_supervisor_reads_the_sites_reports_index(db, reports, busy_tower, query):
    found = planned(db, reports.lakeside.org_id, Role.SUPERVISOR, [reports.lakeside.id], query)
    assert found.count(SITE_INDEX) == 2, found
