"""Run every benchmark; one JSON object per line on stdout."""

from benchmarks import (
    api_get_checkpoint,
    console,
    crash_drill,
    daily_report,
    detect_truth,
    evaluator_history,
    event_log,
    fuzz,
    inspection_sync,
    load_sync,
    notify,
    photo_upload,
    qr_sheet,
    reports,
    sync_scans,
)

BENCHMARKS = (
    api_get_checkpoint,
    qr_sheet,
    sync_scans,
    photo_upload,
    evaluator_history,
    detect_truth,
    inspection_sync,
    event_log,
    console,
    load_sync,
    crash_drill,
    notify,
    reports,
    daily_report,
    fuzz,
)

if __name__ == "__main__":
    for benchmark in BENCHMARKS:
        benchmark.run()
