"""crash.sync_kept, crash.worker_alerts: server/testing/drills.py at full size, on PostgreSQL."""

import tempfile
from pathlib import Path

from benchmarks.pg import scratch_database
from benchmarks.report import emit
from server.testing.drills import sync_drill, worker_drill

DEVICES, BATCH, INTERVAL, KILLS = 20, 20, 0.5, 5
SCHEDULES, WORKER_KILLS = 40, 5


def run() -> None:
    with scratch_database("crash_sync") as url:
        if url is None:
            return
        with tempfile.TemporaryDirectory() as folder:
            sync = sync_drill(
                url, Path(folder), devices=DEVICES, batch=BATCH, interval=INTERVAL, kills=KILLS
            )
    sent = sum(len(batch) for batch in sync.batches)
    emit(
        "crash.sync_kept",
        sync.distinct,
        "events",
        sent,
        f"{DEVICES} handhelds syncing batches of {BATCH} while gunicorn (2 workers, PostgreSQL) "
        f"was SIGKILLed {sync.kills} times with {sync.in_flight_at_kill} syncs in flight, and "
        f"restarted; baseline: events sent. lost {sync.lost}, duplicated "
        f"{sync.stored - sync.distinct}, half-written batches {sync.half_written}, client errors "
        f"{len(sync.errors)}. ratio 1 = every event kept once",
        ratio=sent / max(sync.distinct, 1),
    )
    with scratch_database("crash_worker") as url:
        if url is None:
            return
        with tempfile.TemporaryDirectory() as folder:
            worker = worker_drill(url, Path(folder), kills=WORKER_KILLS, schedules=SCHEDULES)
    missed_alerts = worker.alert_kinds.get("round_missed", 0)
    # The rounds open at the end may have other alerts (a late start), by the time of day.
    others = {k: n for k, n in worker.alert_kinds.items() if k != "round_missed"}
    emit(
        "crash.worker_alerts",
        missed_alerts,
        "alerts",
        worker.rounds_missed,
        f"{SCHEDULES} hourly schedules two days behind; the evaluator SIGKILLed {worker.kills} "
        f"times mid-sweep (work left at each kill: {worker.work_left_after_kill}), then "
        f"{worker.passes_to_finish} clean passes; value: round_missed alerts; baseline: missed "
        f"rounds. missed rounds without an alert {worker.missed_without_alert}, duplicate keys "
        f"{worker.duplicate_keys}, alerts raised twice {worker.alerts_raised_twice}; other "
        f"alerts, on rounds still open: {others or 'none'}",
        ratio=missed_alerts / max(worker.rounds_missed, 1),
    )
