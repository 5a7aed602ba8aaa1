"""What came of notifications: each endpoint's delivery log, and sending one again (admins)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import current_actor
from server.domain.alerts import handling
from server.domain.clock import utcnow
from server.domain.errors import Conflict
from server.domain.models import (
    Notification,
    NotificationAttempt,
    NotificationState,
    NotifyEndpoint,
    User,
)
from server.domain.notify import endpoints

# A notification a worker will still send (or is sending) cannot be sent again yet.
UNFINISHED = (NotificationState.PENDING, NotificationState.SENDING, NotificationState.HELD)


def log_query(session: Session, endpoint_id: int) -> Select[Any]:
    """An endpoint's attempts, newest first; the endpoint must be the admin's tenant's."""
    endpoint = endpoints.get(session, endpoint_id)
    return (
        select(NotificationAttempt)
        .where(NotificationAttempt.endpoint_id == endpoint.id)
        .order_by(NotificationAttempt.at.desc(), NotificationAttempt.id.desc())
    )


def alert_ids(session: Session, attempts: list[NotificationAttempt]) -> dict[int, int]:
    """{notification id: alert id} for the attempts of a page."""
    wanted = {a.notification_id for a in attempts}
    if not wanted:
        return {}
    rows = session.execute(
        select(Notification.id, Notification.alert_id).where(Notification.id.in_(wanted))
    )
    return {row.id: row.alert_id for row in rows}


def latest(session: Session, endpoint_ids: list[int]) -> dict[int, NotificationAttempt]:
    """{endpoint id: its latest attempt} for endpoints of the admin's tenant (none: left out)."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    if not endpoint_ids:
        return {}
    newest = (
        select(func.max(NotificationAttempt.id))
        .join(NotifyEndpoint, NotifyEndpoint.id == NotificationAttempt.endpoint_id)
        .where(NotifyEndpoint.org_id == actor.org_id, NotifyEndpoint.id.in_(endpoint_ids))
        .group_by(NotificationAttempt.endpoint_id)
    )
    found = session.scalars(select(NotificationAttempt).where(NotificationAttempt.id.in_(newest)))
    return {attempt.endpoint_id: attempt for attempt in found if attempt.endpoint_id}


def notifications(session: Session, attempts: list[NotificationAttempt]) -> dict[int, Notification]:
    """{notification id: notification} for the attempts of a page (of the admin's tenant)."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    wanted = {a.notification_id for a in attempts}
    if not wanted:
        return {}
    found = session.scalars(
        select(Notification).where(Notification.org_id == actor.org_id, Notification.id.in_(wanted))
    )
    return {notification.id: notification for notification in found}


def get(session: Session, notification_id: int) -> Notification:
    """One notification of the actor's tenant, for an admin."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    stmt = select(Notification).where(
        Notification.org_id == actor.org_id, Notification.id == notification_id
    )
    return access.one_visible(session, stmt, f"notification {notification_id}")


def redeliver(session: Session, notification_id: int) -> Notification:
    """Put a delivered or given-up notification back in the queue, due now.

    Its attempts and idempotency key stay, so a receiver that de-duplicates by webhook-id
    sees the same message; one still queued or being sent is a conflict.
    """
    notification = get(session, notification_id)
    if notification.state in UNFINISHED:
        raise Conflict(
            f"notification {notification_id} is {notification.state.value}: "
            "it will be sent without being asked",
            {"state": [notification.state.value]},
        )
    before = notification.state.value
    notification.state = NotificationState.PENDING
    notification.next_at = utcnow()
    notification.claimed_until = None
    notification.claimed_by = None
    writes.flush(session)
    audit.record(session, "redeliver", notification, {"state": [before, "pending"]})
    return notification


@dataclass(frozen=True)
class Told:
    """One line of an alert's notification log: who was told what, how, and what came of it."""

    notification: Notification
    recipient: str  # the endpoint's or the person's name
    channel: str  # webhook, wecom, dingtalk, email
    last: NotificationAttempt | None  # the latest attempt, if any


def for_alert(session: Session, alert_id: int) -> list[Told]:
    """Everyone told (or to be told) of an alert, for those who handle it at its site."""
    alert = handling.get(session, alert_id)
    rows = session.execute(
        select(Notification, NotifyEndpoint, User)
        .outerjoin(NotifyEndpoint, NotifyEndpoint.id == Notification.endpoint_id)
        .outerjoin(User, User.id == Notification.user_id)
        .where(Notification.alert_id == alert.id)
        .order_by(Notification.first_at, Notification.id)
    ).all()
    ids = [row.Notification.id for row in rows]
    latest: dict[int, NotificationAttempt] = {}
    if ids:
        for attempt in session.scalars(
            select(NotificationAttempt)
            .where(NotificationAttempt.notification_id.in_(ids))
            .order_by(NotificationAttempt.id)
        ):
            latest[attempt.notification_id] = attempt
    return [
        Told(
            notification,
            endpoint.name if endpoint is not None else (user.name if user is not None else ""),
            endpoint.kind.value if endpoint is not None else "email",
            latest.get(notification.id),
        )
        for notification, endpoint, user in rows
    ]
