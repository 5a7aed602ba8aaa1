"""The evaluator: `flask vigil worker` runs a pass every few seconds until stopped.

A pass runs its stages in order, each in a transaction of its own: a stage that fails is
rolled back, logged and counted, and the stages after it still run and commit.
"""

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.orm import Session

from server import serving
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.clock import utcnow
from server.domain.inspection import overdue
from server.domain.notify import digest, escalate, outbox
from server.domain.patrol import judging, lone_worker, rounds_ahead, scans
from server.domain.reports import schedules
from server.notify import delivery
from server.reports import making as reports

log = logging.getLogger("vigil.worker")
# The evaluator acts for no user; the audit trail names it.
EVALUATOR = Actor(user_id=None, org_id=0, role=Role.ADMIN, label="evaluator")


@dataclass(frozen=True)
class Stage:
    """One step of a pass: what it is counted as, and what it does as of an instant."""

    name: str
    run: Callable[[Session, datetime], int]


STAGES = (
    Stage("rounds_made", rounds_ahead.materialise),
    Stage("events", scans.take),
    Stage("rounds_judged", judging.judge),
    Stage("guards_silent", lone_worker.watch),
    Stage("inspections_overdue", overdue.check),
    # Reports a schedule asks for once their period ends; made at the end of the pass.
    Stage("reports_asked", schedules.due),
    # After every stage that raises or changes alerts, so their changes go out in this pass.
    Stage("notifications_planned", outbox.plan),
    # After planning, so a raise's ladder tells its first rung in this same pass.
    Stage("escalations", escalate.climb),
    Stage("digests", digest.make),
)
# Who holds a claim on outbox rows, for the notification log and lease take-overs.
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class PassCounts:
    """What one pass did, for the worker's log; failed names the stages that were rolled back."""

    rounds_made: int = 0
    events: int = 0
    rounds_judged: int = 0
    guards_silent: int = 0
    inspections_overdue: int = 0
    reports_asked: int = 0
    notifications_planned: int = 0
    escalations: int = 0
    digests: int = 0
    notifications_delivered: int = 0
    reports_made: int = 0
    failed: list[str] = field(default_factory=list)


def sweep(session: Session, now: datetime) -> PassCounts:
    """One pass as of now, as the evaluator; each stage commits (or rolls back) on its own."""
    counts = PassCounts()
    token = set_actor(EVALUATOR)
    try:
        for stage in STAGES:
            try:
                setattr(counts, stage.name, stage.run(session, now))
                session.commit()
            except Exception:  # one stage's failure must not undo or stop the others
                session.rollback()
                log.exception("stage failed", extra={"stage": stage.name})
                counts.failed.append(stage.name)
    finally:
        reset_actor(token)
    return counts


def run_once(vigil: Any, send_for: Callable[..., Any] | None = None) -> PassCounts:
    """One pass as of now, in a session of its own, then the notifications that are due, then
    the reports asked for or changed by late data.

    Delivery opens its own short transactions and none while it waits on a receiver; reports
    come last, since a slow one must not hold up an alert's news.
    """
    with vigil.sessionmaker() as session:
        counts = sweep(session, utcnow())
    if send_for is None:
        with httpx.Client(trust_env=False) as client:
            _deliver(vigil, delivery.channels(client, vigil.smtp), counts)
    else:
        _deliver(vigil, send_for, counts)
    try:
        with vigil.sessionmaker() as session, _as_evaluator():
            counts.reports_made = reports.make(session, vigil.blobs, utcnow())
    except Exception:  # like a failed stage: logged, counted, retried next pass
        log.exception("stage failed", extra={"stage": "reports_made"})
        counts.failed.append("reports_made")
    return counts


@contextmanager
def _as_evaluator() -> Iterator[None]:
    token = set_actor(EVALUATOR)
    try:
        yield
    finally:
        reset_actor(token)


def _deliver(vigil: Any, send_for: Callable[..., Any], counts: PassCounts) -> None:
    try:
        counts.notifications_delivered = delivery.deliver(
            vigil.sessionmaker,
            send_for,
            utcnow(),
            WORKER_ID,
            public_url=vigil.public_url,
            read=delivery.reader(vigil.blobs),
        )
    except Exception:  # like a failed stage: logged, counted, retried next pass
        log.exception("stage failed", extra={"stage": "notifications_delivered"})
        counts.failed.append("notifications_delivered")


def run_forever(vigil: Any, interval: float, stop: threading.Event | None = None) -> None:
    """A pass every interval seconds until stop is set or SIGTERM arrives."""
    stop = stop or threading.Event()
    serving.settle()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with httpx.Client(trust_env=False) as client:  # one pool of connections for the worker's life
        _loop(vigil, interval, stop, delivery.channels(client, vigil.smtp))


def _loop(vigil: Any, interval: float, stop: threading.Event, send_for: Callable[..., Any]) -> None:
    while not stop.is_set():
        try:
            counts = run_once(vigil, send_for)
            if any(vars(counts).values()):
                log.info("sweep", extra={"counts": vars(counts)})
        except Exception:  # one bad pass must not end the loop; the next one retries
            log.exception("sweep failed")
        stop.wait(interval)
