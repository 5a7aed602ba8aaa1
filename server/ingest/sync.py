"""One sync batch: exactly-once storage of a handheld's events, set-based, one transaction."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, tuple_
from sqlalchemy.orm import Session

from device_protocol import clock
from device_protocol.events import Batch, Event, EventType, ScanMethod
from device_protocol.flags import Flag
from server.domain.actor import Role
from server.domain.errors import Invalid as DomainInvalid
from server.domain.models import (
    Checkpoint,
    DeviceEvent,
    PatrolRoute,
    PhotoRef,
    PhysicalTag,
    PhysicalTagKind,
    User,
    user_sites,
)
from server.domain.registry import checkpoints as checkpoint_rules
from server.domain.registry import tags
from server.domain.registry.enrollment import Caller
from server.ingest import event_insert
from server.ingest import inspections as inspection_intake


@dataclass
class Result:
    """What became of one event: accepted, duplicate, conflict or rejected.

    event_id is the server's id of the stored event with this uuid: the new one when accepted,
    the first copy for a duplicate or a conflict (the copy kept); None when rejected.
    """

    uuid: str | None
    status: str
    reason: str | None = None
    flags: list[Flag] | None = None
    event_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "status": self.status,
            "reason": self.reason,
            "flags": self.flags or [],
            "event_id": self.event_id,
        }


@dataclass
class _Row:
    """A new event on its way to the table."""

    event: Event
    index: int
    values: dict[str, Any]
    flags: list[Flag]


def process(
    session: Session, sender: Caller, batch: Batch, received_at: datetime, detect: bool = True
) -> tuple[list[Result], int]:
    """Store the batch's new events; return a result per event and the clock offset (ms).

    Inspection events become records at once; detect=False stores them unjudged (benchmarks).
    """
    results: list[Result | None] = [None] * len(batch.items)
    fresh: list[tuple[int, Event]] = []
    seen: dict[str, str] = {}
    for index, item in enumerate(batch.items):
        if not isinstance(item, Event):
            results[index] = Result(item.uuid, "rejected", item.reason)
        elif item.uuid in seen:
            same = seen[item.uuid] == item.fingerprint
            results[index] = _repeat(item.uuid, same)
        else:
            seen[item.uuid] = item.fingerprint
            fresh.append((index, item))

    # Insert first and ask about the rest after: resends are rare, so the usual batch never
    # reads the device's history, and a long-lived handheld syncs as fast as a new one.
    skew = clock.offset(batch, received_at)
    rows = [_row(sender, batch, received_at, skew, index, event) for index, event in fresh]
    _resolve(session, sender, rows)
    storable = [r for r in rows if "reject" not in r.values]
    forms = inspection_intake.resolve(
        session, sender.org_id, sender.site_ids, _inspections(storable)
    )
    inserted = _insert(session, storable)
    inspection_intake.record(session, sender.id, forms, inserted, detect)
    unstored = [r.event.uuid for r in rows if r.event.uuid not in inserted]
    stored = _stored(session, sender.id, unstored)
    for row in rows:
        uuid = row.event.uuid
        if uuid in inserted:
            results[row.index] = Result(uuid, "accepted", flags=row.flags)
        elif uuid in stored:  # sent before: the same event again, or other content
            results[row.index] = _repeat(uuid, stored[uuid][1] == row.event.fingerprint)
        elif "reject" in row.values:
            results[row.index] = Result(uuid, "rejected", row.values["reject"])
        else:  # a concurrent copy of this batch stored it first
            results[row.index] = Result(uuid, "duplicate")
    ids = inserted | {uuid: event_id for uuid, (event_id, _) in stored.items()}
    named = [_named(r, ids) for r in results if r is not None]
    return named, round(skew.total_seconds() * 1000)


def _named(result: Result, ids: dict[str, int]) -> Result:
    """The result with its stored event's id; a repeat inside the batch names the copy kept."""
    if result.status != "rejected" and result.uuid is not None:
        result.event_id = ids.get(result.uuid)
    return result


def _inspections(rows: list["_Row"]) -> list[Any]:
    return [r for r in rows if r.event.type is EventType.INSPECTION]


def _repeat(uuid: str, same: bool) -> Result:
    if same:
        return Result(uuid, "duplicate")
    return Result(
        uuid, "conflict", "this uuid was already used for other content; the first is kept"
    )


def _stored(session: Session, device_id: int, uuids: list[str]) -> dict[str, tuple[int, str]]:
    """{uuid: (id, fingerprint)} of the device's events already stored with these uuids."""
    if not uuids:
        return {}
    # Pairs, not "device_id = ? AND uuid IN (...)": with that, PostgreSQL's generic plan may
    # read every event of the device and filter, a cost that grows with the device's history.
    pairs = tuple_(DeviceEvent.device_id, DeviceEvent.uuid).in_([(device_id, u) for u in uuids])
    stmt = select(DeviceEvent.uuid, DeviceEvent.id, DeviceEvent.fingerprint).where(pairs)
    return {uuid: (event_id, fingerprint) for uuid, event_id, fingerprint in session.execute(stmt)}


