"""The HTTP status of each kind of domain error: one table for every front (API and console)."""

from server.domain import errors

STATUS = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Invalid: 422,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.Throttled: 429,
    errors.Unavailable: 503,
}


def status_of(error: errors.DomainError) -> int:
    """The status an error of this kind answers with."""
    return next(code for kind, code in STATUS.items() if isinstance(error, kind))
