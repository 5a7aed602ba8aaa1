"""Logging in: bearer tokens and console sessions, their resolution to an actor, throttling."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from server.domain.actor import Actor
from server.domain.clock import utcnow
from server.domain.errors import Throttled, Unauthenticated
from server.domain.models import (
    ApiToken,
    LoginFailure,
    Organization,
    TokenKind,
    User,
    user_sites,
)
from server.domain.registry import passwords


@dataclass(frozen=True)
class AuthPolicy:
    """Token lifetime and how many failed logins are tolerated per window."""

    token_ttl: timedelta = timedelta(hours=12)
    # Console sessions only: how long one may sit unused before it ends.
    idle: timedelta | None = None
    window: timedelta = timedelta(minutes=15)
    max_failures_per_login: int = 5
    max_failures_per_address: int = 50


@dataclass(frozen=True)
class IssuedToken:
    """A new token; the plain value exists only here and in the response that carries it."""

    token: str
    record: ApiToken


def token_hash(token: str) -> str:
    """Tokens are 256 random bits, so a plain SHA-256 is a safe way to store them."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_throttle(session: Session, login: str, remote_addr: str, policy: AuthPolicy) -> None:
    """Throttled while the login, or the address, has too many recent failures."""
    since = utcnow() - policy.window
    recent = select(func.count()).where(LoginFailure.at >= since)
    by_login = session.scalar(recent.where(LoginFailure.login == login)) or 0
    by_addr = session.scalar(recent.where(LoginFailure.remote_addr == remote_addr)) or 0
    if by_login >= policy.max_failures_per_login or by_addr >= policy.max_failures_per_address:
        raise Throttled(
            "too many failed logins; try again later", int(policy.window.total_seconds())
        )


def record_failure(session: Session, login: str, remote_addr: str, policy: AuthPolicy) -> None:
    """Count a wrong password (the caller commits it, though the request fails)."""
    session.add(LoginFailure(login=login, remote_addr=remote_addr))
    session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - policy.window))
    session.flush()


def login(
    session: Session,
    login: str,
    password: str,
    remote_addr: str,
    policy: AuthPolicy,
    kind: TokenKind = TokenKind.BEARER,
) -> IssuedToken:
    """Exchange a login and password for a new token: a bearer token, or a console session."""
    login = login.strip().lower()
    check_throttle(session, login, remote_addr, policy)
    user = session.scalar(
        select(User)
        .join(Organization, Organization.id == User.org_id)
        .where(User.login == login, User.active, Organization.active)
    )
    if not passwords.verify(user.password_hash if user else None, password) or user is None:
        record_failure(session, login, remote_addr, policy)
        raise Unauthenticated("wrong login or password")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    session.execute(delete(LoginFailure).where(LoginFailure.login == login))
    plain = secrets.token_urlsafe(32)
    now = utcnow()
    record = ApiToken(
        user=user,
        token_hash=token_hash(plain),
        kind=kind,
        last_used_at=now,
        expires_at=now + policy.token_ttl,
    )
    session.add(record)
    session.flush()
    return IssuedToken(plain, record)


# Every authenticated request runs this: one statement, built once, one row per site of the
# user. Building it anew and reading the sites separately cost more than the view's own work.
_ACTOR = (
    select(
        ApiToken.id.label("token_id"),
        ApiToken.last_used_at,
        User.id,
        User.org_id,
        User.role,
        User.is_superuser,
        User.name,
        User.login,
        user_sites.c.site_id,
    )
    .join(User, User.id == ApiToken.user_id)
    .join(Organization, Organization.id == User.org_id)
    .outerjoin(user_sites, user_sites.c.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.kind == bindparam("kind", type_=ApiToken.kind.type),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > bindparam("now", type_=ApiToken.expires_at.type),
        User.active,
        Organization.active,
    )
)


@dataclass(frozen=True)
class Resolved:
    """A live token: its id, when it was last used, and who acts through it."""

    token_id: int
    last_used_at: datetime | None
    actor: Actor


def resolve(
    session: Session,
    token: str,
    kind: TokenKind = TokenKind.BEARER,
    idle: timedelta | None = None,
) -> Resolved:
    """The live token of this kind and its actor, or Unauthenticated (idle too long counts)."""
    # On the connection: nothing is pending in the session yet, so there is nothing to flush.
    now = utcnow()
    params = {"token_hash": token_hash(token), "now": now, "kind": kind}
    rows = session.connection().execute(_ACTOR, params).all()
    if not rows:
        raise Unauthenticated("invalid, expired or revoked token")
    user = rows[0]
    if idle is not None and (user.last_used_at is None or user.last_used_at < now - idle):
        raise Unauthenticated("the session ended after a spell of inactivity")
    actor = Actor(
        user_id=user.id,
        org_id=user.org_id,
        role=user.role,
        site_ids=frozenset(r.site_id for r in rows if r.site_id is not None),
        is_superuser=user.is_superuser,
        label=f"{user.name} ({user.login})",
    )
    return Resolved(user.token_id, user.last_used_at, actor)


def touch(session: Session, token_id: int) -> None:
    """A console session was used now: its idle timeout starts again."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))


def revoke(session: Session, token_id: int) -> None:
    """Log out: the token stops working at once."""
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=utcnow()))


def revoke_all(session: Session, user_id: int, except_token_id: int | None = None) -> None:
    """Revoke every live token of a user (deactivated, or password changed)."""
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.user_id == user_id,
            ApiToken.revoked_at.is_(None),
            ApiToken.id != (except_token_id or -1),
        )
        .values(revoked_at=utcnow())
    )
