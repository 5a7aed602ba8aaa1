"""The demo's handheld: enrolled, with a night's patrol, a handover and incidents with photos."""

import hashlib
import io
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from device_protocol.events import parse_batch
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.clock import utcnow
from server.domain.models import Organization, QrTag, Site, TagStatus, User
from server.domain.services import demo, enrollment, photos, tags
from server.ingest import sync
from server.storage import BlobStore

SERIAL = "HT-0001"


def _photo(colour: tuple[int, int, int], label: str) -> bytes:
    image = Image.new("RGB", (1024, 768), colour)
    ImageDraw.Draw(image).rectangle((120, 120, 900, 640), outline=(255, 255, 255), width=12)
    ImageDraw.Draw(image).text((160, 160), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def load(session: Session, blobs: BlobStore) -> None:
    """Enroll the demo handheld and sync what it recorded last night (idempotent)."""
    org = session.scalar(select(Organization).where(Organization.name == demo.ORG_NAME))
    site = session.scalar(select(Site).where(Site.org_id == org.id))
    guard = session.scalar(select(User).where(User.login == "demo-guard1"))
    token = set_actor(Actor(None, org.id, Role.ADMIN, label="demo loader"))
    try:
        _, code = enrollment.create_code(session, site.id)
    finally:
        reset_actor(token)
    device, _ = enrollment.enroll(session, code, SERIAL, "巡更机 1 Handheld 1")
    tag_rows = session.scalars(
        select(QrTag).where(
            QrTag.site_id == site.id,
            QrTag.status == TagStatus.ACTIVE,
            QrTag.checkpoint_id.is_not(None),
        )
    ).all()
    payloads = [tags.payload_of(t, tags.key_of(session, t)) for t in tag_rows]
    leak = _photo((40, 70, 120), "B2 water leak")
    light = _photo((90, 90, 30), "North gate light out")
    now = utcnow()
    start = now - timedelta(hours=8)
    # The story: the handheld was enrolled yesterday and walked last night's rounds.
    device.enrolled_at = start - timedelta(days=1)

    def at(minutes: int) -> str:
        return (start + timedelta(minutes=minutes)).isoformat()

    # Fixed uuids: loading the demo twice stores the night once.
    def event_id(n: int) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"vigil-demo-{n}"))

    events = [
        {
            "uuid": event_id(0),
            "type": "shift",
            "kind": "clock_in",
            "device_time": at(0),
            "user_id": guard.id,
        }
    ]
    events += [
        {
            "uuid": event_id(10 + n),
            "type": "scan",
            "method": "qr",
            "payload": p,
            "device_time": at(5 + 3 * n),
            "user_id": guard.id,
        }
        for n, p in enumerate(payloads)
    ]
    events += [
        {
            "uuid": event_id(1),
            "type": "incident",
            "category": "water_leak",
            "severity": "high",
            "text": "地下车库B2区消防管道接头漏水，已关闭阀门并通知工程部。"
            "Pipe joint leaking in car park B2; valve closed, engineering told.",
            "device_time": at(95),
            "user_id": guard.id,
            "photos": [hashlib.sha256(leak).hexdigest()],
        },
        {
            "uuid": event_id(2),
            "type": "incident",
            "category": "damage",
            "severity": "low",
            "text": "北门照明灯不亮。North gate light out.",
            "device_time": at(130),
            "user_id": guard.id,
            "photos": [hashlib.sha256(light).hexdigest()],
        },
        {
            "uuid": event_id(3),
            "type": "shift",
            "kind": "handover",
            "note": "B2漏水已报修，请早班跟进。B2 leak reported; day shift please follow up.",
            "device_time": at(470),
            "user_id": guard.id,
        },
        {
            "uuid": event_id(4),
            "type": "shift",
            "kind": "clock_out",
            "device_time": at(475),
            "user_id": guard.id,
        },
    ]
    batch = parse_batch({"sent_at": now.isoformat(), "events": events})
    sync.process(session, device, batch, now)
    with tempfile.TemporaryDirectory() as folder:
        for data in (leak, light):
            path = Path(folder) / "photo.jpg"
            path.write_bytes(data)
            photos.store(
                session,
                blobs,
                org.id,
                device.id,
                hashlib.sha256(data).hexdigest(),
                path,
                photos.Limits(),
            )
