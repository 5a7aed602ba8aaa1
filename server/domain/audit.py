"""Writing and reading the append-only audit trail."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session

from server.domain import access
from server.domain.actor import current_actor, current_request_id
from server.domain.models import AuditEvent

# Secrets never enter the trail, not even hashed; nor what other columns already say.
_HIDDEN = frozenset({"password_hash", "created_at", "updated_at", "title_args"})


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The object's column values, JSON-safe, without secrets."""
    mapper = inspect(obj).mapper
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _HIDDEN
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [before, after]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def record(
    session: Session,
    action: str,
    obj: Any,
    changes: dict[str, list[Any]],
) -> AuditEvent:
    """Append one event for obj, attributed to the current actor."""
    actor = current_actor()
    event = AuditEvent(
        org_id=obj.org_id,
        site_id=getattr(obj, "site_id", None),
        actor_id=actor.user_id,
        actor_label=actor.label,
        action=action,
        object_type=type(obj).__tablename__.removesuffix("s"),
        object_id=obj.id,
        changes=changes,
        request_id=current_request_id(),
    )
    session.add(event)
    return event


def events_query(filters: dict[str, Any]) -> Select[Any]:
    """Audit events the current actor may read, newest first."""
    actor = current_actor()
    access.require_role(actor, access.READ_AUDIT)
    stmt = select(AuditEvent).where(AuditEvent.org_id == actor.org_id)
    if not actor.all_sites:
        # Organization-wide events (users, devices without a site) stay with admins.
        stmt = stmt.where(AuditEvent.site_id.in_(actor.site_ids))
    for field in ("object_type", "object_id", "site_id", "actor_id", "action"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(AuditEvent, field) == filters[field])
    if filters.get("since") is not None:
        stmt = stmt.where(AuditEvent.at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(AuditEvent.at < filters["until"])
    return stmt.order_by(AuditEvent.id.desc())
