"""The alert lifecycle: raised once per problem, acknowledged, resolved with a note."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, inspect, select
from sqlalchemy.orm import Session, lazyload, object_session

from server.db import insert_new_only
from server.domain import access, audit
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Conflict, Invalid
from server.domain.models import Alert, AlertEntry, AlertSeverity, AlertState, Photo

SORTABLE = ("raised_at", "updated_at", "severity", "kind", "state")


@dataclass
class Finding:
    """A problem an evaluator found: the key names it, so finding it again finds the same alert."""

    key: str
    kind: str
    severity: AlertSeverity
    title: str
    site_id: int
    evidence: dict[str, Any] = field(default_factory=dict)
    round_id: int | None = None
    checkpoint_id: int | None = None
    device_id: int | None = None
    user_id: int | None = None
    event_id: int | None = None
    asset_id: int | None = None
    subject: str | None = None  # what a lasting problem is about (see Alert.subject)


def raise_new(session: Session, org_id: int, finding: Finding) -> Alert:
    """An alert for a problem found for the first time under a key no one else can make."""
    now = utcnow()
    alert = Alert(org_id=org_id, **_columns(finding, now))
    session.add(alert)
    session.flush()
    _entry(alert, now, "raised", "", None)
    audit.record(session, "raise", alert, {"title": [None, alert.title]})
    return alert


def update(session: Session, alert: Alert, finding: Finding) -> None:
    """The problem is found again: keep its alert current (a closed one stays closed)."""
    if alert.state is AlertState.RESOLVED:
        return
    if alert.severity != finding.severity or alert.evidence != finding.evidence:
        _change(session, alert, utcnow(), "updated", "", finding)


def raise_or_update(session: Session, org_id: int, finding: Finding) -> Alert:
    """The alert for this finding: created once, then kept current (never a second alert)."""
    now = utcnow()
    alert = _by_key(session, org_id, finding.key)
    if alert is None:
        alert = _insert(session, org_id, finding, now)
        if alert is not None:
            return alert
        alert = _by_key(session, org_id, finding.key)  # a concurrent evaluator raised it first
        assert alert is not None
    if alert.state is AlertState.RESOLVED and alert.resolved_by is None:
        # Closed automatically, yet the problem is back: the same alert opens again.
        _change(session, alert, now, "reopened", "found again", finding, state=AlertState.OPEN)
    else:
        update(session, alert, finding)
    return alert


def clear(session: Session, org_id: int, key: str, note: str) -> Alert | None:
    """Resolve the alert for key automatically, saying why; a no-op when none is open."""
    alert = _by_key(session, org_id, key)
    if alert is None or alert.state is AlertState.RESOLVED:
        return alert
    now = utcnow()
    before = audit.snapshot(alert)
    alert.state, alert.resolved_at, alert.resolution = AlertState.RESOLVED, now, note
    alert.updated_at = now
    _entry(alert, now, "auto_resolved", note, None)
    audit.record(session, "auto_resolve", alert, audit.diff(before, audit.snapshot(alert)))
    return alert


def back_to_normal(
    session: Session, alert: Alert, record_id: int, at: datetime, value: Any
) -> None:
    """A later record no longer shows the problem: a rectified alert closes, others note it."""
    now = utcnow()
    reading = {"record_id": record_id, "at": at.isoformat(), "value": value}
    if not alert.awaiting_reading and "back_to_normal" in alert.evidence:
        return  # noted once; the problem coming back replaces the evidence and notes again
    before = audit.snapshot(alert)
    if alert.awaiting_reading:
        note = f"follow-up reading back within bounds at {at.isoformat()} (record {record_id})"
        alert.state, alert.resolved_at, alert.awaiting_reading = AlertState.RESOLVED, now, False
        action = "follow_up_ok"
    else:
        # Back within bounds, but no one has said what was done: the loop stays open.
        note = f"back within bounds at {at.isoformat()} (record {record_id})"
        action = "updated"
    alert.evidence = {**alert.evidence, "back_to_normal": reading}
    alert.updated_at = now
    _entry(alert, now, action, note, None)
    audit.record(session, action, alert, audit.diff(before, audit.snapshot(alert)))


def follow_up_failed(session: Session, alert: Alert, finding: Finding) -> None:
    """The reading after a rectification is still out of bounds: the alert opens again."""
    now = utcnow()
    before = audit.snapshot(alert)
    alert.severity, alert.evidence, alert.title = finding.severity, finding.evidence, finding.title
    alert.state, alert.awaiting_reading = AlertState.OPEN, False
    alert.resolved_by = alert.resolution_photo = alert.resolution = None
    alert.updated_at = now
    _entry(alert, now, "reopened", "still out of bounds after the rectification", None)
    audit.record(session, "reopened", alert, audit.diff(before, audit.snapshot(alert)))


def _by_key(session: Session, org_id: int, key: str) -> Alert | None:
    # The evaluator only adds to an alert's history; it need not read it first.
    stmt = select(Alert).options(lazyload(Alert.history))
    return session.scalar(stmt.where(Alert.org_id == org_id, Alert.key == key))


def _columns(finding: Finding, now: datetime) -> dict[str, Any]:
    return {
        "key": finding.key,
        "subject": finding.subject,
        "kind": finding.kind,
        "severity": finding.severity,
        "state": AlertState.OPEN,
        "title": finding.title,
        "site_id": finding.site_id,
        "round_id": finding.round_id,
        "checkpoint_id": finding.checkpoint_id,
        "device_id": finding.device_id,
        "user_id": finding.user_id,
        "event_id": finding.event_id,
        "asset_id": finding.asset_id,
        "evidence": finding.evidence,
        "raised_at": now,
        "updated_at": now,
    }


def _insert(session: Session, org_id: int, finding: Finding, now: datetime) -> Alert | None:
    values = {"org_id": org_id, **_columns(finding, now)}
    # Two evaluators may find the same problem at once: the unique key lets one row in.
    stmt = insert_new_only(session, Alert, "org_id", "key").values(values).returning(Alert.id)
    alert_id = session.scalar(stmt)
    if alert_id is None:
        return None
    alert = session.scalars(
        select(Alert).options(lazyload(Alert.history)).where(Alert.id == alert_id)
    ).one()
    _entry(alert, now, "raised", "", None)
    audit.record(session, "raise", alert, {"title": [None, alert.title]})
    return alert


def _entry(alert: Alert, now: datetime, action: str, note: str, user_id: int | None) -> None:
    entry = AlertEntry(
        at=now,
        action=action,
        user_id=user_id,
        note=note,
        severity=alert.severity,
        evidence=alert.evidence,
    )
    if "history" in inspect(alert).unloaded:
        # Not read in this session: add the line without loading the rest.
        entry.alert_id = alert.id
        object_session(alert).add(entry)  # type: ignore[union-attr]
    else:
        alert.history.append(entry)


def _change(
    session: Session,
    alert: Alert,
    now: datetime,
    action: str,
    note: str,
    finding: Finding,
    state: AlertState | None = None,
) -> None:
    before = audit.snapshot(alert)
    alert.severity, alert.evidence, alert.title = finding.severity, finding.evidence, finding.title
    alert.updated_at = now
    if state is not None:
        alert.state, alert.resolved_at, alert.resolution = state, None, None
    _entry(alert, now, action, note, None)
    audit.record(session, action, alert, audit.diff(before, audit.snapshot(alert)))


# What people do with alerts (the API's side).


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


def acknowledge(session: Session, alert_id: int, comment: str) -> Alert:
    """Someone has seen it and is on it."""
    alert = get(session, alert_id)
    if alert.state is not AlertState.OPEN:
        raise Conflict(f"alert {alert_id} is {alert.state.value}, not open")
    return _act(session, alert, "acknowledged", comment, AlertState.ACKNOWLEDGED)


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
        known = session.scalar(
            select(Photo.id).where(Photo.org_id == alert.org_id, Photo.sha256 == photo)
        )
        if known is None:
            raise Invalid("photo not uploaded", {"photo": ["upload the photo first"]})
    closed: dict[str, Any] = {"resolution": note, "resolution_photo": photo}
    closed["resolved_by"] = current_actor().user_id
    if alert.evidence.get("follow_up"):
        # The item asks for proof: the alert closes when a reading back within bounds arrives.
        closed["awaiting_reading"] = True
        return _act(session, alert, "rectified", note, AlertState.ACKNOWLEDGED, closed)
    closed["resolved_at"] = utcnow()
    return _act(session, alert, "resolved", note, AlertState.RESOLVED, closed)


def reopen(session: Session, alert_id: int, comment: str) -> Alert:
    """The fix did not hold: open it again."""
    alert = get(session, alert_id)
    if alert.state is not AlertState.RESOLVED and not alert.awaiting_reading:
        raise Conflict(f"alert {alert_id} is not resolved")
    cleared: dict[str, Any] = dict.fromkeys(
        ("resolved_at", "resolved_by", "resolution", "resolution_photo")
    )
    cleared["awaiting_reading"] = False
    return _act(session, alert, "reopened", comment, AlertState.OPEN, cleared)


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
    _entry(alert, now, action, note, current_actor().user_id)
    changes = audit.diff(before, audit.snapshot(alert))
    if note:
        changes["note"] = [None, note]
    audit.record(session, action, alert, changes)
    session.flush()
    return alert
