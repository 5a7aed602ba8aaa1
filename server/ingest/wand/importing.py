"""An export imported: read, its guards found, each wand's reads stored, the import audited."""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from device_protocol import wand
from server.domain import access, audit, writes
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.models import Device, Site
from server.domain.registry import sites
from server.domain.registry.checkpoints import normalise_uid
from server.ingest.wand import people, storing
from server.ingest.wand.report import ECHO, Report

WAND_KINDS = ("ibutton", "rfid")
PREVIEW = 10  # reads shown as parsed
MAX_FILE_BYTES = 20 * 1024 * 1024  # the largest export taken, by the API and the console
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Options:
    """How to read the file: columns, time format, the wand's clock, the chip technology."""

    kind: str = "ibutton"
    wand_serial: str | None = None
    clock_offset_seconds: float = 0.0  # PC time minus wand time when the file was downloaded
    tag_column: str | None = None
    time_column: str | None = None
    wand_column: str | None = None
    guard_column: str | None = None
    time_format: str | None = None

    def mapping(self) -> wand.Mapping:
        return wand.Mapping(
            tag_column=self.tag_column,
            time_column=self.time_column,
            wand_column=self.wand_column,
            guard_column=self.guard_column,
            time_format=self.time_format,
            wand_serial=self.wand_serial,
        )


def import_file(
    session: Session,
    site_id: int,
    data: bytes,
    filename: str,
    options: Options,
    dry_run: bool = False,
) -> Report:
    """Store an export's reads as scans of the site's checkpoints.

    A dry run does all of it inside a savepoint it rolls back: its report is exactly what the
    import would do, and nothing stays written.
    """
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    site = sites.site_for_write(session, actor, site_id)
    if len(data) > MAX_FILE_BYTES:
        most = f"at most {MAX_FILE_BYTES // 2**20} MB"
        raise Invalid(f"the export is larger than the {most} taken", {"file": [most]})
    if options.kind not in WAND_KINDS:
        raise Invalid("unknown chip kind", {"kind": [f"one of: {', '.join(WAND_KINDS)}"]})
    try:
        export = wand.read(data, filename, options.mapping())
    except wand.WandFileError as error:
        raise Invalid(str(error), error.errors) from error
    name = _CONTROL.sub("", filename)[:200]
    if not dry_run:
        return _store(session, site, export, name, options)
    savepoint = session.begin_nested()
    try:
        return _store(session, site, export, name, options, dry_run=True)
    finally:
        savepoint.rollback()


def _store(
    session: Session,
    site: Site,
    export: wand.Export,
    filename: str,
    options: Options,
    dry_run: bool = False,
) -> Report:
    report = Report(
        dry_run=dry_run,
        mapping=export.layout.as_dict()
        | ({"wand_serial": options.wand_serial} if options.wand_serial else {}),
        preview=[_echo(r.as_dict()) for r in export.reads[:PREVIEW]],
        reads=len(export.reads),
        bad_rows=[{"line": b.line, "reason": b.reason} for b in export.bad],
    )
    by_wand: dict[str, list[tuple[wand.WandRead, str]]] = {}
    for read in export.reads:
        try:
            uid = normalise_uid(read.tag)
        except Invalid as error:
            report.bad(read.line, error.message[: ECHO * 2])
            continue
        by_wand.setdefault(read.wand or "", []).append((read, uid))
    guards = people.find(
        session,
        site.org_id,
        options.kind,
        {r.guard for r in export.reads if r.guard},
        {uid for group in by_wand.values() for _, uid in group},
    )
    received_at = utcnow()
    sent_at = received_at - timedelta(seconds=options.clock_offset_seconds)
    unknown: dict[str, dict[str, Any]] = {}
    for serial, group in sorted(by_wand.items()):
        device = _wand(session, site, serial)
        touches = people.attribute(group, guards, report, unknown)
        storing.store(session, site, device, touches, options.kind, sent_at, received_at, report)
        device.last_seen_at = received_at
        report.wands.append(serial)
    report.unknown_guards = sorted(unknown.values(), key=lambda u: u["first_line"])
    report.bad_rows.sort(key=lambda b: b["line"])
    counts = ("reads", "imported", "duplicates", "completed", "conflicts")
    summary = {"file": filename, **{c: getattr(report, c) for c in counts}, "wands": report.wands}
    audit.record(session, "import", site, {"wand_import": [None, summary]})
    return report


def _echo(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v[:ECHO] if isinstance(v, str) else v for k, v in row.items()}


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
