"""People: who they are, their role and the sites they work on."""

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import Role, current_actor
from server.domain.errors import Conflict, Invalid, WrongPassword
from server.domain.listing import name_filter
from server.domain.models import PersonTag, PhysicalTagKind, User, user_sites
from server.domain.registry import auth, passwords, sites
from server.domain.registry.checkpoints import normalise_uid
from server.domain.writes import Precondition

SORTABLE = ("name", "login", "role", "created_at", "updated_at")
MIN_PASSWORD_LENGTH = 10


def check_password(password: str) -> None:
    """A minimum length; argon2 makes guessing slow, length makes it hopeless."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "password too short", {"password": [f"at least {MIN_PASSWORD_LENGTH} characters"]}
        )


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Users the current actor may see: all for admins, those sharing a site for supervisors."""
    actor = current_actor()
    access.require_role(actor, access.READ_PEOPLE)
    stmt = select(User).where(User.org_id == actor.org_id)
    if not actor.all_sites:
        shared = select(user_sites.c.user_id).where(user_sites.c.site_id.in_(actor.site_ids))
        stmt = stmt.where(User.id.in_(shared))
    if filters.get("site_id") is not None:
        on_site = select(user_sites.c.user_id).where(user_sites.c.site_id == filters["site_id"])
        stmt = stmt.where(User.id.in_(on_site))
    for field in ("role", "active"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(User, field) == filters[field])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], User.name, User.login))
    return stmt


def get(session: Session, user_id: int) -> User:
    """One user the current actor may see."""
    return access.one_visible(session, list_query({}).where(User.id == user_id), f"user {user_id}")


def _person_tags(org_id: int, raw: list[dict[str, str]]) -> list[PersonTag]:
    unique = {(PhysicalTagKind(t["kind"]), normalise_uid(t["uid"])) for t in raw}
    return [PersonTag(org_id=org_id, kind=kind, uid=uid) for kind, uid in sorted(unique)]


def _tag_list(user: User) -> list[str]:
    return [f"{t.kind.value}:{t.uid}" for t in user.person_tags]


def _site_ids(user: User) -> list[int]:
    return [s.id for s in user.sites]


def create(session: Session, data: dict[str, Any]) -> User:
    """Add a user to the actor's organization."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_USERS)
    data = dict(data)
    check_password(password := data.pop("password"))
    assigned = sites.sites_for_assignment(session, actor, data.pop("site_ids", []))
    person_tags = _person_tags(actor.org_id, data.pop("person_tags", []))
    user = User(
        org_id=actor.org_id,
        password_hash=passwords.hash_password(password),
        **{**data, "login": data["login"].strip().lower()},
    )
    user.sites = assigned
    user.person_tags = person_tags
    extra = {"site_ids": _site_ids(user)} if assigned else {}
    if person_tags:
        extra["person_tags"] = _tag_list(user)
    return writes.create(session, user, extra or None)


def _admins_left(session: Session, org_id: int, excluding: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                User.org_id == org_id, User.role == Role.ADMIN, User.active, User.id != excluding
            )
        )
        or 0
    )


def update(
    session: Session, user_id: int, data: dict[str, Any], precondition: Precondition = None
) -> User:
    """Change a user's details, role, sites or password, or deactivate them."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_USERS)
    user = get(session, user_id)
    writes.check(precondition, user)
    data = dict(data)
    extra: dict[str, list[Any]] = {}
    stays_admin = data.get("role", user.role) == Role.ADMIN and data.get("active", user.active)
    if (
        user.role == Role.ADMIN
        and not stays_admin
        and not _admins_left(session, user.org_id, user.id)
    ):
        raise Conflict("an organization keeps at least one active admin")
    if "site_ids" in data:
        before = _site_ids(user)
        user.sites = sites.sites_for_assignment(session, actor, data.pop("site_ids"))
        if sorted(before) != sorted(_site_ids(user)):
            extra["site_ids"] = [before, _site_ids(user)]
    if "person_tags" in data:
        before = _tag_list(user)
        wanted = _person_tags(user.org_id, data.pop("person_tags"))
        user.person_tags = []
        writes.flush(session)  # old buttons go before the same ids come back
        user.person_tags = wanted
        if sorted(before) != sorted(_tag_list(user)):
            extra["person_tags"] = [before, _tag_list(user)]
    if "password" in data:
        check_password(password := data.pop("password"))
        user.password_hash = passwords.hash_password(password)
        auth.revoke_all(session, user.id)
        extra["password"] = ["(hidden)", "(changed)"]
    if "login" in data:
        data["login"] = data["login"].strip().lower()
    writes.update(session, user, data, extra)
    if not user.active:
        auth.revoke_all(session, user.id)
    return user


def change_own_password(
    session: Session,
    current: str,
    new: str,
    keep_token_id: int,
    remote_addr: str,
    policy: auth.AuthPolicy,
) -> None:
    """The actor changes their own password; their other sessions end, this one stays.

    A wrong current password counts as a failed login: a stolen token must not become a way to
    guess the password, unthrottled.
    """
    user = session.get_one(User, current_actor().user_id)
    auth.check_throttle(session, user.login, remote_addr, policy)
    if not passwords.verify(user.password_hash, current):
        auth.record_failure(session, user.login, remote_addr, policy)
        raise WrongPassword("current password is wrong", {"current_password": ["does not match"]})
    check_password(new)
    user.password_hash = passwords.hash_password(new)
    auth.revoke_all(session, user.id, except_token_id=keep_token_id)
    writes.flush(session)
    audit.record(session, "update", user, {"password": ["(hidden)", "(changed)"]})
