"""The ladder climbs: rungs that came due are told, and passed deadlines are announced.

A rung is told only while its alert is still open: acknowledging stops the ladder, and
resolving stops everything (delivery cancels what was planned and not yet sent).
"""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, lazyload

from server.domain.alerts.lifecycle import entry
from server.domain.models import (
    Alert,
    AlertState,
    Escalation,
    EscalationPolicy,
    NotifyEndpoint,
)
from server.domain.notify import ladder, outbox

BATCH = 500  # escalations and deadlines taken per pass; the rest wait for the next one


def climb(session: Session, now: datetime) -> int:
    """Announce passed deadlines, then tell each rung that came due; rows planned."""
    overdue(session, now)
    due = session.execute(
        select(Escalation, Alert)
        .join(Alert, Alert.id == Escalation.alert_id)
        .where(Escalation.next_at <= now)
        .order_by(Escalation.next_at)
        .limit(BATCH)
        .options(lazyload(Alert.history))
        .with_for_update(skip_locked=True, of=Escalation)
    ).all()
    made = 0
    for climbing, alert in due:
        policy = session.get(EscalationPolicy, climbing.policy_id)
        laid = ladder.rungs(policy) if policy is not None and policy.active else []
        if alert.state is not AlertState.OPEN or climbing.rung >= len(laid):
            session.execute(delete(Escalation).where(Escalation.alert_id == alert.id))
            continue
        rung = laid[climbing.rung]
        made += tell(session, alert, climbing, rung.step, now)
        climbing.rung += 1
        if climbing.rung < len(laid):
            climbing.next_at = climbing.started_at + laid[climbing.rung].at
        else:
            session.delete(climbing)
    session.flush()
    return made


def tell(
    session: Session, alert: Alert, climbing: Escalation, step: ladder.Step, now: datetime
) -> int:
    """Outbox rows for one rung: its people by e-mail and its endpoints."""
    endpoints = (
        session.scalars(
            select(NotifyEndpoint)
            .where(NotifyEndpoint.org_id == alert.org_id, NotifyEndpoint.active)
            .where(NotifyEndpoint.id.in_(step.endpoint_ids))
            .order_by(NotifyEndpoint.id)
        ).all()
        if step.endpoint_ids
        else []
    )
    people = ladder.people(session, alert.org_id, alert.site_id, [step])
    told = outbox.Told(
        alert.org_id,
        alert.id,
        climbing.entry_id,
        alert.site_id,
        alert.severity,
        climbing.rung + 1,
        "raised" if climbing.rung == 0 else "unacknowledged",
    )
    return outbox.insert(session, outbox.outbox_rows(told, endpoints, people, now))


def overdue(session: Session, now: datetime) -> int:
    """Alerts past their rectification deadline and not resolved: each announced once."""
    late = session.scalars(
        select(Alert)
        .where(Alert.due_at <= now, Alert.overdue_at.is_(None))
        .where(Alert.state != AlertState.RESOLVED)
        .order_by(Alert.due_at)
        .limit(BATCH)
        .options(lazyload(Alert.history))
        .with_for_update(skip_locked=True)
    ).all()
    for alert in late:
        alert.overdue_at = now
        # The line's action says it all; the deadline is the alert's own (due_at).
        entry(alert, now, "overdue", "", None, notify=True)
    session.flush()
    return len(late)
