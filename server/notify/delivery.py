"""Delivery: the worker claims due outbox rows, sends them with no transaction open, records.

A claim is a lease: a worker that dies mid-send leaves its rows in `sending` until the lease
runs out, then another worker sends them again under the same idempotency key (webhook-id),
so a receiver that de-duplicates sees each notification once. Claims skip rows another
worker holds (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer at a time).

Rows for one recipient and one site claimed together go as one message that lists them (a
batch, keyed by its first row), and a claim takes with them what waits for the same
recipient and site within the grouping wait. A row whose alert was acknowledged (a ladder
rung) or resolved (anything but the news that it cleared) is cancelled instead of sent.
"""

import functools
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import and_, distinct, func, insert, or_, select, update
from sqlalchemy.orm import Session, lazyload, sessionmaker

from server.db import among
from server.domain.models import (
    Alert,
    AlertState,
    EndpointKind,
    Notification,
    NotificationAttempt,
    NotificationState,
    NotifyEndpoint,
)
from server.domain.notify.outbox import GROUP_WAIT
from server.notify import retry
from server.notify.channels import Channel, Message, Outcome
from server.notify.channels.email import EmailChannel, SmtpSettings
from server.notify.channels.robots import DingTalkRobot, WeComRobot
from server.notify.channels.webhook import WebhookChannel
from server.notify.compose import compose, load
from server.notify.target import EMAIL, Target
from server.storage import BlobStore

log = logging.getLogger("vigil.notify")
TIMEOUT = 10.0  # seconds a receiver has to answer
CLAIM = 100  # messages per claim: its queries and commits are shared by that many sends
# A claim's lanes (one per target) go out this many at a time; channels share the worker's
# HTTP client, which is thread-safe.
SENDERS = 4
GROUP_MAX = 50  # alerts listed in one message; more go in the next
LEASE = timedelta(minutes=2)
# A claim's sends start within this; what is left goes back, so the last send (at most
# TIMEOUT) ends well inside the lease and no other worker takes a row still being sent.
SEND_WITHIN = LEASE.total_seconds() / 2
ENDS = frozenset({"auto_resolved"})  # still told once the alert is resolved
# WeCom and DingTalk group robots take 20 messages a minute each; past that they refuse.
ROBOTS = frozenset({EndpointKind.WECOM.value, EndpointKind.DINGTALK.value})
ROBOT_PER_MINUTE = 20
ROBOT_WAIT = timedelta(seconds=30)


@dataclass(frozen=True)
class Job:
    """One message: the rows it tells, where it goes, what the retry schedule needs."""

    key: int  # the batch's first row: its idempotency key
    ids: tuple[int, ...]
    attempt: int
    first_at: datetime
    lease: datetime  # the claim's lease, which marks the rows as this claim's
    target: Target
    message: Message


def channels(client: httpx.Client, smtp: SmtpSettings | None = None) -> Callable[[Target], Channel]:
    """send_for: the channel for a target, every one sharing the worker's HTTP client; made
    once per target (its signing keys parsed once), since channels keep no state per send."""

    @functools.lru_cache(maxsize=1024)
    def send_for(target: Target) -> Channel:
        if target.kind == EMAIL:
            if smtp is None:
                raise LookupError("no SMTP server is configured (VIGIL_SMTP_HOST)")
            return EmailChannel(smtp, target.address)
        if target.kind == EndpointKind.WEBHOOK:
            return WebhookChannel(target.address, target.secrets, client, timeout=TIMEOUT)
        if target.kind == EndpointKind.WECOM:
            return WeComRobot(target.address, client, timeout=TIMEOUT)
        secret = target.secrets[-1] if target.secrets else None
        return DingTalkRobot(target.address, client, secret=secret, timeout=TIMEOUT)

    return send_for


