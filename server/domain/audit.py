"""Writing and reading the append-only audit trail."""

import enum
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session

from server.domain import access
from server.domain.actor import current_actor, current_request_id
from server.domain.models import AuditEvent, Site

# Secrets never enter the trail, not even hashed; nor what other columns already say.
_HIDDEN = frozenset(
    {
        "password_hash",
        "token_hash",
        "code_hash",
        "secrets",
        "created_at",
        "updated_at",
        "title_args",
    }
)
# Fields a reader never sees the values of, whatever an event holds (a password change is
# recorded as changed, an older row might hold more): secrets and anything derived from them.
SECRET_FIELDS = frozenset(
    {"password", "password_hash", "token", "token_hash", "code_hash", "secret", "secrets"}
)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):  # a preference's quiet hours are times of day
        return value.isoformat()
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The object's column values, JSON-safe, without secrets."""
    mapper = inspect(obj).mapper
    return {
        attr.key: _shown(attr.key, _plain(getattr(obj, attr.key)))
        for attr in mapper.column_attrs
        if attr.key not in _HIDDEN
    }


def _shown(key: str, value: Any) -> Any:
    return redacted_url(value) if key == "url" and isinstance(value, str) else value


def redacted_url(url: str) -> str:
    """A URL with no query values: robots' addresses carry their keys there (WeCom's `key`,
    DingTalk's `access_token`), and so do many webhook receivers'. The trail and the API both
    show URLs this way."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    hidden = urlencode([(name, "…") for name, _ in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit(parts._replace(query=hidden, fragment=""))


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
        # A site's own events (its settings, a wand import) belong to it, for its supervisors.
        site_id=obj.id if isinstance(obj, Site) else getattr(obj, "site_id", None),
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


class ChangeKind(enum.StrEnum):
    """What happened to one field: it got a value, lost it, or had another."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Change:
    """One field of an event as a reader sees it; a secret's values are withheld (None)."""

    field: str
    kind: ChangeKind
    before: Any
    after: Any
    secret: bool = False


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def changes_of(event: AuditEvent) -> list[Change]:
    """The event's changed fields in the order recorded, each added, removed or changed."""
    found = []
    for name, pair in (event.changes or {}).items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        if _blank(before) and not _blank(after):
            kind = ChangeKind.ADDED
        elif _blank(after) and not _blank(before):
            kind = ChangeKind.REMOVED
        else:
            kind = ChangeKind.CHANGED
        if name in SECRET_FIELDS:
            found.append(Change(name, kind, None, None, secret=True))
        else:
            found.append(Change(name, kind, before, after))
    return found


@dataclass(frozen=True)
class TrailPage:
    """A page of the trail, newest first, and the cursors to the pages beside it."""

    events: list[AuditEvent]
    older: int | None  # before= for the next, older page; None on the last page
    newer: int | None  # after= for the page before, newer; None on the newest page


def browse(
    session: Session,
    filters: dict[str, Any],
    size: int,
    before: int | None = None,
    after: int | None = None,
) -> TrailPage:
    """A page of events_query found from an event id (keyset), not by counting rows: as fast
    deep in a large trail as at its start, and an event written meanwhile moves nothing."""
    stmt = events_query(filters)
    if after is not None:
        rows = list(
            session.scalars(
                stmt.order_by(None)
                .where(AuditEvent.id > after)
                .order_by(AuditEvent.id.asc())
                .limit(size + 1)
            )
        )
        events = rows[:size][::-1]
        newer = events[0].id if len(rows) > size else None
        return TrailPage(events, events[-1].id if events else after + 1, newer)
    if before is not None:
        stmt = stmt.where(AuditEvent.id < before)
    rows = list(session.scalars(stmt.limit(size + 1)))
    events = rows[:size]
    older = events[-1].id if len(rows) > size else None
    newer = None if before is None else (events[0].id if events else before - 1)
    return TrailPage(events, older, newer)
