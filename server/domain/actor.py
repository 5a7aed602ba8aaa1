"""Who is acting: set once per request (or CLI command) and read by services and the audit trail."""

import enum
from contextvars import ContextVar
from dataclasses import dataclass, field


class Role(enum.StrEnum):
    """A user's role inside an organization."""

    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    GUARD = "guard"
    ENGINEER = "engineer"


@dataclass(frozen=True)
class Actor:
    """An authenticated user as the domain sees it."""

    user_id: int | None
    org_id: int
    role: Role
    site_ids: frozenset[int] = field(default_factory=frozenset)
    is_superuser: bool = False
    label: str = ""

    @property
    def all_sites(self) -> bool:
        """Admins work on every site of their organization."""
        return self.role is Role.ADMIN


_current: ContextVar[Actor | None] = ContextVar("vigil_actor", default=None)


def current_actor() -> Actor:
    """The actor of the current request; a missing one is a programming error."""
    actor = _current.get()
    if actor is None:
        raise RuntimeError("no actor set for this context")
    return actor


def set_actor(actor: Actor | None) -> object:
    """Set the actor and return a token for reset_actor."""
    return _current.set(actor)


def reset_actor(token: object) -> None:
    """Restore the actor that was set before set_actor."""
    _current.reset(token)  # type: ignore[arg-type]


_request_id: ContextVar[str | None] = ContextVar("vigil_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served, for logs and the audit trail."""
    return _request_id.get()


def set_request_id(request_id: str | None) -> object:
    """Set the request id and return a token to restore the previous one."""
    return _request_id.set(request_id)
