"""Reports to read back: incidents and shift notes on two sites of a tenant, among scans."""

import hashlib
import io
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from server.domain import photos
from server.domain.actor import Role
from server.domain.models import PhotoRef

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def jpeg(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class Reports:
    """Tenant A's reports by name, and who and where they name."""

    lakeside: Any
    tower: Any
    gate: Any
    handheld: Any
    roamer: Any
    guard: Any
    other_guard: Any
    incidents: dict[str, Any]
    shifts: dict[str, Any]
    scan: Any
    foreign: Any  # another tenant's incident
    received: str  # the sha256 of a photo the server has
    awaited: str  # and of one it does not have yet


@pytest.fixture
def reports(app, make, org, site) -> Reports:
    """湖畔花园 (the `site`) and 滨江大厦, a handheld on the first and one on both."""
    tower = make.site(org, name="滨江大厦")
    gate = make.checkpoint(site, name="东门岗亭")
    handheld = make.device(org, [site], label="巡更机 1", serial="HT-0001")
    roamer = make.device(org, [site, tower], label="", serial="HT-0002")
    guard = make.user(org, Role.GUARD, [site], name="张伟")
    other_guard = make.user(org, Role.GUARD, [tower], name="李娜")

    picture = jpeg((200, 40, 40))
    received = hashlib.sha256(picture).hexdigest()
    awaited = hashlib.sha256(jpeg((40, 200, 40))).hexdigest()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.jpg"
        path.write_bytes(picture)
        blobs = app.extensions["vigil"].blobs
        photos.store(make.session, blobs, org.id, handheld.id, received, path, photos.Limits())

    def incident(device, place, user, minutes, category, severity, text, **kw):
        data = {"category": category, "severity": severity, "text": text, "checkpoint_id": None}
        return make.event(
            device,
            place,
            "incident",
            at=at(minutes),
            user_id=user.id if user else None,
            data=data | kw.pop("data", {"photos": []}),
            **kw,
        )

    def shift(device, place, user, minutes, kind, note):
        data = {"kind": kind, "note": note}
        return make.event(device, place, "shift", at=at(minutes), user_id=user.id, data=data)

    incidents = {
        "smoke": incident(
            handheld,
            site,
            guard,
            1,
            "fire",
            "high",
            "配电房有烟味",
            checkpoint_id=gate.id,
            flags=["device_clock_off"],
            data={
                "checkpoint_id": gate.id,
                "latitude": 31.2304,
                "longitude": 121.4737,
                "accuracy_m": 8.0,
                "photos": [received, awaited],
            },
        ),
        "leak": incident(handheld, site, guard, 5, "water_leak", "low", "地下车库漏水"),
        "intruder": incident(roamer, tower, other_guard, 3, "intrusion", "critical", "有人翻墙"),
        # Synced late: stored last, but it happened first.
        "scratch": incident(
            handheld, site, None, 0, "damage", "medium", "车门划痕", received_at=at(30)
        ),
    }
    make.session.add(
        PhotoRef(
            org_id=org.id, device_id=handheld.id, event_id=incidents["smoke"].id, sha256=received
        )
    )
    shifts = {
        "on": shift(handheld, site, guard, -10, "clock_in", ""),
        "handover": shift(handheld, site, guard, 20, "handover", "东门锁坏了，已报修"),
        "off": shift(roamer, tower, other_guard, 25, "clock_out", "   "),
    }
    scan = make.event(handheld, site, "scan", at=at(2), checkpoint_id=gate.id, user_id=guard.id)
    other_org = make.org()
    other_site = make.site(other_org, name="别家小区")
    foreign = make.event(
        make.device(other_org, [other_site]),
        other_site,
        "incident",
        at=at(4),
        data={"category": "fire", "severity": "high", "text": "x", "photos": []},
    )
    make.session.flush()
    return Reports(
        site,
        tower,
        gate,
        handheld,
        roamer,
        guard,
        other_guard,
        incidents,
        shifts,
        scan,
        foreign,
        received,
        awaited,
    )


def newest_first(events: list[Any]) -> list[int]:
    return [e.id for e in sorted(events, key=lambda e: (e.corrected_time, e.id), reverse=True)]
