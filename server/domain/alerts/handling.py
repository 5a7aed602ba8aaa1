"""What people do with alerts: list and read them, acknowledge, resolve with a note, reopen."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, select
from sqlalchemy.orm import Session

from server.domain import access, audit, photos
from server.domain.actor import current_actor
from server.domain.alerts.lifecycle import entry
from server.domain.clock import utcnow
from server.domain.errors import Conflict, DomainError, Invalid, NotFound
from server.domain.models import Alert, AlertSeverity, AlertState

# Severity sorts by urgency, not by its name: '-severity' puts critical first.
SEVERITY_RANK = case({s: s.rank for s in AlertSeverity}, value=Alert.severity, else_=-1)
SORTABLE = {
    "raised_at": Alert.raised_at,
    "updated_at": Alert.updated_at,
    "severity": SEVERITY_RANK,
    "kind": Alert.kind,
    "state": Alert.state,
}


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Alerts on the current actor's sites, filtered."""
    actor = current_actor()
    access.require_role(actor, access.HANDLE_ALERTS)
    stmt = access.scoped(select(Alert), Alert, actor)
    for name in ("site_id", "kind", "severity", "state", "round_id", "checkpoint_id", "asset_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(Alert, name) == filters[name])
    if filters.get("since") is not None:
        stmt = stmt.where(Alert.raised_at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(Alert.raised_at < filters["until"])
    return stmt


def get(session: Session, alert_id: int) -> Alert:
    """One alert on the current actor's sites."""
    actor = current_actor()
    access.require_role(actor, access.HANDLE_ALERTS)
    return access.get_scoped(session, Alert, alert_id, actor)


def acknowledge(session: Session, alert_id: int, note: str) -> Alert:
    """Someone has seen it and is on it."""
    alert = get(session, alert_id)
    if alert.state is not AlertState.OPEN:
        raise Conflict(f"alert {alert_id} is {alert.state.value}, not open")
    return _act(session, alert, "acknowledged", note, AlertState.ACKNOWLEDGED)


@dataclass(frozen=True)
class Outcome:
    """What became of one alert of a batch: done, or why not."""

    alert_id: int
    done: bool
    reason: str = ""


def acknowledge_many(session: Session, alert_ids: list[int], note: str) -> list[Outcome]:
    """Acknowledge each alert; one that cannot be (resolved meanwhile, not visible) costs the
    others nothing: each runs in its own savepoint."""
    outcomes = []
    for alert_id in dict.fromkeys(alert_ids):
        try:
            with session.begin_nested():
                acknowledge(session, alert_id, note)
        except DomainError as error:
            outcomes.append(Outcome(alert_id, False, error.message))
        else:
            outcomes.append(Outcome(alert_id, True))
    return outcomes


def resolve(session: Session, alert_id: int, note: str, photo: str | None = None) -> Alert:
    """Close the loop: what was done about it (the rectification), optionally with a photo."""
    alert = get(session, alert_id)
    if alert.state is AlertState.RESOLVED:
        raise Conflict(f"alert {alert_id} is already resolved")
    if alert.awaiting_reading:
        raise Conflict(f"alert {alert_id} is rectified and waits for a reading back within bounds")
    if not note.strip():
        raise Invalid("a rectification note is required", {"note": ["say what was done"]})
    if photo is not None:
        try:  # one the resolver may see: naming a hash must not reach another site's photo
            photos.get_visible(session, photo)
        except NotFound:
            raise Invalid(
                f"photo {photo} not uploaded", {"photo": ["upload the photo first"]}
            ) from None
    closed: dict[str, Any] = {"resolution": note, "resolution_photo": photo}
    closed["resolved_by"] = current_actor().user_id
    if alert.evidence.get("follow_up"):
        # The item asks for proof: the alert closes when a reading back within bounds arrives.
        closed["awaiting_reading"] = True
        return _act(session, alert, "rectified", note, AlertState.ACKNOWLEDGED, closed)
    closed["resolved_at"] = utcnow()
    return _act(session, alert, "resolved", note, AlertState.RESOLVED, closed)


def reopen(session: Session, alert_id: int, note: str) -> Alert:
    """The fix did not hold: open it again."""
    alert = get(session, alert_id)
    if alert.state is not AlertState.RESOLVED and not alert.awaiting_reading:
        raise Conflict(f"alert {alert_id} is not resolved")
    cleared: dict[str, Any] = dict.fromkeys(
        ("resolved_at", "resolved_by", "resolution", "resolution_photo")
    )
    cleared["awaiting_reading"] = False
    return _act(session, alert, "reopened", note, AlertState.OPEN, cleared)


def _act(
    session: Session,
    alert: Alert,
    action: str,
    note: str,
    state: AlertState,
    fields: dict[str, Any] | None = None,
) -> Alert:
    before = audit.snapshot(alert)
    now = utcnow()
    for name, value in (fields or {}).items():
        setattr(alert, name, value)
    alert.state, alert.updated_at = state, now
    entry(alert, now, action, note, current_actor().user_id)
    changes = audit.diff(before, audit.snapshot(alert))
    if note:
        changes["note"] = [None, note]
    audit.record(session, action, alert, changes)
    session.flush()
    return alert
