"""Authorization: who may do what, on which tenant and which sites."""

import re
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain.actor import Actor, Role
from server.domain.errors import Forbidden, NotFound

T = TypeVar("T")

# Read access to the registry is open to every role within its sites; writes are not.
MANAGE_TENANT = frozenset({Role.ADMIN})
MANAGE_SITES = frozenset({Role.ADMIN})
MANAGE_REGISTRY = frozenset({Role.ADMIN, Role.SUPERVISOR})
READ_PEOPLE = frozenset({Role.ADMIN, Role.SUPERVISOR})
MANAGE_USERS = frozenset({Role.ADMIN})
MANAGE_DEVICES = frozenset({Role.ADMIN, Role.SUPERVISOR})
READ_AUDIT = frozenset({Role.ADMIN, Role.SUPERVISOR})
HANDLE_ALERTS = frozenset({Role.ADMIN, Role.SUPERVISOR})
# Where the tenant's alerts are announced: webhooks and group robots, with their secrets.
MANAGE_NOTIFY = frozenset({Role.ADMIN})
# The scan log: what handhelds reported, as evidence behind alerts.
READ_EVENTS = frozenset({Role.ADMIN, Role.SUPERVISOR})
# Reports: asking for them, reading and downloading them.
READ_REPORTS = frozenset({Role.ADMIN, Role.SUPERVISOR})
# The supervisor console's pages: the daily review of rounds, alerts and plant.
CONSOLE = frozenset({Role.ADMIN, Role.SUPERVISOR})


def require_role(actor: Actor, allowed: frozenset[Role]) -> None:
    """Refuse an actor whose role is not in allowed."""
    if actor.role not in allowed:
        raise Forbidden(f"role '{actor.role}' may not do this")


def scoped(stmt: Select[Any], model: Any, actor: Actor) -> Select[Any]:
    """Limit a query on a site-bound model to the actor's tenant and sites."""
    stmt = stmt.where(model.org_id == actor.org_id)
    if not actor.all_sites:
        stmt = stmt.where(model.site_id.in_(actor.site_ids))
    return stmt


def one_visible(session: Session, stmt: Select[Any], what: str) -> Any:
    """The one row a scoped query finds, or NotFound: hidden and absent look the same."""
    obj = session.scalar(stmt)
    if obj is None:
        raise NotFound(f"{what} not found")
    return obj


def get_scoped(session: Session, model: type[T], object_id: int, actor: Actor) -> T:
    """Fetch a site-bound object the actor may see, or raise NotFound (never leak existence)."""
    stmt = scoped(select(model), model, actor).where(model.id == object_id)  # type: ignore[attr-defined]
    return one_visible(session, stmt, f"{noun(model)} {object_id}")


def noun(model: type) -> str:
    """What users call a model's rows: PatrolRoute -> "patrol route", Round -> "round"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
