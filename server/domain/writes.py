"""Audited writes every feature shares: create, update, and a flush that names conflicts."""

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.db import Base
from server.domain import audit
from server.domain.errors import Conflict

# A check the caller wants on the current state before it changes (the API's If-Match).
Precondition = Callable[[Any], None] | None

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")


def _unique_columns(error: IntegrityError) -> list[str]:
    """The columns of the unique constraint an INSERT or UPDATE broke, on either engine."""
    name = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    if name:
        for table in Base.metadata.tables.values():
            # Partial unique indexes (one active tag per checkpoint) report like constraints.
            for unique in (*table.constraints, *table.indexes):
                if unique.name == name:
                    return [c.name for c in unique.columns]
    match = _SQLITE_UNIQUE.search(str(error.orig))
    if match:
        return [part.split(".")[-1].strip() for part in match.group(1).split(",")]
    return []


def flush(session: Session) -> None:
    """Flush, turning a unique-constraint violation into a Conflict that names the fields.

    After a Conflict the session's transaction is spent: the request fails and rolls back.
    """
    try:
        session.flush()
    except IntegrityError as error:
        fields = [c for c in _unique_columns(error) if c not in {"org_id", "site_id"}]
        if not fields:
            raise
        raise Conflict(
            f"another object already has this {', '.join(fields)}",
            {field: ["already in use"] for field in fields},
        ) from error


def check(precondition: Precondition, obj: Any) -> None:
    """Run the caller's precondition, after access checks and before any change."""
    if precondition is not None:
        precondition(obj)


def create(session: Session, obj: Any, extra: dict[str, Any] | None = None) -> Any:
    """Insert obj and record its creation."""
    session.add(obj)
    flush(session)
    changes = {k: [None, v] for k, v in audit.snapshot(obj).items() if v not in (None, "", [])}
    changes.update({k: [None, v] for k, v in (extra or {}).items()})
    audit.record(session, "create", obj, changes)
    return obj


def update(
    session: Session, obj: Any, data: dict[str, Any], extra: dict[str, list[Any]] | None = None
) -> Any:
    """Apply data to obj and record what changed; deactivation is an update of 'active'."""
    before = audit.snapshot(obj)
    for key, value in data.items():
        setattr(obj, key, value)
    changes = audit.diff(before, audit.snapshot(obj))
    changes.update(extra or {})
    if not changes:
        return obj
    flush(session)
    action = "update"
    if set(changes) == {"active"}:
        action = "deactivate" if not obj.active else "reactivate"
    audit.record(session, action, obj, changes)
    return obj
