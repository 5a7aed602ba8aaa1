"""Planning: alert changes that matter become outbox rows, one per endpoint that wants them."""

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.db import insert_new_only
from server.domain.alerts.lifecycle import NOTIFY_ACTIONS
from server.domain.models import (
    Alert,
    AlertEntry,
    AlertSeverity,
    Notification,
    NotificationState,
    NotifyEndpoint,
)

BATCH = 500  # history lines planned per pass; the rest wait for the next one
INSERT_ROWS = 1000  # rows per INSERT: SQLite takes at most 32,766 parameters in one
STEP = 0  # the first escalation step: the endpoints themselves (escalation adds later steps)


def change_of(action: str) -> str:
    """What a notification calls a history line's change: an update only ever notifies rising."""
    return action if action in NOTIFY_ACTIONS else "severity_up"


def wants(endpoint: NotifyEndpoint, site_id: int, severity: AlertSeverity) -> bool:
    """An endpoint hears of changes at its site (or every site) at or above its severity."""
    return endpoint.site_id in (None, site_id) and severity.rank >= endpoint.min_severity.rank


def plan(session: Session, now: datetime) -> int:
    """Outbox rows for history lines still to notify, once each (a second plan adds none).

    Lines are locked as taken (SKIP LOCKED on PostgreSQL), so two workers plan different ones;
    the unique key (entry, step, endpoint) keeps a replanned line from notifying twice.
    """
    lines = session.execute(
        select(
            AlertEntry.id,
            AlertEntry.alert_id,
            AlertEntry.action,
            AlertEntry.severity,
            Alert.org_id,
            Alert.site_id,
        )
        .join(Alert, Alert.id == AlertEntry.alert_id)
        .where(AlertEntry.to_notify)
        .order_by(AlertEntry.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True, of=AlertEntry)
    ).all()
    if not lines:
        return 0
    endpoints = session.scalars(
        select(NotifyEndpoint)
        .where(NotifyEndpoint.org_id.in_({line.org_id for line in lines}))
        .where(NotifyEndpoint.active)
        .order_by(NotifyEndpoint.id)
    ).all()
    rows: list[dict[str, Any]] = [
        {
            "org_id": line.org_id,
            "alert_id": line.alert_id,
            "entry_id": line.id,
            "endpoint_id": endpoint.id,
            "step": STEP,
            "change": change_of(line.action),
            "state": NotificationState.PENDING,
            "attempts": 0,
            "first_at": now,
            "next_at": now,
        }
        for line in lines
        for endpoint in endpoints
        if endpoint.org_id == line.org_id and wants(endpoint, line.site_id, line.severity)
    ]
    made = 0
    for start in range(0, len(rows), INSERT_ROWS):
        stmt = insert_new_only(session, Notification, "entry_id", "step", "endpoint_id")
        chunk = stmt.values(rows[start : start + INSERT_ROWS]).returning(Notification.id)
        made += len(session.scalars(chunk).all())
    planned = [line.id for line in lines]
    session.execute(update(AlertEntry).where(AlertEntry.id.in_(planned)).values(to_notify=False))
    return made
