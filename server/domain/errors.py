"""The one exception tree of the domain; the API maps each kind to an HTTP status."""

from typing import Any


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class NotFound(DomainError):
    """The object does not exist, or the actor may not know it exists."""


class Conflict(DomainError):
    """The change clashes with existing data (a duplicate code, the last admin)."""


class Invalid(DomainError):
    """The input is well-formed but breaks a domain rule."""


class WrongPassword(Invalid):
    """A password given to confirm a change does not match; it counts as a failed login."""


class Unauthenticated(DomainError):
    """No valid credentials."""


class Forbidden(DomainError):
    """Authenticated, but the role does not allow this."""


class Throttled(DomainError):
    """Too many attempts; retry after the given number of seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency (the database) is not answering."""