def deliver(
    sessions: sessionmaker[Session],
    send_for: Callable[[Target], Channel],
    now: datetime,
    worker_id: str,
    limit: int = 1000,
    *,
    public_url: str,
    rng: random.Random | None = None,
    read: Callable[[str], bytes | None] | None = None,
) -> int:
    """Send what is due as of now, at most limit messages; how many were delivered. `read`
    gives a stored file's bytes by its SHA-256 (a report attached to an e-mail).

    Claim by claim: each claim's messages go out in lanes, one per target, in order within a
    lane and lanes side by side (SENDERS at a time), then the claim is recorded. Every lease
    runs from `now`, so nothing is claimed or sent once SEND_WITHIN has passed: the last send
    (at most TIMEOUT) ends well inside the lease, and no other worker takes a row still being
    sent; what is left goes back.
    """
    rng = rng or random.SystemRandom()
    delivered = 0
    taken = 0
    stop = time.monotonic() + SEND_WITHIN
    with ThreadPoolExecutor(SENDERS, thread_name_prefix="vigil-send") as senders:
        while taken < limit and time.monotonic() < stop:
            deferred: list[int] = []
            most = min(CLAIM, limit - taken)
            jobs = _claim(sessions, now, worker_id, most, public_url, deferred, read)
            if not jobs:
                if deferred:  # a robot's rate put a whole claim off: the next may have more
                    continue
                break
            taken += len(jobs)
            outcomes = _send_lanes(senders, send_for, jobs, stop)
            done = [(job, outcomes[job.key]) for job in jobs if job.key in outcomes]
            late = [job for job in jobs if job.key not in outcomes]
            if late:
                release(sessions, late, worker_id)
            if done:
                record(sessions, done, now, worker_id, rng)
            delivered += sum(outcome.delivered for _, outcome in done)
    return delivered


def _send_lanes(
    senders: ThreadPoolExecutor,
    send_for: Callable[[Target], Channel],
    jobs: list[Job],
    stop: float,
) -> dict[int, Outcome]:
    """Each job's outcome by its key; a job not started by `stop` has none (it goes back).

    One lane per target: a receiver gets one request at a time from a worker, in the order
    claimed; different receivers are served side by side. A single lane is sent right here:
    a hand-off to a thread costs more than it gains when nothing else runs beside it."""
    lanes: dict[Target, list[Job]] = defaultdict(list)
    for job in jobs:
        lanes[job.target].append(job)

    def run(lane: list[Job]) -> list[tuple[int, Outcome]]:
        sent = []
        for job in lane:
            if time.monotonic() >= stop:  # slow receivers used up the time: the rest go back
                break
            sent.append((job.key, send(send_for, job)))
        return sent

    if len(lanes) == 1:
        return dict(run(jobs))
    return {key: o for sent in senders.map(run, lanes.values()) for key, o in sent}


def _due(now: datetime):  # type: ignore[no-untyped-def]
    return or_(
        and_(Notification.state == NotificationState.PENDING, Notification.next_at <= now),
        and_(Notification.state == NotificationState.SENDING, Notification.claimed_until < now),
    )


def claim(
    sessions: sessionmaker[Session], now: datetime, worker_id: str, limit: int, public_url: str
) -> list[Job]:
    """Take up to limit due messages (or those whose worker's lease ran out), commit the claim."""
    return _claim(sessions, now, worker_id, limit, public_url, [])


def _claim(
    sessions: sessionmaker[Session],
    now: datetime,
    worker_id: str,
    limit: int,
    public_url: str,
    deferred: list[int],
    read: Callable[[str], bytes | None] | None = None,
) -> list[Job]:
    """claim, noting in deferred the messages a group robot's rate put off."""
    lease = now + LEASE
    with sessions() as session, session.begin():
        taken = {row.id: row for row in _leaders(session, now, limit)}
        if not taken:
            return []
        for extra in _with_them(session, list(taken.values()), now):
            taken.setdefault(extra.id, extra)
        alerts = {
            alert.id: alert
            for alert in session.scalars(
                select(Alert)
                .options(lazyload(Alert.history))
                .where(among(session, Alert.id, {r.alert_id for r in taken.values() if r.alert_id}))
            )
        }
        rows = _live(session, list(taken.values()), alerts)
        going = []
        sent: dict[int, int] = {}  # messages to each group robot in the last minute
        for batch in load(session, rows, public_url, GROUP_MAX, alerts, read or _nothing):
            robot = batch.target.endpoint_id if batch.target.kind in ROBOTS else None
            if robot is not None:
                if robot not in sent:
                    sent[robot] = _robot_minute(session, robot, now)
                if sent[robot] >= ROBOT_PER_MINUTE:
                    # The robot would refuse it: it waits, and takes what comes meanwhile.
                    _mark(session, batch.ids, next_at=now + ROBOT_WAIT)
                    deferred.append(batch.key)
                    continue
                sent[robot] += 1
            going.append(batch)
        if not going:
            return []
        # One statement marks the claim; a new group's rows also learn their key.
        _mark(
            session,
            [i for batch in going for i in batch.ids],
            state=NotificationState.SENDING,
            claimed_by=worker_id,
            claimed_until=lease,
            attempts=Notification.attempts + 1,
        )
        for batch in going:
            if len(batch.ids) > 1 and any(row.batch_id != batch.key for row in batch.rows):
                _mark(session, batch.ids, batch_id=batch.key)
        return [
            Job(
                batch.key,
                batch.ids,
                max(row.attempts for row in batch.rows) + 1,
                min(row.first_at for row in batch.rows),
                lease,
                batch.target,
                compose(batch, now),
            )
            for batch in going
        ]


