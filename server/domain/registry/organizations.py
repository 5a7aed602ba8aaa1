"""Organizations (tenants) and their first admin."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import Actor, Role, current_actor, reset_actor, set_actor
from server.domain.errors import Forbidden
from server.domain.listing import name_filter
from server.domain.models import Organization, User
from server.domain.registry import passwords
from server.domain.registry.users import check_password
from server.domain.writes import Precondition

SORTABLE = ("name", "created_at", "updated_at")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """All organizations for an operator of the installation, one's own for everyone else."""
    actor = current_actor()
    stmt = select(Organization)
    if not actor.is_superuser:
        stmt = stmt.where(Organization.id == actor.org_id)
    if filters.get("active") is not None:
        stmt = stmt.where(Organization.active == filters["active"])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], Organization.name))
    return stmt


def get(session: Session, org_id: int) -> Organization:
    """One organization the actor may see."""
    return access.one_visible(
        session, list_query({}).where(Organization.id == org_id), f"organization {org_id}"
    )


def create(session: Session, name: str, admin: dict[str, Any] | None = None) -> Organization:
    """Create a tenant, and its first admin when given; only operators of the installation may."""
    operator = current_actor()
    if not operator.is_superuser:
        raise Forbidden("only operators of this installation create organizations")
    org = Organization(name=name)
    session.add(org)
    writes.flush(session)
    # The new tenant's trail names the operator by label only: their user id is another tenant's.
    token = set_actor(Actor(None, org.id, Role.ADMIN, label=operator.label))
    try:
        audit.record(session, "create", org, {"name": [None, name]})
        if admin:
            _create_first_admin(session, org, admin)
    finally:
        reset_actor(token)
    return org


def _create_first_admin(session: Session, org: Organization, admin: dict[str, Any]) -> User:
    check_password(admin["password"])
    user = User(
        org_id=org.id,
        name=admin["name"],
        login=admin["login"].strip().lower(),
        role=Role.ADMIN,
        password_hash=passwords.hash_password(admin["password"]),
        is_superuser=admin.get("is_superuser", False),
    )
    return writes.create(session, user)


def update(
    session: Session, org_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Organization:
    """Rename an organization; only operators deactivate one."""
    actor = current_actor()
    if not actor.is_superuser:
        access.require_role(actor, access.MANAGE_TENANT)
    if "active" in data and not actor.is_superuser:
        raise Forbidden("only operators of this installation deactivate organizations")
    org = get(session, org_id)
    writes.check(precondition, org)
    return writes.update(session, org, data)