def _row(
    device: Caller, batch: Batch, received_at: datetime, skew: Any, index: int, event: Event
) -> _Row:
    corrected, source = clock.corrected_time(event, batch, received_at)
    flags = clock.flags(corrected, received_at, skew, device.enrolled_at)
    values = {
        "org_id": device.org_id,
        "device_id": device.id,
        "uuid": event.uuid,
        "type": event.type.value,
        "fingerprint": event.fingerprint,
        "device_time": event.device_time,
        "corrected_time": corrected,
        "time_source": source,
        "received_at": received_at,
        "monotonic_ms": event.monotonic_ms,
        "boot_id": event.boot_id,
        "user_id": event.user_id,
        "site_id": device.site_ids[0] if len(device.site_ids) == 1 else None,
        "checkpoint_id": None,
        "qr_tag_id": None,
        "data": dict(event.data),
    }
    return _Row(event, index, values, flags)


def _resolve(session: Session, device: Caller, rows: list[_Row]) -> None:
    """Find each event's checkpoint and flag what is suspect, a few queries for the batch."""
    scans = [r for r in rows if r.event.type is EventType.SCAN]
    _resolve_qr(session, device, [r for r in scans if r.event.data["method"] == ScanMethod.QR])
    _resolve_chips(
        session,
        device,
        [r for r in scans if r.event.data["method"] not in (ScanMethod.QR, ScanMethod.MANUAL)],
    )
    _resolve_codes(
        session, device, [r for r in scans if r.event.data["method"] == ScanMethod.MANUAL]
    )
    incidents = [
        r for r in rows if r.event.type is EventType.INCIDENT and r.event.data["checkpoint_id"]
    ]
    known = _checkpoints(session, device, {r.event.data["checkpoint_id"] for r in incidents})
    for row in incidents:
        _place(row, device, known.get(row.event.data["checkpoint_id"]), Flag.UNKNOWN_CHECKPOINT)
    _resolve_routes(session, device, [r for r in rows if r.event.type is EventType.ROUND])
    _check_users(session, device, [r for r in rows if r.event.user_id is not None])


# What placing an event needs of a checkpoint: columns, not entities (cheaper to load).
_SPOT = (Checkpoint.id, Checkpoint.site_id, Checkpoint.active)


def _checkpoints(session: Session, device: Caller, ids: Iterable[int]) -> dict[int, Row[Any]]:
    ids = set(ids)
    if not ids:
        return {}
    stmt = select(*_SPOT).where(Checkpoint.org_id == device.org_id, Checkpoint.id.in_(ids))
    return {c.id: c for c in session.execute(stmt)}


def _place(
    row: _Row, device: Caller, spot: tuple[int, int, bool] | None, missing_flag: Flag
) -> None:
    """Put the event at a checkpoint, given as its (id, site_id, active); flag what is odd."""
    if spot is None:
        row.flags.append(missing_flag)
        return
    checkpoint_id, site_id, active = spot
    row.values["checkpoint_id"], row.values["site_id"] = checkpoint_id, site_id
    if site_id not in device.site_ids:
        row.flags.append(Flag.OTHER_SITE)
    if not active:
        row.flags.append(Flag.INACTIVE_CHECKPOINT)


def _resolve_routes(session: Session, device: Caller, rows: list[_Row]) -> None:
    """A voluntary round's route must be an active route on one of the handheld's sites."""
    ids = {r.event.data["route_id"] for r in rows}
    if not ids:
        return
    stmt = select(PatrolRoute.id, PatrolRoute.site_id).where(
        PatrolRoute.org_id == device.org_id,
        PatrolRoute.id.in_(ids),
        PatrolRoute.site_id.in_(device.site_ids),
        PatrolRoute.active,
    )
    sites = {route: site for route, site in session.execute(stmt)}
    for row in rows:
        site = sites.get(row.event.data["route_id"])
        if site is None:
            row.flags.append(Flag.UNKNOWN_ROUTE)
        else:
            row.values["site_id"] = site


def _resolve_qr(session: Session, device: Caller, rows: list[_Row]) -> None:
    verdicts = tags.verify_many(session, [r.event.data["payload"] for r in rows], device.org_id)
    for row, verdict in zip(rows, verdicts, strict=True):
        tag = verdict.tag
        if verdict.problem is not None:
            # Forged, revoked and foreign tags are evidence: kept, flagged, never dropped.
            row.flags.append(verdict.problem.flag)
        if tag is None:
            continue
        row.values["qr_tag_id"] = tag.id
        if tag.asset_id is not None:
            row.values["data"]["asset_id"] = tag.asset_id
            row.values["site_id"] = tag.site_id
        else:
            # The verification read the checkpoint with the tag: no second query.
            spot = (tag.checkpoint_id, tag.checkpoint_site_id, tag.subject_active)
            _place(row, device, spot, Flag.UNKNOWN_CHECKPOINT)


