"""sync.scans_500: QR scans per second through the sync endpoint, beside a raw executemany."""

import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import text

from benchmarks import seed
from benchmarks.report import emit
from device_protocol.client import Handheld
from server import create_app, migrate, serving
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.registry import enrollment, tags

BATCH = 500
BATCHES = 20


def _seed(app):
    """A site with 50 tagged checkpoints and an enrolled handheld."""
    with app.extensions["vigil"].sessionmaker() as session:
        org, site = seed.tenant(session)
        token = set_actor(Actor(None, org.id, Role.ADMIN, label="bench"))
        try:
            from server.domain.registry import checkpoints

            payloads = []
            for n in range(50):
                cp = checkpoints.create(
                    session, {"site_id": site.id, "name": f"巡更点 {n}", "code": f"CP{n}"}
                )
                tag = tags.issue(session, {"checkpoint_id": cp.id})
                payloads.append(tags.payload_of(tag, tags.key_of(session, tag)))
            _, code = enrollment.create_code(session, site.id)
        finally:
            reset_actor(token)
        session.commit()
        return payloads, code


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{os.path.join(folder, 'bench.db')}"
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
        payloads, code = _seed(app)
        serving.settle()  # as each gunicorn worker does once the app is loaded
        http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://bench")
        device = Handheld(http)
        device.enroll(code, "BENCH-1")
        # Batches are built before timing: we measure the server, not the client's queue.
        bodies = []
        for b in range(BATCHES):
            for n in range(BATCH):
                device.scan_qr(
                    payloads[(b * BATCH + n) % len(payloads)], latitude=31.2, longitude=121.5
                )
            bodies.append({"sent_at": datetime.now(UTC).isoformat(), "events": device.queue[:]})
            device.queue.clear()
        headers = device._headers()
        start = time.perf_counter()
        for body in bodies:
            response = http.post(
                "/api/v1/device/sync",
                content=json.dumps(body),
                headers=headers | {"Content-Type": "application/json"},
            )
            assert response.status_code == 200, response.text
            assert all(r["status"] == "accepted" for r in response.json()["results"])
        ours = BATCHES * BATCH / (time.perf_counter() - start)

        # Baseline: the same number of rows, same table, sqlite3's executemany, one commit a batch.
        with app.extensions["vigil"].engine.connect() as conn:
            device_id, org_id = conn.execute(text("SELECT id, org_id FROM devices")).one()
        raw = app.extensions["vigil"].engine.raw_connection()
        cursor = raw.cursor()
        now = datetime.now(UTC).replace(tzinfo=None)
        start = time.perf_counter()
        for _ in range(BATCHES):
            rows = [
                (
                    org_id,
                    device_id,
                    str(uuid.uuid4()),
                    "scan",
                    "f" * 64,
                    now,
                    now,
                    "wall_clock",
                    now,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    '{"method":"qr"}',
                    "[]",
                )
                for _ in range(BATCH)
            ]
            cursor.execute("BEGIN")
            cursor.executemany(
                "INSERT INTO device_events (org_id, device_id, uuid, type, fingerprint, "
                "device_time, corrected_time, time_source, received_at, monotonic_ms, boot_id, "
                "user_id, site_id, checkpoint_id, qr_tag_id, data, flags) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            cursor.execute("COMMIT")
        baseline = BATCHES * BATCH / (time.perf_counter() - start)
        raw.close()
        app.extensions["vigil"].engine.dispose()
    # Cost per scan: the ratio compares seconds per scan (ours / baseline).
    emit(
        "sync.scans_500",
        ours,
        "scans/s",
        baseline,
        f"{BATCHES} batches of {BATCH} signed QR scans through POST /api/v1/device/sync "
        "(in-process WSGI, SQLite file, each verified, clock-corrected and stored once); "
        "baseline: sqlite3 executemany of the same number of rows into device_events. "
        "ratio here = baseline rate / our rate (cost per scan, lower is better)",
        ratio=baseline / ours,
    )
