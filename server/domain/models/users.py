"""People who log in, their tokens (API and console) and failed login attempts."""

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, str_enum
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models.checkpoints import Chip
from server.domain.models.mixins import Registry, Tenanted
from server.domain.models.tenancy import Site

user_sites = Table(
    "user_sites",
    Base.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("site_id", ForeignKey("sites.id"), primary_key=True),
)


class User(Registry, Tenanted, Base):
    """A guard, engineer, supervisor or admin."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(200))
    # Stored lower-case: logins are unique across tenants because login names no tenant.
    login: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, 20))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Operates the Vigil installation: may create and deactivate organizations.
    is_superuser: Mapped[bool] = mapped_column(default=False)

    sites: Mapped[list[Site]] = relationship(
        secondary=user_sites, order_by=Site.id, lazy="selectin"
    )

    person_tags: Mapped[list["PersonTag"]] = relationship(
        cascade="all, delete-orphan", order_by="PersonTag.id", lazy="selectin"
    )

    @property
    def site_ids(self) -> list[int]:
        """Ids of the sites assigned."""
        return [site.id for site in self.sites]


class TokenKind(enum.StrEnum):
    """Where a login's token is used: as an API bearer token, or as a console session cookie."""

    BEARER = "bearer"
    CONSOLE = "console"


class ApiToken(Base):
    """An opaque login token (API bearer or console session); only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A console cookie never opens the API, nor a bearer token the console.
    kind: Mapped[TokenKind] = mapped_column(
        str_enum(TokenKind, 16), default=TokenKind.BEARER, server_default=TokenKind.BEARER.value
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Console sessions end after a spell of idleness; this is when one was last used.
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class LoginFailure(Base):
    """One failed login, kept for the throttling window."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), index=True)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PersonTag(Chip, Base):
    """A guard's own button or card: on a classic wand, reads after it are theirs."""

    __tablename__ = "person_tags"
    __table_args__ = (UniqueConstraint("org_id", "kind", "uid"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
