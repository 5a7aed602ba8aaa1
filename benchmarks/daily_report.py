"""report.dar_pdf: a busy shift's daily activity report made end to end, beside the renderer
alone turning the same finished document into PDF.

The shift: one site's night (20:00 to 08:00), 60 rounds of 20 stops walked (1,200 scans, judged
by the worker's own stages), 20 incidents with 2 photos each (40 photos of 1600 x 1200, stored
as handhelds' are), a handover. Ours: the worker's report step for one request (gather from the
database, lay out, read the 40 thumbnails, render, hash, store, mark made). Baseline: render_pdf
of the very document that step laid out, thumbnails already in memory. Thumbnails are derived
once before timing, as the first look at any of these photos does. Peak memory (tracemalloc,
in an untimed run) goes in the note. On PostgreSQL when BENCH_PG_URL answers, else SQLite.
"""

import hashlib
import io
import random
import statistics
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import delete, insert

from benchmarks import seed
from benchmarks.pg import pg_or_sqlite
from benchmarks.report import emit
from server import create_app, migrate, worker
from server.domain import photos
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.models import (
    Checkpoint,
    Device,
    DeviceEvent,
    PatrolRoute,
    PhotoRef,
    Report,
    ReportKind,
    Round,
    RouteStop,
    User,
)
from server.domain.reports import library
from server.domain.reports import making as domain_making
from server.reports import daily_activity, making
from server.reports.pdf import render_pdf

DAY = date(2026, 11, 20)
SINCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
NOW = SINCE + timedelta(hours=13)
ROUNDS, STOPS, INCIDENTS, PHOTOS_EACH = 60, 20, 20, 2
RUNS = 5


