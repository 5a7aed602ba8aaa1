"""How each person is told: their e-mail address, language, quiet hours and daily digest.

Everyone manages their own; an admin may set anyone's in the organization.
"""

from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import Role, current_actor
from server.domain.errors import Invalid
from server.domain.models import NotifyPreference, User
from server.domain.registry.sites import check_timezone

FIELDS = ("email", "language", "timezone", "quiet_start", "quiet_end", "digest", "digest_at")
LANGUAGES = ("zh", "en")


def require_reach(user_id: int) -> None:
    """Refuse (Forbidden) anyone but the person and admins, before anything else is read."""
    actor = current_actor()
    if user_id != actor.user_id and actor.role is not Role.ADMIN:
        access.require_role(actor, access.MANAGE_NOTIFY)


def _person(session: Session, user_id: int) -> User:
    """The person whose preferences these are: oneself, or (for an admin) anyone of the tenant."""
    require_reach(user_id)
    actor = current_actor()
    stmt = select(User).where(User.org_id == actor.org_id, User.id == user_id)
    return access.one_visible(session, stmt, f"user {user_id}")


def get(session: Session, user_id: int) -> NotifyPreference:
    """The person's preferences; the defaults (not stored) when they have set none."""
    user = _person(session, user_id)
    found = session.get(NotifyPreference, user.id)
    if found is not None:
        return found
    timezone = user.sites[0].timezone if user.sites else "Asia/Shanghai"
    return NotifyPreference(
        org_id=user.org_id,
        user_id=user.id,
        email=None,
        language="zh",
        timezone=timezone,
        quiet_start=None,
        quiet_end=None,
        digest=True,
        digest_at=time(8, 0),
    )


def put(session: Session, user_id: int, data: dict[str, Any]) -> NotifyPreference:
    """Set the person's preferences (the fields given; the rest keep their values)."""
    current = get(session, user_id)
    changes = {k: v for k, v in data.items() if k in FIELDS}
    if isinstance(changes.get("email"), str):
        changes["email"] = changes["email"].strip() or None
    _check({k: getattr(current, k) for k in FIELDS} | changes)
    if current in session:
        return writes.update(session, current, changes)
    for key, value in changes.items():
        setattr(current, key, value)
    return writes.create(session, current)


def _check(values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    email = values.get("email")
    if email is not None and (
        len(email) > 254 or email.count("@") != 1 or any(c.isspace() for c in email)
    ):
        errors["email"] = ["an e-mail address such as duty@example.com"]
    if values.get("language") not in LANGUAGES:
        errors["language"] = ["zh or en"]
    try:
        check_timezone(values.get("timezone") or "")
    except Invalid as error:
        errors["timezone"] = (error.errors or {}).get("timezone", ["an IANA timezone"])
    if (values.get("quiet_start") is None) != (values.get("quiet_end") is None):
        errors["quiet_end"] = ["quiet hours need a start and an end, or neither"]
    if errors:
        raise Invalid("these notification preferences cannot be used", errors)
