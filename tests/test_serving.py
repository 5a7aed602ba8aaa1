"""What `make run` starts, answering over HTTP; and simulated handhelds against it."""

import gc
import json
import urllib.request

from server import serving
from server.testing.live import live_server, simulate, stored_events


def get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
        return response.status, json.loads(response.read())


def test_gunicorn_serves_health_and_openapi(fresh_database_url, tmp_path):
    with live_server(fresh_database_url, tmp_path) as url:
        assert get(f"{url}/api/health") == (200, {"status": "ok", "database": "ok"})
        status, spec = get(f"{url}/api/openapi.json")
        assert status == 200 and spec["info"]["title"] == "Vigil"


def test_simulated_handhelds_sync_against_a_real_server(fresh_database_url, tmp_path):
    with live_server(fresh_database_url, tmp_path, "demo") as url:
        report = simulate(url, devices=3, batch=10, interval=0.2, seconds=2)
        stored = stored_events(fresh_database_url, report["serial_prefix"])
    assert report["errors"] == 0, report["first_errors"]
    assert report["accepted"] >= 3 * 10 and report["duplicate"] == 0
    # Every event a device saw accepted is stored, once.
    assert stored == (report["accepted"], report["accepted"])


def test_a_gunicorn_worker_freezes_its_startup_heap():
    gc.unfreeze()
    try:
        serving.post_worker_init(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
