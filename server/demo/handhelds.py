"""The demo's handhelds: enrolled, with a week of rounds, trouble and incident photos."""

import hashlib
import io
import tempfile
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from device_protocol.events import parse_batch
from server import worker
from server.demo import estate, plant, week
from server.demo.week import Stop, Walker
from server.domain import photos
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.alerts import handling
from server.domain.alerts.kinds import AlertKind
from server.domain.clock import reset_clock, set_clock, utcnow
from server.domain.models import (
    Alert,
    Checkpoint,
    Organization,
    PatrolRoute,
    QrTag,
    Schedule,
    Site,
    TagStatus,
    User,
)
from server.domain.patrol import rounds_ahead
from server.domain.registry import enrollment, tags
from server.ingest import sync
from server.storage import BlobStore

SERIALS = (("HT-0001", "巡更机 1 Handheld 1"), ("HT-0002", "巡更机 2 Handheld 2"))
# The app versions they state: one has not been updated yet.
APP_VERSIONS = {"HT-0001": "2.4.1", "HT-0002": "2.3.7"}


def _photo(colour: tuple[int, int, int], label: str) -> bytes:
    image = Image.new("RGB", (1024, 768), colour)
    ImageDraw.Draw(image).rectangle((120, 120, 900, 640), outline=(255, 255, 255), width=12)
    ImageDraw.Draw(image).text((160, 160), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def load(session: Session, blobs: BlobStore) -> None:
    """Enroll the demo handhelds and replay the past week through sync and the evaluator."""
    org = session.scalar(select(Organization).where(Organization.name == estate.ORG_NAME))
    site = session.scalar(select(Site).where(Site.org_id == org.id))
    now = utcnow()
    zone = ZoneInfo(site.timezone)
    # Seven whole nights, from the day shift before the first of them, up to now.
    begun = datetime.combine(week.last_night(now, zone) - timedelta(days=6), time(12), zone)
    handhelds = []
    for serial, label in SERIALS:
        token = set_actor(Actor(None, org.id, Role.ADMIN, label="demo loader"))
        try:
            _, code = enrollment.create_code(session, site.id)
        finally:
            reset_actor(token)
        device, _ = enrollment.enroll(session, code, serial, label, APP_VERSIONS[serial])
        device.enrolled_at = begun - timedelta(days=1)
        handhelds.append(device)
    # The plant room's last four weeks come first: they are the older story.
    plant.load(session, org.id, now)
    plans = list(session.scalars(select(Schedule).where(Schedule.org_id == org.id)))
    for plan in plans:
        plan.effective_from = begun  # as if scheduled a week ago
    walkers = [_walker(session, n, plan, site, begun, now) for n, plan in enumerate(plans)]
    leak = _photo((40, 70, 120), "B2 water leak")
    light = _photo((90, 90, 30), "North gate light out")
    extra = {0: _incidents(walkers[0], site.timezone, now, leak, light)}
    for moment in week.timeline(now, site.timezone, walkers, extra):
        set_clock(lambda at=moment.at: at)
        try:
            for index, events in moment.sent.items():
                batch = parse_batch({"sent_at": moment.at.isoformat(), "events": events})
                handheld = handhelds[index]
                sync.process(session, enrollment.Caller.of(handheld), batch, moment.at)
                handheld.last_seen_at = moment.at
            worker.sweep(session, moment.at)
        finally:
            reset_clock()
    worker.sweep(session, now)
    _follow_up(session, org.id, now)
    with tempfile.TemporaryDirectory() as folder:
        for data in (leak, light):
            path = Path(folder) / "photo.jpg"
            path.write_bytes(data)
            sha256 = hashlib.sha256(data).hexdigest()
            photos.store(session, blobs, org.id, handhelds[0].id, sha256, path, photos.Limits())


def _walker(
    session: Session, index: int, plan: Schedule, site: Site, begun: datetime, now: datetime
) -> Walker:
    """Who walks a schedule's rounds, on which handheld, and which rounds are over by now."""
    route = session.get_one(PatrolRoute, plan.route_id)
    ids = [s.checkpoint_id for s in route.stops]
    places = {c.id: c for c in session.scalars(select(Checkpoint).where(Checkpoint.id.in_(ids)))}
    live = session.scalars(
        select(QrTag).where(QrTag.checkpoint_id.in_(ids), QrTag.status == TagStatus.ACTIVE)
    )
    payloads = {t.checkpoint_id: tags.payload_of(t, tags.key_of(session, t)) for t in live}
    stops = [
        Stop(
            places[s.checkpoint_id].code,
            payloads[s.checkpoint_id],
            places[s.checkpoint_id].latitude,
            places[s.checkpoint_id].longitude,
            s.require_note,
        )
        for s in route.stops
    ]
    night = index == 0
    # Each round is synced once walked, before its window closes.
    sync_after = timedelta(minutes=45 if night else 60)
    due = [o.at for o in rounds_ahead.recurrence(plan, site.timezone).between(begun, now)]
    login = "demo-guard1" if night else "demo-guard2"
    guard = session.scalar(select(User.id).where(User.login == login))
    return Walker(index, guard, route.id, stops, due, sync_after, clocks_in=night)


def _incidents(
    walker: Walker, timezone: str, now: datetime, leak: bytes, light: bytes
) -> list[dict[str, Any]]:
    """Last night's two findings, with their photos."""
    zone = ZoneInfo(timezone)
    evening = week.last_night(now, zone)
    morning = datetime.combine(evening + timedelta(days=1), time(0), zone)
    found = [
        (
            morning + timedelta(hours=2, minutes=20),
            "water_leak",
            "high",
            "地下车库B2区消防管道接头漏水，已关闭阀门并通知工程部。"
            "Pipe joint leaking in car park B2; valve closed, engineering told.",
            leak,
        ),
        (
            morning + timedelta(hours=4, minutes=35),
            "damage",
            "low",
            "北门照明灯不亮。North gate light out.",
            light,
        ),
    ]
    return [
        {
            "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"vigil-demo/incident/{at.isoformat()}")),
            "type": "incident",
            "category": category,
            "severity": severity,
            "text": text,
            "device_time": at.isoformat(),
            "user_id": walker.user_id,
            "photos": [hashlib.sha256(photo).hexdigest()],
        }
        for at, category, severity, text, photo in found
        if at <= now
    ]


def _follow_up(session: Session, org_id: int, now: datetime) -> None:
    """The supervisor closes the loop on the missed round, and is on last night's skipped stop."""
    supervisor = session.scalar(select(User).where(User.login == "demo-super"))
    sites = frozenset(supervisor.site_ids)
    token = set_actor(Actor(supervisor.id, org_id, Role.SUPERVISOR, sites, label="李主管 (demo)"))
    try:
        missed = session.scalar(
            select(Alert).where(Alert.kind == AlertKind.ROUND_MISSED).order_by(Alert.id)
        )
        if missed is not None:
            handling.resolve(
                session,
                missed.id,
                "与张伟谈话：04:00 在岗亭睡着。已警告并重新培训，夜班增加04:00电话抽查。"
                "Spoke with Zhang Wei: fell asleep in the guardhouse. Warned and retrained; "
                "night shift now gets a 04:00 phone check.",
            )
        guard = session.scalar(
            select(Alert).where(Alert.kind == AlertKind.INSPECTION_CHECK_FAILED).order_by(Alert.id)
        )
        if guard is not None:
            handling.resolve(
                session,
                guard.id,
                "补装防鼠板并检查电缆孔封堵 Rodent guard refitted; cable holes checked and sealed.",
            )
        skipped = session.scalar(
            select(Alert).where(Alert.kind == AlertKind.ROUND_INCOMPLETE).order_by(Alert.id.desc())
        )
        if skipped is not None:
            handling.acknowledge(
                session,
                skipped.id,
                "B2漏水处理中，工程部已到场。Engineering on site for the B2 leak.",
            )
    finally:
        reset_actor(token)
