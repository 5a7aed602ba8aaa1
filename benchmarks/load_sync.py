"""load.sync_p99_ms, load.events_per_s: simulated handhelds against gunicorn and PostgreSQL."""

import os
import tempfile
from pathlib import Path

from benchmarks.pg import scratch_database
from benchmarks.report import emit
from server.testing.live import live_server, simulate, stored_events

# The figure: 100 handhelds each sending a batch of 20 scans every second.
DEVICES, BATCH, INTERVAL, SECONDS = 100, 20, 1.0, 30
WORKERS = 4


def _cpu_ticks() -> tuple[int, int] | None:
    """(busy, total) CPU ticks of the whole machine so far, from /proc/stat (Linux)."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(t) for t in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def run() -> None:
    with scratch_database("load") as url:
        if url is None:
            return
        with tempfile.TemporaryDirectory() as folder:
            with live_server(url, Path(folder), "demo", workers=WORKERS) as base:
                alone = simulate(base, devices=1, batch=BATCH, interval=INTERVAL, seconds=10)
                before = _cpu_ticks()
                loaded = simulate(
                    base, devices=DEVICES, batch=BATCH, interval=INTERVAL, seconds=SECONDS
                )
                after = _cpu_ticks()
            stored = stored_events(url, loaded["serial_prefix"])
    lost = loaded["accepted"] - stored[0]
    # How near the machine was to saturation: the headroom behind the p99.
    busy = "unknown"
    if before and after:
        busy = f"{100 * (after[0] - before[0]) / max(1, after[1] - before[1]):.0f}%"
    duplicated = stored[0] - stored[1]
    setting = (
        f"{DEVICES} reference-client handhelds, enrolled first, then each sending a batch of "
        f"{BATCH} signed scans every {INTERVAL:g} s from its own moment of the first second, for "
        f"{SECONDS} s, against gunicorn ({WORKERS} workers) and PostgreSQL on this machine "
        f"({os.cpu_count()} cores, clients included); latency is a sync's, sent to answered; "
        f"{loaded['syncs']} syncs, errors {loaded['errors']}, lost {lost}, duplicated "
        f"{duplicated}; all cores busy {busy} over the run"
    )
    emit(
        "load.sync_p99_ms",
        loaded["sync_p99_ms"],
        "ms",
        alone["sync_p99_ms"],
        f"{setting}; baseline: one handheld alone. Target: under 250 ms",
    )
    offered = DEVICES * BATCH / INTERVAL
    emit(
        "load.events_per_s",
        loaded["events_per_s"],
        "events/s",
        offered,
        f"{setting}; baseline: the rate offered ({offered:g}/s). ratio = offered / stored",
        ratio=offered / max(loaded["events_per_s"], 0.001),
    )
