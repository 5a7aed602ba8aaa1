"""Killed outright mid-work, Vigil keeps every accepted event once and every alert once."""

from server.testing.drills import sync_drill, worker_drill


def test_gunicorn_killed_mid_sync_loses_and_doubles_nothing(fresh_database_url, tmp_path):
    drill = sync_drill(
        fresh_database_url, tmp_path, devices=4, batch=10, interval=0.1, kills=2, workers=2
    )
    assert drill.kills == 2 and drill.in_flight_at_kill >= 1, "no kill landed mid-sync"
    assert drill.errors == []  # the handhelds rode out both restarts by resending
    assert drill.half_written == 0
    sent = sum(len(batch) for batch in drill.batches)
    assert drill.lost == 0 and drill.stored == drill.distinct == sent


def test_evaluator_killed_mid_sweep_leaves_each_alert_once(fresh_database_url, tmp_path):
    drill = worker_drill(fresh_database_url, tmp_path, kills=2, schedules=16)
    # Both kills hit a live worker with work still to do: mid-sweep, not after it.
    assert drill.kills == 2 and all(n > 0 for n in drill.work_left_after_kill)
    assert drill.missed_without_alert == 0
    assert drill.duplicate_keys == 0 and drill.alerts_raised_twice == 0
    assert drill.alert_kinds["round_missed"] == drill.rounds_missed
