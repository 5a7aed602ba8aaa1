"""Rounds as supervisors read them: what was expected, what was scanned, how it stands.
The compliance summary over them is in compliance.py."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access
from server.domain.actor import current_actor
from server.domain.models import Round

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
