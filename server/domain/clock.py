"""The one source of 'now', replaceable so tests and sweeps can run as of any instant."""

from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime


def _system_now() -> datetime:
    return datetime.now(UTC)


_now: ContextVar[Callable[[], datetime]] = ContextVar("vigil_now", default=_system_now)


def utcnow() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _now.get()()


def set_clock(now: Callable[[], datetime]) -> None:
    """Replace the clock for the current context."""
    _now.set(now)


def reset_clock() -> None:
    """Return to the system clock."""
    _now.set(_system_now)
