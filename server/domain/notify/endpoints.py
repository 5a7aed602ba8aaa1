"""Managing where alerts are announced: webhooks and group robots, admins only.

Secrets sign what is sent, so they are stored as given; the audit trail never holds them.
"""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import current_actor
from server.domain.errors import Invalid
from server.domain.listing import name_filter
from server.domain.models import AlertSeverity, EndpointKind, NotifyEndpoint, Site

MAX_SECRETS = 2  # the current key and, while a rotation overlaps, the one before
LANGUAGES = ("zh", "en")
FIELDS = ("site_id", "name", "kind", "url", "secrets", "min_severity", "language")
SORTABLE = ("name", "kind", "created_at")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """The actor's tenant's endpoints (admin): by name or inactive ones when asked."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    stmt = select(NotifyEndpoint).where(NotifyEndpoint.org_id == actor.org_id)
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], NotifyEndpoint.name))
    if filters.get("active") is not None:
        stmt = stmt.where(NotifyEndpoint.active == filters["active"])
    return stmt


def get(session: Session, endpoint_id: int) -> NotifyEndpoint:
    """One endpoint of the actor's tenant, for an admin."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    stmt = select(NotifyEndpoint).where(
        NotifyEndpoint.org_id == actor.org_id, NotifyEndpoint.id == endpoint_id
    )
    return access.one_visible(session, stmt, f"notify endpoint {endpoint_id}")


def create(session: Session, data: dict[str, Any]) -> NotifyEndpoint:
    """Add an endpoint to the actor's tenant."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    endpoint = NotifyEndpoint(org_id=actor.org_id, **{k: v for k, v in data.items() if k in FIELDS})
    _check(session, endpoint)
    return writes.create(session, endpoint, _secrets_noted(endpoint.secrets))


def update(
    session: Session,
    endpoint_id: int,
    data: dict[str, Any],
    precondition: writes.Precondition = None,
) -> NotifyEndpoint:
    """Change an endpoint's settings; secrets given here replace the old ones."""
    endpoint = get(session, endpoint_id)
    writes.check(precondition, endpoint)
    changes = {k: v for k, v in data.items() if k in FIELDS}
    current = {k: getattr(endpoint, k) for k in FIELDS}
    _check(session, NotifyEndpoint(org_id=endpoint.org_id, **(current | changes)))
    extra = _secrets_noted(changes["secrets"]) if "secrets" in changes else None
    return writes.update(session, endpoint, changes, extra)


def rotate_secret(session: Session, endpoint_id: int, secret: str) -> NotifyEndpoint:
    """Add a new signing key beside the newest old one: receivers verify with either."""
    endpoint = get(session, endpoint_id)
    endpoint.secrets = [*endpoint.secrets, secret][-MAX_SECRETS:]
    _check(session, endpoint)
    writes.flush(session)
    audit.record(session, "rotate_secret", endpoint, {"secrets": ["…", "…"]})
    return endpoint


def deactivate(session: Session, endpoint_id: int) -> NotifyEndpoint:
    """Stop announcing at an endpoint (its log stays); nothing new is planned for it."""
    return writes.update(session, get(session, endpoint_id), {"active": False})


def _secrets_noted(secrets: list[str] | None) -> dict[str, list[Any]]:
    # That the keys changed is worth a line; what they are never is.
    return {"secrets": [None, f"{len(secrets or [])} set"]}


def _check(session: Session, endpoint: NotifyEndpoint) -> None:
    """What the channels need: a web URL, a known kind and language, the keys it signs with."""
    errors: dict[str, list[str]] = {}
    if not endpoint.url.startswith(("https://", "http://")) or len(endpoint.url) > 2000:
        errors["url"] = ["an http(s) URL of at most 2000 characters"]
    if endpoint.kind not in set(EndpointKind):
        errors["kind"] = [f"one of {', '.join(EndpointKind)}"]
    if endpoint.min_severity is not None and endpoint.min_severity not in set(AlertSeverity):
        errors["min_severity"] = [f"one of {', '.join(AlertSeverity)}"]
    if (endpoint.language or "zh") not in LANGUAGES:
        errors["language"] = ["zh or en"]
    secrets = endpoint.secrets or []
    least = 1 if endpoint.kind == EndpointKind.WEBHOOK else 0
    if not least <= len(secrets) <= MAX_SECRETS or not all(
        isinstance(s, str) and s for s in secrets
    ):
        errors["secrets"] = [f"{least} to {MAX_SECRETS} non-empty keys"]
    if endpoint.site_id is not None and (
        session.scalar(
            select(Site.id).where(Site.id == endpoint.site_id, Site.org_id == endpoint.org_id)
        )
        is None
    ):
        errors["site_id"] = ["no such site"]
    if errors:
        raise Invalid("this endpoint cannot be used", errors)
