"""Crash drills: SIGKILL gunicorn mid-sync and the evaluator mid-sweep, then count what survived.

The suite runs them small (tests/test_crash.py); `make bench` runs them at full size.
"""

import random
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from device_protocol.client import Handheld
from device_protocol.simulate import prepare
from server import create_app, worker
from server.domain.clock import utcnow
from server.domain.models import Alert, AlertEntry, Round, RoundStatus, Schedule
from server.testing.factories import Factory
from server.testing.live import Gunicorn, flask, server_env, stored_uuids

DEMO_LOGIN, DEMO_PASSWORD = "demo-super", "vigil-demo-2026"


@dataclass
class SyncDrill:
    """What the handhelds saw and what the database kept, across the kills."""

    kills: int = 0
    in_flight_at_kill: int = 0  # syncs under way when a kill landed
    batches: list[list[str]] = field(default_factory=list)  # each batch's event uuids
    seen_stored: set[str] = field(default_factory=set)  # answered accepted or duplicate
    errors: list[str] = field(default_factory=list)
    half_written: int = 0  # batches partly stored, seen while the server was dead
    stored: int = 0
    distinct: int = 0
    lost: int = 0  # answered as stored, or ever sent, yet not in the database


class _Fleet:
    """Handhelds syncing a batch at a time; a batch is resent until it is answered."""

    def __init__(self, url: str, payloads: list[str], batch: int, interval: float) -> None:
        self.url, self.payloads, self.batch, self.interval = url, payloads, batch, interval
        self.drill = SyncDrill()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.stop = threading.Event()

    def run(self, code: str, serial: str, enrolled: threading.Barrier) -> None:
        with httpx.Client(base_url=self.url, timeout=10) as http:
            # Twelve tries with backoff ride out a restart of several seconds.
            handheld = Handheld(http, max_attempts=12)
            handheld.enroll(code, serial)
            enrolled.wait()
            while not self.stop.is_set():
                uuids = [handheld.scan_qr(random.choice(self.payloads)) for _ in range(self.batch)]
                with self.lock:
                    self.drill.batches.append(uuids)
                    self.in_flight += 1
                try:
                    # The reference client keeps the batch queued until an answer comes back.
                    outcome = handheld.sync()
                except Exception as error:  # counted; the batch stays queued for the next try
                    with self.lock:
                        self.drill.errors.append(f"{serial}: {error!r}")
                    continue
                finally:
                    with self.lock:
                        self.in_flight -= 1
                with self.lock:
                    self.drill.seen_stored.update(outcome.accepted + outcome.duplicate)
                time.sleep(self.interval)
            handheld.sync()  # anything a failed sync left queued


def sync_drill(
    database_url: str,
    folder: Path,
    *,
    devices: int,
    batch: int,
    interval: float,
    kills: int,
    workers: int = 2,
) -> SyncDrill:
    """Devices sync against gunicorn, which is SIGKILLed `kills` times mid-sync and restarted."""
    env = server_env(database_url, folder)
    flask(env, "demo")
    server = Gunicorn(env, folder, workers)
    server.start()
    try:
        payloads, codes = prepare(server.url, DEMO_LOGIN, DEMO_PASSWORD, None, devices)
        fleet = _Fleet(server.url, payloads, batch, interval)
        prefix = f"CRASH-{time.time_ns()}-"
        enrolled = threading.Barrier(devices + 1)
        threads = [
            threading.Thread(target=fleet.run, args=(code, f"{prefix}{n}", enrolled))
            for n, code in enumerate(codes)
        ]
        for thread in threads:
            thread.start()
        enrolled.wait()
        for _ in range(kills):
            time.sleep(random.uniform(0.3, 1.0))
            deadline = time.monotonic() + 5
            while fleet.in_flight == 0 and time.monotonic() < deadline:
                time.sleep(0.001)
            fleet.drill.in_flight_at_kill += fleet.in_flight
            server.kill()
            fleet.drill.kills += 1
            # While nothing runs: a batch (one transaction) is in the database whole or not at all.
            present = set(stored_uuids(database_url, prefix))
            with fleet.lock:
                sent = [list(b) for b in fleet.drill.batches]
            fleet.drill.half_written += sum(
                0 < sum(u in present for u in uuids) < len(uuids) for uuids in sent
            )
            server.start()
        time.sleep(1.0)
        fleet.stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.stop()
    drill = fleet.drill
    uuids = stored_uuids(database_url, prefix)
    drill.stored, drill.distinct = len(uuids), len(set(uuids))
    ever_sent = {u for batch_uuids in drill.batches for u in batch_uuids}
    drill.lost = len((ever_sent | drill.seen_stored) - set(uuids))
    return drill


