"""Importing classic wand exports as scans, exactly once however often a file comes back."""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from device_protocol import wand
from device_protocol.events import Batch, Invalid, Rejected, parse_event
from device_protocol.flags import Flag
from server.domain import access, audit, writes
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Invalid as DomainInvalid
from server.domain.models import Device, PersonTag, PhysicalTagKind, Site
from server.domain.registry import sites
from server.domain.registry.checkpoints import normalise_uid
from server.domain.registry.enrollment import Caller
from server.ingest import sync

WAND_KINDS = ("ibutton", "rfid")


@dataclass
class Report:
    """What an import did, line by line where it matters."""

    reads: int = 0
    imported: int = 0
    duplicates: int = 0
    conflicts: int = 0
    person_reads: int = 0
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    bad_rows: list[dict[str, Any]] = field(default_factory=list)
    wands: list[str] = field(default_factory=list)
    flags: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    """How to read the file: columns, time format, the wand's clock, the chip technology."""

    kind: str = "ibutton"
    wand_serial: str | None = None
    clock_offset_seconds: float = 0.0  # PC time minus wand time when the file was downloaded
    tag_column: str | None = None
    time_column: str | None = None
    wand_column: str | None = None
    time_format: str | None = None


def _wand(session: Session, site: Site, serial: str) -> Device:
    device = session.scalar(
        select(Device).where(Device.org_id == site.org_id, Device.serial == serial)
    )
    if device is None:
        device = writes.create(
            session, Device(org_id=site.org_id, serial=serial, label=f"wand {serial}")
        )
    if site not in device.sites:
        device.sites.append(site)
    return device


def import_file(
    session: Session, site_id: int, data: bytes, filename: str, options: Options
) -> Report:
    """Read an export and store its reads as scans of the site's checkpoints."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    site = sites.site_for_write(session, actor, site_id)
    if options.kind not in WAND_KINDS:
        raise DomainInvalid("unknown chip kind", {"kind": [f"one of: {', '.join(WAND_KINDS)}"]})
    try:
        reads, bad = wand.read(
            data,
            filename,
            tag_column=options.tag_column,
            time_column=options.time_column,
            wand_column=options.wand_column,
            time_format=options.time_format,
        )
    except wand.WandFileError as error:
        raise DomainInvalid(str(error), {"file": [str(error)]}) from error
    report = Report(reads=len(reads), bad_rows=[{"line": b.line, "reason": b.reason} for b in bad])
    by_wand: dict[str, list[tuple[wand.WandRead, str]]] = {}
    for read in reads:
        serial = read.wand or options.wand_serial
        try:
            uid = normalise_uid(read.tag)
        except DomainInvalid as error:
            report.bad_rows.append({"line": read.line, "reason": error.message})
            continue
        if not serial:
            report.bad_rows.append(
                {"line": read.line, "reason": "no wand serial (column or parameter)"}
            )
            continue
        by_wand.setdefault(serial, []).append((read, uid))
    people = _people(
        session, site.org_id, options.kind, {uid for group in by_wand.values() for _, uid in group}
    )
    zone = ZoneInfo(site.timezone)
    received_at = utcnow()
    flags: Counter[str] = Counter()
    for serial, group in sorted(by_wand.items()):
        device = _wand(session, site, serial)
        report.wands.append(serial)
        batch = Batch(sent_at=received_at - timedelta(seconds=options.clock_offset_seconds))
        lines: list[tuple[int, str]] = []
        guard = None
        for read, uid in sorted(group, key=lambda item: item[0].local_time):
            if uid in people:
                guard = people[uid]  # reads after a person button are that guard's
                report.person_reads += 1
                continue
            # The dedupe key reference.md gives for wands: (wand, tag, wand time).
            key = f"{site.org_id}:{serial}:{uid}:{read.local_time.isoformat()}"
            raw = {
                "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"vigil-wand:{key}")),
                "type": "scan",
                "method": options.kind,
                "uid": uid,
                "device_time": read.local_time.replace(tzinfo=zone).astimezone(UTC).isoformat(),
                **({"user_id": guard} if guard else {}),
            }
            try:
                batch.items.append(parse_event(raw))
            except Invalid as error:
                batch.items.append(Rejected(raw["uuid"], str(error)))
            lines.append((read.line, uid))
        results, _ = sync.process(session, Caller.of(device), batch, received_at)
        device.last_seen_at = received_at
        for (line, uid), result in zip(lines, results, strict=True):
            if result.status == "accepted":
                report.imported += 1
                flags.update(result.flags or [])
                if Flag.UNKNOWN_CHIP in (result.flags or []):
                    report.unmatched.append({"line": line, "tag": uid})
            elif result.status == "duplicate":
                report.duplicates += 1
            elif result.status == "conflict":
                report.conflicts += 1
            else:
                report.bad_rows.append({"line": line, "reason": result.reason})
    report.flags = dict(flags)
    audit.record(
        session,
        "import",
        site,
        {
            "wand_import": [
                None,
                {
                    "file": filename,
                    "reads": report.reads,
                    "imported": report.imported,
                    "duplicates": report.duplicates,
                    "wands": report.wands,
                },
            ]
        },
    )
    return report


def _people(session: Session, org_id: int, kind: str, uids: set[str]) -> dict[str, int]:
    if not uids:
        return {}
    stmt = select(PersonTag.uid, PersonTag.user_id).where(
        PersonTag.org_id == org_id, PersonTag.kind == PhysicalTagKind(kind), PersonTag.uid.in_(uids)
    )
    return dict(session.execute(stmt).all())
