"""Rounds as supervisors read them: what was expected, what was scanned, how it stands."""

from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.domain import access
from server.domain.actor import current_actor
from server.domain.errors import Invalid
from server.domain.models import Round, RoundStatus
from server.domain.registry import sites

SORTABLE = ("due_at", "status", "site_id", "route_id")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Rounds on the current actor's sites; compliance figures leave out voluntary ones."""
    stmt = access.scoped(select(Round), Round, current_actor())
    for name in ("site_id", "route_id", "schedule_id", "status", "assignee_id", "voluntary"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(Round, name) == filters[name])
    if filters.get("since") is not None:
        stmt = stmt.where(Round.due_at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(Round.due_at < filters["until"])
    return stmt


def get(session: Session, round_id: int) -> Round:
    """One round on the current actor's sites."""
    return access.get_scoped(session, Round, round_id, current_actor())


# A quarter: long enough for a monthly report, short enough to read in one request.
LONGEST_SUMMARY = timedelta(days=92)
_SETTLED = (RoundStatus.COMPLETED, RoundStatus.INCOMPLETE, RoundStatus.MISSED)


def summary(session: Session, filters: dict[str, Any]) -> dict[str, Any]:
    """Compliance for a period: scheduled rounds by outcome and the checkpoints most missed."""
    since, until = filters["since"], filters["until"]
    if not since < until <= since + LONGEST_SUMMARY:
        raise Invalid(
            "until must come after since, at most 92 days later",
            {"until": ["after since, within 92 days"]},
        )
    if filters.get("site_id") is not None:
        sites.get(session, filters["site_id"])  # another site's figures are not zeros: 404
    scope = list_query({k: v for k, v in filters.items() if k != "voluntary"}).subquery()
    counted = select(scope.c.voluntary, scope.c.status, scope.c.late_start, func.count()).group_by(
        scope.c.voluntary, scope.c.status, scope.c.late_start
    )
    by_status = dict.fromkeys((s.value for s in RoundStatus), 0)
    late = voluntary = 0
    for is_voluntary, status, late_start, n in session.execute(counted):
        if is_voluntary:
            voluntary += n  # walked by choice: recorded, never a compliance figure
            continue
        by_status[status.value] += n
        # A missed round was never started at all; late starts are rounds begun late.
        late += n if late_start and status is not RoundStatus.MISSED else 0
    settled = sum(by_status[s.value] for s in _SETTLED)
    return {
        "since": since,
        "until": until,
        "rounds": sum(by_status.values()),
        "by_status": by_status,
        "late_starts": late,
        "completed_pct": round(100 * by_status["completed"] / settled, 1) if settled else None,
        **_left_out(session, scope),
        "voluntary_rounds": voluntary,
    }


def _left_out(session: Session, scope: Any) -> dict[str, list[dict[str, Any]]]:
    """Checkpoints left out of settled scheduled rounds, most often first: required ones
    (missed_checkpoints) and optional ones (skipped_optional) apart."""
    stmt = select(scope.c.status, scope.c.stops, scope.c.expected).where(
        ~scope.c.voluntary,
        scope.c.status.in_([RoundStatus.INCOMPLETE, RoundStatus.MISSED, RoundStatus.COMPLETED]),
    )
    missed: Counter[tuple[int, str]] = Counter()
    skipped: Counter[tuple[int, str]] = Counter()
    for status, stops, expected in session.execute(stmt):
        if status is RoundStatus.MISSED:
            left = [(s, "skipped" if s.get("optional") else "missed") for s in expected]
        else:
            left = [(s, s["status"]) for s in stops]
        for stop, outcome in left:
            counter = {"missed": missed, "skipped": skipped}.get(outcome)
            if counter is not None:
                counter[(stop["checkpoint_id"], stop["name"])] += 1
    return {"missed_checkpoints": _ranked(missed), "skipped_optional": _ranked(skipped)}


def _ranked(counted: Counter[tuple[int, str]]) -> list[dict[str, Any]]:
    ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0][1]))
    return [{"checkpoint_id": cid, "name": name, "missed": n} for (cid, name), n in ranked]