# --- the evaluator ------------------------------------------------------------------------------

# The evaluator loop as `flask vigil worker` runs it, saying on stdout when each pass begins.
WORKER = """
from server import create_app, worker

def announced(session, now, run=worker.sweep):
    print("pass", flush=True)
    return run(session, now)

worker.sweep = announced
app = create_app()
with app.app_context():
    worker.run_forever(app.extensions["vigil"], 0)
"""


@dataclass
class WorkerDrill:
    """The alerts after an evaluator was killed mid-sweep and another finished the work."""

    kills: int = 0
    work_left_after_kill: list[int] = field(default_factory=list)
    passes_to_finish: int = 0
    rounds_missed: int = 0
    missed_without_alert: int = 0
    alert_kinds: dict[str, int] = field(default_factory=dict)
    duplicate_keys: int = 0
    alerts_raised_twice: int = 0  # an alert whose 'raised' history line appears more than once


def _backlog(database_url: str, schedules: int, days: int) -> None:
    """Hourly schedules that started days ago: rounds to make, and misses to judge."""
    app = create_app({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
    vigil = app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        make = Factory(session)
        site = make.site(make.org("Crash drill"), name="夜巡 crash site")
        stops = [make.checkpoint(site) for _ in range(3)]
        for _ in range(schedules):
            make.schedule(
                make.route(stops),
                rrule="FREQ=HOURLY",
                start_local="2026-01-01T00:00",
                window_min=30,
                effective_from=utcnow() - timedelta(days=days),
            )
        session.commit()
    vigil.engine.dispose()


def _work_left(database_url: str) -> int:
    """Schedules never made into rounds, and rounds whose window has closed but are not settled."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            unmade = select(func.count()).where(Schedule.materialised_until.is_(None))
            unjudged = select(func.count()).where(~Round.settled, Round.window_end < utcnow())
            return conn.scalar(unmade) + conn.scalar(unjudged)
    finally:
        engine.dispose()


def worker_drill(database_url: str, folder: Path, *, kills: int, schedules: int) -> WorkerDrill:
    """A backlog of several passes; the evaluator is SIGKILLed `kills` times mid-pass."""
    env = server_env(database_url, folder)
    flask(env)
    _backlog(database_url, schedules, days=2)
    drill = WorkerDrill()
    for kill in range(kills):
        with subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        ) as evaluator:
            # Alternate: inside the first pass (nothing committed yet), or the second (one is).
            wanted, started = 1 + kill % 2, 0
            assert evaluator.stdout is not None
            for line in evaluator.stdout:
                started += line.startswith("pass")
                if started == wanted:
                    break
            time.sleep(random.uniform(0.05, 0.3))
            if evaluator.poll() is None:  # still at work, not crashed on its own
                evaluator.kill()
                evaluator.wait(timeout=30)
                drill.kills += 1
                drill.work_left_after_kill.append(_work_left(database_url))
    # Then an evaluator left alone, pass after pass, until no past round is left unjudged.
    # (Rounds open right now are looked at in every pass, so "a pass did nothing" never comes.)
    app = create_app({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        while _work_left(database_url) and drill.passes_to_finish < 50:
            worker.run_once(app.extensions["vigil"])
            drill.passes_to_finish += 1
    app.extensions["vigil"].engine.dispose()
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            missed = set(conn.scalars(select(Round.id).where(Round.status == RoundStatus.MISSED)))
            alerted = set(conn.scalars(select(Alert.round_id).where(Alert.kind == "round_missed")))
            keys = Counter(conn.scalars(select(Alert.key)))
            kinds = Counter(conn.scalars(select(Alert.kind)))
            raised = conn.execute(
                select(AlertEntry.alert_id, func.count())
                .where(AlertEntry.action == "raised")
                .group_by(AlertEntry.alert_id)
            ).all()
    finally:
        engine.dispose()
    drill.rounds_missed = len(missed)
    drill.missed_without_alert = len(missed - alerted)
    drill.alert_kinds = dict(kinds)
    drill.duplicate_keys = sum(n > 1 for n in keys.values())
    drill.alerts_raised_twice = sum(n > 1 for _, n in raised)
    return drill