def _resolve_chips(session: Session, device: Caller, rows: list[_Row]) -> None:
    wanted: dict[tuple[PhysicalTagKind, str], list[_Row]] = {}
    for row in rows:
        try:
            uid = checkpoint_rules.normalise_uid(row.event.data["uid"])
        except DomainInvalid as error:
            row.values["reject"] = error.message
            continue
        row.values["data"]["uid"] = uid
        wanted.setdefault((PhysicalTagKind(row.event.data["method"]), uid), []).append(row)
    if not wanted:
        return
    stmt = select(PhysicalTag.kind, PhysicalTag.uid, PhysicalTag.checkpoint_id).where(
        PhysicalTag.org_id == device.org_id,
        tuple_(PhysicalTag.kind, PhysicalTag.uid).in_(list(wanted)),
    )
    chips = {(kind, uid): checkpoint_id for kind, uid, checkpoint_id in session.execute(stmt)}
    known = _checkpoints(session, device, chips.values())
    for key, group in wanted.items():
        for row in group:
            _place(row, device, known.get(chips.get(key, 0)), Flag.UNKNOWN_CHIP)


def _resolve_codes(session: Session, device: Caller, rows: list[_Row]) -> None:
    for row in rows:
        row.flags.append(Flag.MANUAL_ENTRY)
        row.values["data"]["code"] = row.event.data["code"].strip().upper()
    codes = {r.values["data"]["code"] for r in rows}
    if not codes:
        return
    stmt = select(*_SPOT, Checkpoint.code).where(
        Checkpoint.org_id == device.org_id,
        Checkpoint.site_id.in_(device.site_ids),
        func.upper(Checkpoint.code).in_(codes),
    )
    by_code: dict[str, list[Row[Any]]] = {}
    for checkpoint in session.execute(stmt):
        by_code.setdefault(checkpoint.code.upper(), []).append(checkpoint)
    for row in rows:
        matches = by_code.get(row.values["data"]["code"], [])
        if len(matches) > 1:
            row.flags.append(Flag.AMBIGUOUS_CODE)
        else:
            _place(row, device, matches[0][:3] if matches else None, Flag.UNKNOWN_CODE)


def _check_users(session: Session, device: Caller, rows: list[_Row]) -> None:
    """The person an event names must be an active user of the tenant, on the event's site.

    The handheld only says who carries it, so a name from elsewhere is flagged for review.
    """
    known = active_users(session, device.org_id, {r.event.user_id for r in rows})
    for row in rows:
        flag = user_flag(known, row.event.user_id, row.values["site_id"])
        if flag is Flag.UNKNOWN_USER:
            row.values["user_id"] = None
        if flag is not None:
            row.flags.append(flag)


def active_users(
    session: Session, org_id: int, user_ids: Iterable[int | None]
) -> dict[int, set[int] | None]:
    """The tenant's active users among user_ids, with their sites (None for an admin: all)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    stmt = (
        select(User.id, User.role, user_sites.c.site_id)
        .outerjoin(user_sites, user_sites.c.user_id == User.id)
        .where(User.org_id == org_id, User.id.in_(ids), User.active)
    )
    sites: dict[int, set[int]] = {}
    everywhere: set[int] = set()
    for user_id, role, site_id in session.execute(stmt):
        sites.setdefault(user_id, set()).add(site_id)
        if role is Role.ADMIN:  # admins work on every site of their organization
            everywhere.add(user_id)
    return {user: None if user in everywhere else found for user, found in sites.items()}


def user_flag(
    known: dict[int, set[int] | None], user_id: int | None, site_id: int | None
) -> Flag | None:
    """Why an event's person is doubtful: not an active user here, or not on the event's site."""
    if user_id is None:
        return None
    if user_id not in known:
        return Flag.UNKNOWN_USER
    sites = known[user_id]
    if site_id is not None and sites is not None and site_id not in sites:
        return Flag.USER_OTHER_SITE
    return None


def _insert(session: Session, rows: list[_Row]) -> dict[str, int]:
    """Insert all rows; any whose (device, uuid) already exists is skipped, not an error."""
    connection = session.connection()
    ids = event_insert.insert_new(connection, [r.values | {"flags": r.flags} for r in rows])
    refs = [
        {
            "org_id": r.values["org_id"],
            "device_id": r.values["device_id"],
            "event_id": ids[r.event.uuid],
            "sha256": sha,
        }
        for r in rows
        if r.event.uuid in ids
        for sha in r.values["data"].get("photos", [])
    ]
    if refs:
        connection.execute(PhotoRef.__table__.insert(), refs)
    return ids
