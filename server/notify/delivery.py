"""Delivery: the worker claims due outbox rows, sends them with no transaction open, records.

A claim is a lease: a worker that dies mid-send leaves its rows in `sending` until the lease
runs out, then another worker sends them again under the same idempotency key (webhook-id),
so a receiver that de-duplicates sees each notification once. Claims skip rows another
worker holds (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer at a time).
"""

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from server.domain.models import (
    Alert,
    EndpointKind,
    Notification,
    NotificationAttempt,
    NotificationState,
    NotifyEndpoint,
    Site,
)
from server.notify import retry
from server.notify.channels import Channel, Message, Outcome
from server.notify.channels.robots import DingTalkRobot, WeComRobot
from server.notify.channels.webhook import WebhookChannel
from server.notify.compose import compose

log = logging.getLogger("vigil.notify")
TIMEOUT = 10.0  # seconds a receiver has to answer
CLAIM = 10  # rows per claim: CLAIM x TIMEOUT stays well inside the lease
LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class Target:
    """What a channel needs of an endpoint, read while the claim's transaction was open."""

    id: int
    kind: EndpointKind
    url: str
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class Job:
    """One claimed row: what to send, where, and what the retry schedule needs."""

    notification_id: int
    attempt: int
    first_at: datetime
    target: Target
    message: Message


def channels(client: httpx.Client) -> Callable[[Target], Channel]:
    """send_for: the channel for an endpoint, every one sharing the worker's HTTP client."""

    def send_for(target: Target) -> Channel:
        if target.kind is EndpointKind.WEBHOOK:
            return WebhookChannel(target.url, target.secrets, client, timeout=TIMEOUT)
        if target.kind is EndpointKind.WECOM:
            return WeComRobot(target.url, client, timeout=TIMEOUT)
        secret = target.secrets[-1] if target.secrets else None
        return DingTalkRobot(target.url, client, secret=secret, timeout=TIMEOUT)

    return send_for


def deliver(
    sessions: sessionmaker[Session],
    send_for: Callable[[Target], Channel],
    now: datetime,
    worker_id: str,
    limit: int = 100,
    *,
    public_url: str,
    rng: random.Random | None = None,
) -> int:
    """Send what is due as of now, at most limit rows; how many were delivered."""
    rng = rng or random.SystemRandom()
    delivered = 0
    taken = 0
    while taken < limit:
        jobs = claim(sessions, now, worker_id, min(CLAIM, limit - taken), public_url)
        if not jobs:
            break
        taken += len(jobs)
        for job in jobs:
            outcome = send(send_for, job)
            record(sessions, job, outcome, now, worker_id, rng)
            delivered += outcome.delivered
    return delivered


def claim(
    sessions: sessionmaker[Session], now: datetime, worker_id: str, limit: int, public_url: str
) -> list[Job]:
    """Take up to limit due rows (or rows whose worker's lease ran out) and commit the claim."""
    due = or_(
        and_(Notification.state == NotificationState.PENDING, Notification.next_at <= now),
        and_(Notification.state == NotificationState.SENDING, Notification.claimed_until < now),
    )
    with sessions() as session, session.begin():
        # Chosen and locked first, then marked: PostgreSQL may rescan a LIMIT subquery inside
        # an UPDATE and take more rows than asked. SQLite's writer holds its lock from BEGIN.
        free = session.scalars(
            select(Notification.id)
            .where(due)
            .order_by(Notification.next_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        if not free:
            return []
        ids = session.scalars(
            update(Notification)
            .where(Notification.id.in_(free), due)
            .values(
                state=NotificationState.SENDING,
                claimed_by=worker_id,
                claimed_until=now + LEASE,
                attempts=Notification.attempts + 1,
            )
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        ).all()
        if not ids:
            return []
        rows = session.execute(
            select(Notification, Alert, Site, NotifyEndpoint)
            .join(Alert, Alert.id == Notification.alert_id)
            .join(Site, Site.id == Alert.site_id)
            .join(NotifyEndpoint, NotifyEndpoint.id == Notification.endpoint_id)
            .where(Notification.id.in_(ids))
            .order_by(Notification.next_at, Notification.id)
        ).all()
        return [
            Job(
                notification.id,
                notification.attempts,
                notification.first_at,
                Target(endpoint.id, endpoint.kind, endpoint.url, tuple(endpoint.secrets)),
                compose(notification, alert, site, endpoint, public_url),
            )
            for notification, alert, site, endpoint in rows
        ]


def send(send_for: Callable[[Target], Channel], job: Job) -> Outcome:
    """One try; an endpoint that cannot be used (a webhook with no key) is a final failure."""
    try:
        return send_for(job.target).send(job.message)
    except Exception as error:  # channels report failures; this is a broken endpoint or a bug
        log.exception("notification not sent", extra={"notification_id": job.notification_id})
        return Outcome.failed(retryable=False, status=None, latency_ms=0, error=repr(error))


def record(
    sessions: sessionmaker[Session],
    job: Job,
    outcome: Outcome,
    now: datetime,
    worker_id: str,
    rng: random.Random,
) -> None:
    """Log the attempt, then the row's next state: delivered, due again later, or dead."""
    values: dict[str, object] = {"claimed_until": None, "claimed_by": None}
    if outcome.delivered:
        values |= {"state": NotificationState.DELIVERED, "delivered_at": now, "last_error": None}
    else:
        again = None
        if outcome.retryable:
            again = retry.next_attempt(
                job.attempt, job.first_at, now, rng, retry_after=outcome.retry_after
            )
        state = NotificationState.DEAD if again is None else NotificationState.PENDING
        values |= {"state": state, "last_error": outcome.error}
        if again is not None:
            values["next_at"] = again
    with sessions() as session, session.begin():
        session.add(
            NotificationAttempt(
                notification_id=job.notification_id,
                endpoint_id=job.target.id,
                at=now,
                delivered=outcome.delivered,
                status=outcome.status,
                latency_ms=outcome.latency_ms,
                excerpt=outcome.excerpt,
                error=outcome.error,
            )
        )
        # Only while the claim is still ours: a worker that took over after the lease decides.
        session.execute(
            update(Notification)
            .where(
                Notification.id == job.notification_id,
                Notification.claimed_by == worker_id,
                Notification.attempts == job.attempt,
                Notification.state == NotificationState.SENDING,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if not outcome.delivered:
        log.warning(
            "notification not delivered",
            extra={
                "notification_id": job.notification_id,
                "endpoint_id": job.target.id,
                "status": outcome.status,
                "error": outcome.error,
            },
        )
