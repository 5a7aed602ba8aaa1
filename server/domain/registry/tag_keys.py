"""Rotating and retiring a tenant's tag signing keys."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import Role, current_actor
from server.domain.clock import utcnow
from server.domain.errors import Conflict
from server.domain.models import QrTag, TagKey, TagStatus

ONLY_ADMIN = frozenset({Role.ADMIN})


def list_query() -> Select[Any]:
    """The tenant's keys, newest first."""
    actor = current_actor()
    access.require_role(actor, ONLY_ADMIN)
    return select(TagKey).where(TagKey.org_id == actor.org_id).order_by(TagKey.number.desc())


def active_tags(session: Session, key: TagKey) -> int:
    """How many active tags this key signed: the stickers to reprint before retiring it."""
    return (
        session.scalar(
            select(func.count()).where(QrTag.key_id == key.id, QrTag.status == TagStatus.ACTIVE)
        )
        or 0
    )


def rotate(session: Session) -> TagKey:
    """Start signing new tags with a new key; tags under older live keys keep verifying."""
    actor = current_actor()
    access.require_role(actor, ONLY_ADMIN)
    last = session.scalar(select(func.max(TagKey.number)).where(TagKey.org_id == actor.org_id))
    key = TagKey(org_id=actor.org_id, number=(last or 0) + 1)
    session.add(key)
    writes.flush(session)
    audit.record(session, "rotate", key, {"number": [None, key.number]})
    return key


def retire(session: Session, key_id: int) -> TagKey:
    """Stop a key: every tag it signed fails verification from now on."""
    actor = current_actor()
    access.require_role(actor, ONLY_ADMIN)
    key = access.one_visible(session, list_query().where(TagKey.id == key_id), f"tag key {key_id}")
    if key.retired_at is not None:
        raise Conflict(f"tag key {key.number} is already retired")
    key.retired_at = utcnow()
    writes.flush(session)
    audit.record(session, "retire", key, {"retired_at": [None, key.retired_at.isoformat()]})
    return key
