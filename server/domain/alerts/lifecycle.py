"""The alert lifecycle as evaluators drive it: raised once per problem, kept current, closed.

What people do with alerts (acknowledge, resolve, reopen) is in handling.py.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, lazyload, object_session

from server.db import insert_new_only
from server.domain import audit
from server.domain.alerts.kinds import KINDS, AlertKey, AlertKind
from server.domain.alerts.titles import render
from server.domain.clock import utcnow
from server.domain.models import Alert, AlertEntry, AlertSeverity, AlertState

TITLE_MAX = 500  # the column's length
# Changes people are told of (notify.outbox plans them); an update only when severity rises.
NOTIFY_ACTIONS = frozenset({"raised", "reopened", "auto_resolved"})


@dataclass
class Finding:
    """A problem an evaluator found: the key names it, so finding it again finds the same alert.

    The title is told by the kind's table from title_args; severity defaults to the kind's.
    """

    key: AlertKey
    title_args: dict[str, Any]
    site_id: int
    severity: AlertSeverity | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    round_id: int | None = None
    checkpoint_id: int | None = None
    device_id: int | None = None
    user_id: int | None = None
    event_id: int | None = None
    asset_id: int | None = None
    # What it was found from, when more than the one event and handheld above.
    event_ids: list[int] = field(default_factory=list)
    device_ids: list[int] = field(default_factory=list)
    previous_id: int | None = None  # the same problem's earlier alert (an earlier episode)

    def __post_init__(self) -> None:
        if self.severity is None:
            self.severity = KINDS[self.key.kind].severity
        if self.event_id is not None and self.event_id not in self.event_ids:
            self.event_ids = [*self.event_ids, self.event_id]
        if self.device_id is not None and self.device_id not in self.device_ids:
            self.device_ids = [*self.device_ids, self.device_id]

    @property
    def kind(self) -> AlertKind:
        return self.key.kind

    @property
    def title(self) -> str:
        """The English title, as stored (and as the API has always shown it)."""
        return render(self.kind, self.title_args)[:TITLE_MAX]


def raise_new(session: Session, org_id: int, finding: Finding) -> Alert:
    """An alert for a problem found for the first time under a key no one else can make."""
    now = utcnow()
    alert = Alert(org_id=org_id, **_columns(finding, now))
    session.add(alert)
    session.flush()
    entry(alert, now, "raised", "", None)
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
    alert = _by_key(session, org_id, str(finding.key))
    if alert is None:
        alert = _insert(session, org_id, finding, now)
        if alert is not None:
            return alert
        alert = _by_key(session, org_id, str(finding.key))  # a concurrent evaluator raised it first
        assert alert is not None
    if alert.state is AlertState.RESOLVED and alert.resolved_by is None:
        # Closed automatically, yet the problem is back: the same alert opens again.
        _change(session, alert, now, "reopened", "found again", finding, state=AlertState.OPEN)
    elif alert.state is AlertState.RESOLVED and _found_again(alert, finding):
        note = f"found again after it was resolved: event {max(finding.event_ids)}"
        _change(session, alert, now, "reopened", note, finding, state=AlertState.OPEN)
    else:
        update(session, alert, finding)
    return alert


def _found_again(alert: Alert, finding: Finding) -> bool:
    """A problem that recurs, seen in events the closed alert did not know: the fix did not hold."""
    return KINDS[finding.kind].recurs and not set(finding.event_ids) <= set(alert.event_ids)


def clear(session: Session, org_id: int, key: AlertKey, note: str) -> Alert | None:
    """Resolve the alert for key automatically, saying why; a no-op when none is open."""
    alert = _by_key(session, org_id, str(key))
    if alert is None or alert.state is AlertState.RESOLVED:
        return alert
    now = utcnow()
    before = audit.snapshot(alert)
    alert.state, alert.resolved_at, alert.resolution = AlertState.RESOLVED, now, note
    alert.updated_at = now
    entry(alert, now, "auto_resolved", note, None)
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
    entry(alert, now, action, note, None)
    audit.record(session, action, alert, audit.diff(before, audit.snapshot(alert)))


def follow_up_failed(session: Session, alert: Alert, finding: Finding) -> None:
    """The reading after a rectification is still out of bounds: the alert opens again."""
    now = utcnow()
    before = audit.snapshot(alert)
    _describe(alert, finding)
    alert.state, alert.awaiting_reading = AlertState.OPEN, False
    alert.resolved_by = alert.resolution_photo = alert.resolution = None
    alert.updated_at = now
    entry(alert, now, "reopened", "still out of bounds after the rectification", None)
    audit.record(session, "reopened", alert, audit.diff(before, audit.snapshot(alert)))


def _by_key(session: Session, org_id: int, key: str) -> Alert | None:
    # The evaluator only adds to an alert's history; it need not read it first.
    stmt = select(Alert).options(lazyload(Alert.history))
    return session.scalar(stmt.where(Alert.org_id == org_id, Alert.key == key))


def _columns(finding: Finding, now: datetime) -> dict[str, Any]:
    return {
        "key": str(finding.key),
        "subject": finding.key.subject,
        "kind": finding.kind,
        "severity": finding.severity,
        "state": AlertState.OPEN,
        "title": finding.title,
        "title_args": finding.title_args,
        "previous_id": finding.previous_id,
        "event_ids": sorted(finding.event_ids),
        "device_ids": sorted(finding.device_ids),
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
    entry(alert, now, "raised", "", None)
    audit.record(session, "raise", alert, {"title": [None, alert.title]})
    return alert


def entry(
    alert: Alert,
    now: datetime,
    action: str,
    note: str,
    user_id: int | None,
    *,
    notify: bool = False,
) -> None:
    """A line of the alert's history, added without reading the rest of it; a change that
    matters (or one the caller says does, notify) is queued for notifications with it."""
    line = AlertEntry(
        to_notify=notify or action in NOTIFY_ACTIONS,
        at=now,
        action=action,
        user_id=user_id,
        note=note,
        severity=alert.severity,
        evidence=alert.evidence,
    )
    if "history" in inspect(alert).unloaded:
        # Not read in this session: add the line without loading the rest.
        line.alert_id = alert.id
        object_session(alert).add(line)  # type: ignore[union-attr]
    else:
        alert.history.append(line)


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
    rose = finding.severity is not None and finding.severity.rank > alert.severity.rank
    _describe(alert, finding)
    alert.updated_at = now
    if state is not None:
        alert.state, alert.resolved_at, alert.resolution = state, None, None
        alert.resolved_by = alert.resolution_photo = None
    entry(alert, now, action, note, None, notify=rose)
    audit.record(session, action, alert, audit.diff(before, audit.snapshot(alert)))


def _describe(alert: Alert, finding: Finding) -> None:
    """What is known of the problem now: its severity, evidence and title; what it rests on."""
    alert.severity, alert.evidence = finding.severity, finding.evidence  # type: ignore[assignment]
    alert.title, alert.title_args = finding.title, finding.title_args
    # An alert kept current names every event and handheld it was ever found from.
    alert.event_ids = sorted({*alert.event_ids, *finding.event_ids})
    alert.device_ids = sorted({*alert.device_ids, *finding.device_ids})
