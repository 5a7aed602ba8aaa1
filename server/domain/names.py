"""Display names of people and handhelds by id: what a reader sees beside a bare id."""

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.actor import Actor
from server.domain.models import Device, User


class Named(StrEnum):
    """What kind of thing an id names."""

    PERSON = "person"
    HANDHELD = "handheld"


def lookup(session: Session, actor: Actor, kind: Named, ids: Iterable[int]) -> dict[int, str]:
    """id -> display name for those of ids in the actor's tenant (one query, whatever the count).

    A person is named by their name; a handheld by its label, or its serial when it has none.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    if kind is Named.PERSON:
        stmt = select(User.id, User.name).where(User.id.in_(wanted))
        model = User
    else:
        stmt = select(Device.id, Device.label, Device.serial).where(Device.id.in_(wanted))
        model = Device
    if not actor.is_superuser:
        stmt = stmt.where(model.org_id == actor.org_id)
    if kind is Named.PERSON:
        return {row.id: row.name for row in session.execute(stmt)}
    return {row.id: row.label or row.serial for row in session.execute(stmt)}
