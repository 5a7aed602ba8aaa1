"""Planning: alert changes that matter become outbox rows, once per recipient that should hear.

A change is told at once to the endpoints that follow its site (step 0). A raise or a
reopening also sets the rectification deadline and starts the escalation ladder of the
alert's policy (notify.escalate tells its rungs, the first in this same pass). A passed
deadline is told to the endpoints and to everyone on the ladder.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from server.db import insert_new_only
from server.domain.alerts.lifecycle import NOTIFY_ACTIONS
from server.domain.models import (
    Alert,
    AlertEntry,
    AlertSeverity,
    AlertState,
    Escalation,
    EscalationPolicy,
    Notification,
    NotificationState,
    NotifyEndpoint,
    NotifyPreference,
)
from server.domain.notify import ladder

BATCH = 500  # history lines planned per pass; the rest wait for the next one
INSERT_ROWS = 1000  # rows per INSERT: SQLite takes at most 32,766 parameters in one
# Low and medium news waits this long, so a burst at one site (a night's missed checkpoints)
# goes to each recipient as one message; high and critical go at once (and take what waits).
GROUP_WAIT = timedelta(seconds=60)
STARTS_LADDER = frozenset({"raised", "reopened", "severity_up"})


@dataclass(frozen=True)
class Told:
    """What a set of outbox rows tells: one alert change, at one ladder step."""

    org_id: int
    alert_id: int
    entry_id: int
    site_id: int
    severity: AlertSeverity
    step: int
    change: str


def change_of(action: str) -> str:
    """What a notification calls a history line's change: an update only ever notifies rising."""
    return action if action in NOTIFY_ACTIONS or action == "overdue" else "severity_up"


def wants(endpoint: NotifyEndpoint, site_id: int, severity: AlertSeverity) -> bool:
    """An endpoint hears of changes at its site (or every site) at or above its severity."""
    return endpoint.site_id in (None, site_id) and severity.rank >= endpoint.min_severity.rank


def plan(session: Session, now: datetime) -> int:
    """Outbox rows for history lines still to notify, once each (a second plan adds none).

    Lines are locked as taken (SKIP LOCKED on PostgreSQL), so two workers plan different ones;
    the dedupe key (line, step, recipient) keeps a replanned line from notifying twice.
    """
    lines = session.execute(
        select(AlertEntry.id, AlertEntry.action, AlertEntry.severity, Alert)
        .join(Alert, Alert.id == AlertEntry.alert_id)
        .where(AlertEntry.to_notify)
        .order_by(AlertEntry.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True, of=AlertEntry)
    ).all()
    if not lines:
        return 0
    orgs = {line.Alert.org_id for line in lines}
    endpoints = session.scalars(
        select(NotifyEndpoint)
        .where(NotifyEndpoint.org_id.in_(orgs), NotifyEndpoint.active)
        .order_by(NotifyEndpoint.id)
    ).all()
    policies = session.scalars(
        select(EscalationPolicy)
        .where(EscalationPolicy.org_id.in_(orgs), EscalationPolicy.active)
        .order_by(EscalationPolicy.id)
    ).all()
    rows: list[dict[str, Any]] = []
    for line in lines:
        alert: Alert = line.Alert
        told = Told(
            alert.org_id, alert.id, line.id, alert.site_id, line.severity, 0, change_of(line.action)
        )
        followers = [
            e
            for e in endpoints
            if e.org_id == alert.org_id and wants(e, alert.site_id, told.severity)
        ]
        rows += outbox_rows(told, followers, [], now)
        policy = ladder.choose(
            [p for p in policies if p.org_id == alert.org_id], alert.site_id, told.severity
        )
        if told.change == "overdue" and policy is not None:
            every = ladder.steps(policy)
            named = [e for e in endpoints if any(e.id in s.endpoint_ids for s in every)]
            people = ladder.people(session, alert.org_id, alert.site_id, every)
            rows += outbox_rows(told, named, people, now)
        if told.change in STARTS_LADDER and alert.state is AlertState.OPEN:
            start(session, alert, line.id, told.change, policy, now)
    made = insert(session, rows)
    planned = [line.id for line in lines]
    session.execute(update(AlertEntry).where(AlertEntry.id.in_(planned)).values(to_notify=False))
    return made


def start(
    session: Session,
    alert: Alert,
    entry_id: int,
    change: str,
    policy: EscalationPolicy | None,
    now: datetime,
) -> None:
    """A raise or reopening sets the deadline and (re)starts the ladder; a rise in severity
    brings the deadline forward and starts a ladder only where none climbs yet."""
    due = ladder.deadline(policy, alert.severity, now if change == "reopened" else alert.raised_at)
    climbing = session.get(Escalation, alert.id)
    if change == "severity_up":
        alert.due_at = min(due, alert.due_at) if alert.due_at else due
        if climbing is not None:
            return
    else:
        alert.due_at, alert.overdue_at = due, None
        if climbing is not None:
            session.execute(delete(Escalation).where(Escalation.alert_id == alert.id))
    if policy is None or not policy.steps:
        return
    first = ladder.rungs(policy)[0]
    session.add(
        Escalation(
            org_id=alert.org_id,
            alert_id=alert.id,
            entry_id=entry_id,
            policy_id=policy.id,
            rung=0,
            started_at=now,
            next_at=now + first.at,
        )
    )
    session.flush()


def outbox_rows(
    told: Told,
    endpoints: Iterable[NotifyEndpoint],
    people: Sequence[NotifyPreference],
    now: datetime,
) -> list[dict[str, Any]]:
    """One row per recipient; a person in quiet hours gets low and medium news held."""
    wait = now + GROUP_WAIT if told.severity.rank < AlertSeverity.HIGH.rank else now
    base = {
        "org_id": told.org_id,
        "alert_id": told.alert_id,
        "entry_id": told.entry_id,
        "site_id": told.site_id,
        "severity": told.severity,
        "step": told.step,
        "change": told.change,
        "attempts": 0,
        "first_at": now,
        "next_at": wait,
    }
    key = f"a{told.entry_id}.s{told.step}"
    rows = [
        base | {"dedupe": f"{key}.e{e.id}", "endpoint_id": e.id, "state": NotificationState.PENDING}
        for e in endpoints
    ]
    for person in people:
        state = (
            NotificationState.HELD
            if ladder.held(person, told.severity, now)
            else NotificationState.PENDING
        )
        rows.append(
            base | {"dedupe": f"{key}.u{person.user_id}", "user_id": person.user_id, "state": state}
        )
    return rows


def insert(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping any whose dedupe key was planned before; how many were new."""
    columns = {"endpoint_id": None, "user_id": None}  # every row of an INSERT has every column
    made = 0
    for start_at in range(0, len(rows), INSERT_ROWS):
        chunk = [columns | row for row in rows[start_at : start_at + INSERT_ROWS]]
        stmt = insert_new_only(session, Notification, "dedupe").values(chunk)
        made += len(session.scalars(stmt.returning(Notification.id)).all())
    return made