def _photo(org_id: int, device_id: int, blobs: Any, session: Any, n: int) -> str:
    """A 1600 x 1200 JPEG of noise-like blocks (it compresses like a photo), stored."""
    rng = random.Random(n)
    image = Image.new("RGB", (1600, 1200))
    for x in range(0, 1600, 40):
        for y in range(0, 1200, 40):
            colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            image.paste(colour, (x, y, x + 40, y + 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    data = buffer.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.jpg"
        path.write_bytes(data)
        photos.store(session, blobs, org_id, device_id, sha, path, photos.Limits())
    return sha


def _event(org_id: int, device_id: int, site_id: int, at: datetime, **kw: Any) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "device_id": device_id,
        "uuid": str(uuid.uuid4()),
        "type": "scan",
        "fingerprint": "f" * 64,
        "device_time": at,
        "corrected_time": at,
        "time_source": "wall_clock",
        "received_at": at,
        "site_id": site_id,
        "flags": [],
        "user_id": kw.pop("user_id", None),
        **kw,
    }


def _shift(app: Any) -> tuple[int, int]:
    """The busy night, judged; (org id, site id)."""
    vigil = app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        org, site = seed.tenant(session)
        guard = User(org_id=org.id, name="王伟", login="guard", role=Role.GUARD, password_hash="-")
        device = Device(org_id=org.id, serial="BENCH", enrolled_at=SINCE - timedelta(days=30))
        session.add_all([guard, device])
        checkpoints = [
            Checkpoint(
                org_id=org.id, site_id=site.id, name=f"{n + 1}号楼 北侧消防通道", code=f"C{n}"
            )
            for n in range(STOPS)
        ]
        session.add_all(checkpoints)
        session.flush()
        route = PatrolRoute(org_id=org.id, site_id=site.id, name="夜间巡逻 A线")
        route.stops = [
            RouteStop(position=n + 1, checkpoint_id=c.id) for n, c in enumerate(checkpoints)
        ]
        session.add(route)
        session.flush()
        expected = [
            {"position": n + 1, "checkpoint_id": c.id, "name": c.name}
            for n, c in enumerate(checkpoints)
        ]
        rounds, events = [], []
        for r in range(ROUNDS):
            due = SINCE + timedelta(minutes=12 * r)
            rounds.append(
                {
                    "org_id": org.id,
                    "site_id": site.id,
                    "route_id": route.id,
                    "due_at": due,
                    "window_start": due,
                    "window_end": due + timedelta(minutes=11),
                    "order": "strict",
                    "expected": expected,
                    "assignee_id": guard.id,
                    "status": "scheduled",
                    "stops": [],
                }
            )
            for n, checkpoint in enumerate(checkpoints):
                at = due + timedelta(seconds=30 * n + 5)
                data = {"method": "qr", "photos": [], "note": ""}
                events.append(
                    _event(
                        org.id,
                        device.id,
                        site.id,
                        at,
                        checkpoint_id=checkpoint.id,
                        data=data,
                        user_id=guard.id,
                    )
                )
        session.execute(insert(Round), rounds)
        session.execute(insert(DeviceEvent), events)
        refs = []
        for i in range(INCIDENTS):
            shot = [_photo(org.id, device.id, vigil.blobs, session, i * 10 + k) for k in range(2)]
            at = SINCE + timedelta(minutes=30 * i + 7)
            text = f"第{i + 1}处：消防门闭门器损坏"
            data = {"category": "damage", "severity": "low", "text": text, "photos": shot}
            fields = _event(org.id, device.id, site.id, at, data=data, user_id=guard.id)
            event = DeviceEvent(**fields | {"type": "incident"})
            session.add(event)
            session.flush()
            refs += [
                {"org_id": org.id, "device_id": device.id, "event_id": event.id, "sha256": s}
                for s in shot
            ]
        session.execute(insert(PhotoRef), refs)
        handover = {"kind": "handover", "note": "交班：3号楼消防门待维修"}
        at = NOW - timedelta(hours=1, minutes=5)
        fields = _event(org.id, device.id, site.id, at, data=handover, user_id=guard.id)
        session.add(DeviceEvent(**fields | {"type": "shift"}))
        session.commit()
        worker.sweep(session, NOW)  # the scans taken, the rounds judged, as the worker does
        return org.id, site.id


def _ask(app: Any, org_id: int, site_id: int) -> None:
    admin = Actor(user_id=None, org_id=org_id, role=Role.ADMIN, label="bench")
    token = set_actor(admin)
    try:
        with app.extensions["vigil"].sessionmaker() as session:
            ask = library.Ask(site_id, ReportKind.DAILY_ACTIVITY, day=DAY, shift="20:00")
            library.request(session, ask)
            session.commit()
    finally:
        reset_actor(token)


def _make(app: Any) -> None:
    vigil = app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        assert making.make(session, vigil.blobs, NOW) == 1


def _forget(app: Any) -> None:
    with app.extensions["vigil"].sessionmaker() as session:
        session.execute(delete(Report))
        session.commit()


def _document(app: Any) -> Any:
    """The document the step lays out, every thumbnail read into memory."""
    vigil = app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        report = session.query(Report).one()
        gathered = domain_making.gather(session, report)
        thumbnails = making._thumbnails(vigil.blobs)
        cached = {sha: thumbnails(sha) for i in gathered.data.incidents for sha in i.photos}
        assert len(cached) == INCIDENTS * PHOTOS_EACH and all(cached.values())
        return daily_activity.document(gathered.data, cached.get, NOW)


def measure(url: str) -> dict[str, float]:
    migrate.upgrade(url)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PHOTO_DIR": folder})
        org_id, site_id = _shift(app)
        ours, bare = [], []
        for run in range(RUNS + 1):  # the first derives the thumbnails, untimed
            _ask(app, org_id, site_id)
            start = time.perf_counter()
            _make(app)
            if run:
                ours.append(time.perf_counter() - start)
            document = _document(app)
            start = time.perf_counter()
            size = len(render_pdf(document))
            bare.append(time.perf_counter() - start)
            _forget(app)
        _ask(app, org_id, site_id)
        tracemalloc.start()
        _make(app)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        app.extensions["vigil"].engine.dispose()
    return {
        "ours": statistics.median(ours),
        "bare": statistics.median(bare[1:]),
        "peak_mb": peak / 2**20,
        "pdf_kb": size / 1024,
    }


def run() -> None:
    with pg_or_sqlite("daily_report") as (url, where):
        got = measure(url)
    emit(
        "report.dar_pdf",
        got["ours"] * 1000,
        "ms",
        got["bare"] * 1000,
        f"a night shift of {ROUNDS} rounds x {STOPS} stops (all judged), {INCIDENTS} incidents "
        f"with {INCIDENTS * PHOTOS_EACH} photos of 1600x1200 and a handover: the worker's report "
        f"step made it end to end (gather, lay out, thumbnails, render, hash, store), median of "
        f"{RUNS}; baseline: render_pdf of the same laid-out document, thumbnails in memory. PDF "
        f"{got['pdf_kb']:.0f} KB; peak Python memory while making it {got['peak_mb']:.0f} MB "
        f"(tracemalloc). ({where}) target ratio at most 1.5",
    )


if __name__ == "__main__":
    run()
