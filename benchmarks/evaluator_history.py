"""evaluator.history_10x: one evaluator pass over 100 days of history, beside 10 days of it."""

import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from benchmarks import seed
from benchmarks.report import emit
from server import create_app, migrate, serving
from server.domain.actor import reset_actor, set_actor
from server.domain.models import (
    Checkpoint,
    Device,
    DeviceEvent,
    PatrolRoute,
    Round,
    RouteStop,
    Schedule,
)
from server.worker import EVALUATOR, STAGES

NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
ROUTES = 20  # hourly rounds of four checkpoints each
STOPS = 4


def _world(days: int) -> tuple[object, list[dict]]:
    """A database with `days` of settled hourly rounds and their scans; live schedules."""
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{os.path.join(folder, 'sweep.db')}"
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    with app.extensions["vigil"].sessionmaker() as session:
        org, site = seed.tenant(session)
        site.inactivity_min = 30
        device = Device(org_id=org.id, serial="BENCH", enrolled_at=NOW - timedelta(days=400))
        session.add(device)
        routes = []
        for r in range(ROUTES):
            checkpoints = [
                Checkpoint(org_id=org.id, site_id=site.id, name=f"点 {r}-{n}", code=f"C{r}N{n}")
                for n in range(STOPS)
            ]
            session.add_all(checkpoints)
            session.flush()
            route = PatrolRoute(org_id=org.id, site_id=site.id, name=f"Route {r}")
            route.stops = [
                RouteStop(position=n + 1, checkpoint_id=c.id) for n, c in enumerate(checkpoints)
            ]
            session.add(route)
            session.flush()
            schedule = Schedule(
                org_id=org.id,
                site_id=site.id,
                route_id=route.id,
                name=f"Hourly {r}",
                rrule="FREQ=HOURLY",
                start_local="2026-01-01T00:00",
                exdates=[],
                window_min=50,
                effective_from=NOW - timedelta(hours=1),
            )
            session.add(schedule)
            session.flush()
            routes.append((route, schedule, checkpoints))
        history_rounds, history_events = [], []
        for hour in range(days * 24, 1, -1):
            due = NOW.replace(minute=0) - timedelta(hours=hour)
            for route, _, checkpoints in routes:
                expected = [
                    {"position": n + 1, "checkpoint_id": c.id, "name": c.name}
                    for n, c in enumerate(checkpoints)
                ]
                history_rounds.append(
                    {
                        "org_id": org.id,
                        "site_id": site.id,
                        "route_id": route.id,
                        "due_at": due,
                        "window_start": due,
                        "window_end": due + timedelta(minutes=50),
                        "order": "strict",
                        "expected": expected,
                        "status": "completed",
                        "stops": [],
                        "settled": True,
                    }
                )
                for n, c in enumerate(checkpoints):
                    at = due + timedelta(minutes=5 * n + 1)
                    history_events.append(_event(org.id, device, site.id, c.id, at, at))
            if hour % 24 == 0:  # a shift a day: the lone-worker watch has history too
                for kind, at in (("clock_in", due), ("clock_out", due + timedelta(hours=12))):
                    history_events.append(_shift(org.id, device, site.id, kind, at, at))
        session.execute(insert(Round), history_rounds)
        session.execute(insert(DeviceEvent), history_events)
        session.commit()
        # What the pass has to do: tonight's rounds are open and a device just sent its scans.
        # A guard clocked in tonight, so the pass also follows and watches a duty.
        pending = [_shift(org.id, device, site.id, "clock_in", NOW - timedelta(hours=2), None)]
        pending += [
            _event(org.id, device, site.id, c.id, NOW - timedelta(minutes=4), None)
            for _, _, checkpoints in routes
            for c in checkpoints
        ]
    return app, pending


def _event(org_id, device, site_id, checkpoint_id, at, evaluated):
    return {
        "org_id": org_id,
        "device_id": device.id,
        "uuid": str(uuid.uuid4()),
        "type": "scan",
        "fingerprint": "f" * 64,
        "device_time": at,
        "corrected_time": at,
        "time_source": "wall_clock",
        "received_at": at if evaluated else NOW,
        "site_id": site_id,
        "checkpoint_id": checkpoint_id,
        "data": {"method": "qr", "photos": [], "note": ""},
        "flags": [],
        "evaluated_at": evaluated,
    }


def _shift(org_id, device, site_id, kind, at, evaluated):
    event = _event(org_id, device, site_id, None, at, evaluated)
    return event | {"type": "shift", "data": {"kind": kind, "note": ""}}


def _pass(session, now) -> None:
    """The worker's stages in one transaction, so the caller can roll the pass back."""
    for stage in STAGES:
        stage.run(session, now)


def _pass_ms(app, pending) -> float:
    """Median of nine passes, each from the same state (rolled back after)."""
    serving.settle()  # as the worker does before its loop
    samples = []
    vigil = app.extensions["vigil"]
    token = set_actor(EVALUATOR)
    try:
        with vigil.sessionmaker() as session:  # rounds for the next 48 hours, made once
            _pass(session, NOW - timedelta(minutes=30))
            session.commit()
        for _ in range(9):
            with vigil.sessionmaker() as session:
                session.execute(
                    insert(DeviceEvent), [dict(e, uuid=str(uuid.uuid4())) for e in pending]
                )
                start = time.perf_counter()
                _pass(session, NOW)
                session.flush()
                samples.append((time.perf_counter() - start) * 1000)
                session.rollback()
    finally:
        reset_actor(token)
    vigil.engine.dispose()
    return statistics.median(samples)


def run() -> None:
    small = _pass_ms(*_world(10))
    large = _pass_ms(*_world(100))
    emit(
        "evaluator.history_10x",
        large,
        "ms",
        small,
        f"one evaluator pass ({ROUTES} hourly rounds open, {ROUTES * STOPS} new scans, 48 h of "
        "rounds already made) over 100 days of settled rounds and scans; baseline: the same "
        "pass over 10 days. A ratio near 1 means the pass does not grow with history",
    )
