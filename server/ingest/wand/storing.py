"""A wand's reads stored as scans through sync, and stored scans completed with their guard.

A read is what the wand recorded: its wand, the chip and the wand's time make its uuid. Who
made it is what the cradle software adds, so it stays out of the uuid and the fingerprint:
an export that names the guard of a scan stored without one completes that scan, whichever
of the two exports came first.
"""

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from device_protocol.events import Batch, Event, Invalid, Rejected, parse_event
from device_protocol.flags import Flag
from device_protocol.version import MAX_EVENTS
from server.domain.models import Device, DeviceEvent, Site
from server.domain.registry.enrollment import Caller
from server.ingest import sync
from server.ingest.wand.people import Touch
from server.ingest.wand.report import Report


def read_uuid(org_id: int, serial: str, uid: str, local_time: datetime) -> str:
    """The read's identity: the tenant's wand, the chip and the wand's time, nothing else."""
    key = f"{org_id}:{serial}:{uid}:{local_time.isoformat()}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"vigil-wand:{key}"))


def store(
    session: Session,
    site: Site,
    device: Device,
    touches: list[Touch],
    kind: str,
    sent_at: datetime,
    received_at: datetime,
    report: Report,
) -> None:
    """Store one wand's reads a sync batch at a time; count what became of each."""
    zone = ZoneInfo(site.timezone)
    caller = Caller.of(device)
    for start in range(0, len(touches), MAX_EVENTS):
        chunk = touches[start : start + MAX_EVENTS]
        batch = Batch(sent_at=sent_at)
        for touch in chunk:
            raw = {
                "uuid": read_uuid(site.org_id, device.serial, touch.uid, touch.local_time),
                "type": "scan",
                "method": kind,
                "uid": touch.uid,
                "device_time": touch.local_time.replace(tzinfo=zone).astimezone(UTC).isoformat(),
            }
            try:
                batch.items.append(replace(parse_event(raw), user_id=touch.user_id))
            except Invalid as error:
                batch.items.append(Rejected(raw["uuid"], str(error)))
        results, _ = sync.process(session, caller, batch, received_at)
        stored: list[tuple[Touch, str]] = []
        for touch, item, result in zip(chunk, batch.items, results, strict=True):
            if result.status == "accepted":
                report.imported += 1
                for flag in result.flags or []:
                    report.flags[flag] = report.flags.get(flag, 0) + 1
                if Flag.UNKNOWN_CHIP in (result.flags or []):
                    found = {"line": touch.line, "tag": touch.uid}
                    report.unmatched.append(found | {"checkpoint": touch.checkpoint})
            elif result.status in ("duplicate", "conflict") and isinstance(item, Event):
                stored.append((touch, item.uuid))  # the same read: see what it adds
            else:
                report.bad(touch.line, result.reason or result.status)
        _complete(session, device, stored, report)


def _complete(
    session: Session, device: Device, stored: list[tuple[Touch, str]], report: Report
) -> None:
    """Give stored scans without a guard the one this export names; count the rest."""
    if not stored:
        return
    pairs = [(device.id, event_uuid) for _, event_uuid in stored]
    stmt = select(
        DeviceEvent.id,
        DeviceEvent.uuid,
        DeviceEvent.user_id,
        DeviceEvent.site_id,
        DeviceEvent.flags,
    ).where(tuple_(DeviceEvent.device_id, DeviceEvent.uuid).in_(pairs))
    found = {row.uuid: row for row in session.execute(stmt)}
    known = sync.active_users(session, device.org_id, {t.user_id for t, _ in stored})
    completions: list[tuple[int, list[str], int]] = []
    for touch, event_uuid in stored:
        row = found.get(event_uuid)
        if row is None or touch.user_id is None or row.user_id == touch.user_id:
            report.duplicates += 1
        elif row.user_id is not None:
            report.conflicts += 1  # two exports name two guards: the first stays
        else:
            flag = sync.user_flag(known, touch.user_id, row.site_id)
            if flag is Flag.UNKNOWN_USER:
                report.duplicates += 1
                continue
            flags = [*row.flags, *([flag.value] if flag and flag.value not in row.flags else [])]
            completions.append((touch.user_id, flags, row.id))
    # One statement per guard and set of flags, as an insert would have had them.
    completions.sort(key=lambda c: (c[0], c[1]))
    for (user_id, flags), group in groupby(completions, key=lambda c: (c[0], c[1])):
        ids = [event_id for _, _, event_id in group]
        done: Any = session.execute(
            update(DeviceEvent)
            .where(DeviceEvent.id.in_(ids), DeviceEvent.user_id.is_(None))
            .values(user_id=user_id, flags=flags)
            .execution_options(synchronize_session=False)
        )
        report.completed += done.rowcount
        report.duplicates += len(ids) - done.rowcount  # completed meanwhile by another import