def _nothing(sha256: str) -> bytes | None:
    return None


def reader(blobs: BlobStore) -> Callable[[str], bytes | None]:
    """A stored file's bytes by its SHA-256, or None when it is not there."""

    def read(sha256: str) -> bytes | None:
        try:
            with blobs.open(sha256) as stored:
                return stored.read()
        except (OSError, ValueError):
            return None

    return read


def _leaders(session: Session, now: datetime, limit: int) -> list[Notification]:
    """Up to limit rows to send, locked: first those whose worker's lease ran out, then the
    pending ones in the order they came due (each read in its index's order, not sorted).

    Chosen and locked first, then marked: PostgreSQL may rescan a LIMIT subquery inside an
    UPDATE and take more rows than asked. SQLite's writer holds its lock from BEGIN.
    """
    lapsed = session.scalars(
        select(Notification)
        .where(Notification.state == NotificationState.SENDING, Notification.claimed_until < now)
        .order_by(Notification.next_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if len(lapsed) >= limit:
        return list(lapsed)
    pending = session.scalars(
        select(Notification)
        .where(Notification.state == NotificationState.PENDING, Notification.next_at <= now)
        .order_by(Notification.next_at)
        .limit(limit - len(lapsed))
        .with_for_update(skip_locked=True)
    ).all()
    return [*lapsed, *pending]


def _with_them(session: Session, leaders: list[Notification], now: datetime) -> list[Notification]:
    """What goes in one message with the claimed rows, in two queries for the whole claim:
    the rest of the batches they were sent in before (a retry, a take-over), and fresh rows
    for the same recipient and site that would come due within the grouping wait. A digest,
    or a row sent alone before, goes alone."""
    found: list[Notification] = []
    batches = {row.batch_id for row in leaders if row.batch_id is not None}
    if batches:
        found += session.scalars(
            select(Notification)
            .where(among(session, Notification.batch_id, batches), _due(now))
            .with_for_update(skip_locked=True)
        ).all()
    fresh = [
        row
        for row in leaders
        if row.batch_id is None and row.alert_id is not None and row.attempts == 0
    ]
    if not fresh:
        return found
    recipients = {(row.endpoint_id, row.user_id, row.site_id) for row in fresh}
    taken = {row.id for row in leaders}
    candidates = session.scalars(
        select(Notification)
        .where(
            among(session, Notification.site_id, {row.site_id for row in fresh}),
            Notification.state == NotificationState.PENDING,
            Notification.next_at <= now + GROUP_WAIT,
            Notification.attempts == 0,
            Notification.batch_id.is_(None),
            Notification.alert_id.is_not(None),
        )
        .order_by(Notification.id)
        .limit(len(fresh) * GROUP_MAX)
        .with_for_update(skip_locked=True)
    ).all()
    return found + [
        row
        for row in candidates
        if row.id not in taken and (row.endpoint_id, row.user_id, row.site_id) in recipients
    ]


def _robot_minute(session: Session, endpoint_id: int, now: datetime) -> int:
    """Messages sent to an endpoint in the minute before now (a group's rows are one)."""
    return (
        session.scalar(
            select(func.count(distinct(func.coalesce(Notification.batch_id, Notification.id))))
            .select_from(NotificationAttempt)
            .join(Notification, Notification.id == NotificationAttempt.notification_id)
            .where(
                NotificationAttempt.endpoint_id == endpoint_id,
                NotificationAttempt.at > now - timedelta(minutes=1),
            )
        )
        or 0
    )


def _live(
    session: Session, rows: list[Notification], alerts: dict[int, Alert]
) -> list[Notification]:
    """Rows still worth sending; the rest are cancelled. Acknowledged: the ladder's later
    rungs are moot. Resolved: everything but the news that the alert cleared. A deactivated
    endpoint: nothing more goes there."""
    states = {alert_id: alert.state for alert_id, alert in alerts.items()}
    endpoints = {row.endpoint_id for row in rows if row.endpoint_id is not None}
    retired = set(
        session.scalars(
            select(NotifyEndpoint.id).where(
                among(session, NotifyEndpoint.id, endpoints), NotifyEndpoint.active.is_(False)
            )
        )
        if endpoints
        else ()
    )
    stopped = [
        row.id
        for row in rows
        if row.endpoint_id in retired
        or (
            row.alert_id is not None
            and (
                (states[row.alert_id] is AlertState.RESOLVED and row.change not in ENDS)
                or (
                    states[row.alert_id] is AlertState.ACKNOWLEDGED
                    and row.change == "unacknowledged"
                )
            )
        )
    ]
    if stopped:
        _mark(
            session, stopped, state=NotificationState.CANCELLED, claimed_by=None, claimed_until=None
        )
    return [row for row in rows if row.id not in stopped]


def release(sessions: sessionmaker[Session], jobs: Sequence[Job], worker_id: str) -> None:
    """Give claimed messages back unsent: due as they were, the claim's attempt not counted."""
    with sessions() as session, session.begin():
        for job in jobs:
            _settle(
                session,
                job.ids,
                worker_id,
                job.lease,
                state=NotificationState.PENDING,
                attempts=Notification.attempts - 1,
            )


def _settle(
    session: Session, ids: Sequence[int], worker_id: str, lease: datetime, **values: object
) -> None:
    """A claim's rows take their next state, only while the claim is still ours: a worker that
    took over after the lease decides for itself."""
    session.execute(
        update(Notification)
        .where(
            among(session, Notification.id, ids),
            Notification.claimed_by == worker_id,
            Notification.claimed_until == lease,
            Notification.state == NotificationState.SENDING,
        )
        .values(claimed_until=None, claimed_by=None, **values)
        .execution_options(synchronize_session=False)
    )


def _mark(session: Session, ids: Sequence[int], **values: object) -> None:
    session.execute(
        update(Notification)
        .where(among(session, Notification.id, ids))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def send(send_for: Callable[[Target], Channel], job: Job) -> Outcome:
    """One try; a target that cannot be used (no SMTP, a webhook with no key) is final."""
    try:
        return send_for(job.target).send(job.message)
    except Exception as error:  # channels report failures; this is a broken target or a bug
        log.warning(
            "notification not sent", extra={"notification_id": job.key, "error": repr(error)}
        )
        return Outcome.failed(retryable=False, status=None, latency_ms=0, error=str(error))


def record(
    sessions: sessionmaker[Session],
    done: list[tuple[Job, Outcome]],
    now: datetime,
    worker_id: str,
    rng: random.Random,
) -> None:
    """Log each attempt, then each row's next state: delivered, due again later, or dead.

    One transaction per claim: the attempts in one INSERT, the delivered rows in one UPDATE.
    """
    delivered = [i for job, outcome in done if outcome.delivered for i in job.ids]
    with sessions() as session, session.begin():
        session.execute(  # one executemany, no objects: the log is written, never read back here
            insert(NotificationAttempt),
            [
                {
                    "notification_id": notification_id,
                    "endpoint_id": job.target.endpoint_id,
                    "user_id": job.target.user_id,
                    "at": now,
                    "delivered": outcome.delivered,
                    "status": outcome.status,
                    "latency_ms": outcome.latency_ms,
                    "excerpt": outcome.excerpt,
                    "error": outcome.error,
                }
                for job, outcome in done
                for notification_id in job.ids
            ],
        )
        if delivered:
            _settle(
                session,
                delivered,
                worker_id,
                done[0][0].lease,
                state=NotificationState.DELIVERED,
                delivered_at=now,
                last_error=None,
            )
        for job, outcome in done:
            if outcome.delivered:
                continue
            again = None
            if outcome.retryable:
                again = retry.next_attempt(
                    job.attempt, job.first_at, now, rng, retry_after=outcome.retry_after
                )
            values: dict[str, object] = {
                "state": NotificationState.DEAD if again is None else NotificationState.PENDING,
                "last_error": outcome.error,
            }
            if again is not None:
                values["next_at"] = again
            _settle(session, job.ids, worker_id, job.lease, **values)
    for job, outcome in done:
        if not outcome.delivered:
            log.warning(
                "notification not delivered",
                extra={
                    "notification_id": job.key,
                    "endpoint_id": job.target.endpoint_id,
                    "user_id": job.target.user_id,
                    "status": outcome.status,
                    "error": outcome.error,
                },
            )
