"""inspection.sync: inspection records per second through device sync, detection on and off."""

import functools
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from unittest import mock

import httpx

from benchmarks import seed
from benchmarks.report import emit
from device_protocol.client import Handheld
from server import create_app, migrate, serving
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.clock import reset_clock, set_clock
from server.domain.inspection import intake
from server.domain.inspection import templates as inspection_templates
from server.domain.inspection.intake import Submission
from server.domain.models import Asset, AssetKind, TemplateVersion
from server.domain.registry import enrollment
from server.ingest import sync

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
ASSETS = 50
HISTORY = 30  # earlier weekly records per generator
BATCH = 50  # inspection events in one sync: one round of the estate's generators
ROUNDS = 9
_rng = random.Random(7)


def _weekly(week: int) -> dict:
    """A plausible weekly inspection; one in twenty has a flat battery or low oil."""
    return {
        "battery_v": 11.7 if _rng.random() < 0.03 else round(_rng.uniform(13.1, 13.7), 1),
        "charger_ok": True,
        "terminals_ok": True,
        "oil_level_ok": _rng.random() > 0.02,
        "fuel_pct": 96 - week % 10 - _rng.randint(0, 2),
        "no_leaks": True,
        "coolant_level_ok": True,
        "heater_ok": True,
        "run_hours": 1000.0 + week * 0.5,
        "auto_mode": True,
        "no_alarms": True,
    }


def _world():
    """Twenty generators with thirty weeks of inspections each, and an enrolled handheld."""
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{os.path.join(folder, 'inspections.db')}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    with app.extensions["vigil"].sessionmaker() as session:
        org, site = seed.tenant(session)
        token = set_actor(Actor(None, org.id, Role.ADMIN, label="bench"))
        set_clock(lambda: NOW - timedelta(weeks=HISTORY + 1))
        try:
            templates = {t.code: t for t in inspection_templates.install_starters(session)}
            weekly = templates["generator_weekly"]
            version = session.query(TemplateVersion).filter_by(template_id=weekly.id).one()
            generators = []
            for n in range(ASSETS):
                asset = Asset(
                    org_id=org.id, site_id=site.id, kind=AssetKind.GENERATOR,
                    name=f"{n}号发电机", code=f"G{n}",
                )  # fmt: skip
                session.add(asset)
                generators.append(asset)
            session.flush()
            for week in range(HISTORY):
                at = NOW - timedelta(weeks=HISTORY - week)
                set_clock(lambda at=at: at)
                intake.take_many(
                    session,
                    [
                        Submission(org.id, site.id, asset, weekly, version, at, _weekly(week), {})
                        for asset in generators
                    ],
                )
        finally:
            reset_clock()
            reset_actor(token)
        token = set_actor(Actor(None, org.id, Role.ADMIN, label="bench"))
        try:
            _, code = enrollment.create_code(session, site.id)
        finally:
            reset_actor(token)
        session.commit()
        serving.settle()  # as each gunicorn worker does once the app is loaded
        batches = [
            [
                {
                    "uuid": str(uuid.uuid4()),
                    "type": "inspection",
                    "device_time": (NOW - timedelta(minutes=BATCH - n)).isoformat(),
                    "asset_id": generators[n % ASSETS].id,
                    "template_id": weekly.id,
                    "version": 1,
                    "values": _weekly(HISTORY),
                }
                for n in range(BATCH)
            ]
            for r in range(ROUNDS * 2)
        ]
        return app, code, batches


def _post(http, headers, events, at) -> float:
    """One batch through POST /api/v1/device/sync as of `at`; the seconds it took."""
    set_clock(lambda: at)
    body = json.dumps({"sent_at": at.isoformat(), "events": events})
    start = time.perf_counter()
    response = http.post("/api/v1/device/sync", content=body, headers=headers)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.text
    assert all(r["status"] == "accepted" for r in response.json()["results"])
    return elapsed


def run() -> None:
    app, code, batches = _world()
    http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://bench")
    device = Handheld(http)
    set_clock(lambda: NOW)
    try:
        device.enroll(code, "BENCH-INSPECT")
        headers = device._headers() | {"Content-Type": "application/json"}
        store_only = functools.partial(sync.process, detect=False)
        judged, stored = [], []
        for n, events in enumerate(batches):  # alternating, so drift hits both alike
            at = NOW + timedelta(hours=n + 1)
            for event in events:
                event["device_time"] = (at - timedelta(minutes=1)).isoformat()
            if n % 2:
                with mock.patch.object(sync, "process", store_only):
                    stored.append(_post(http, headers, events, at))
            else:
                judged.append(_post(http, headers, events, at))
    finally:
        reset_clock()
        app.extensions["vigil"].engine.dispose()
    rate_on, rate_off = BATCH / statistics.median(judged), BATCH / statistics.median(stored)
    emit(
        "inspection.sync",
        rate_on,
        "records/s",
        rate_off,
        f"batches of {BATCH} generator weekly inspections (one per generator, about one in "
        "twenty abnormal) through POST /api/v1/device/sync (in-process WSGI, SQLite file): "
        "parse, place, check, store each record and its readings, commit; "
        f"{ASSETS} generators with {HISTORY} weeks of history each. Detection on: limits, meter, "
        "fuel-drop, flatline and spacing checks against each asset's history, alerts raised, "
        "updated and settled; baseline: alternate batches with detection off. "
        "ratio = baseline rate / our rate",
        ratio=rate_off / rate_on,
    )
