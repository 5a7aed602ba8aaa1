"""Field reports: the incidents and shift notes guards send from their handhelds, as people read
them (typed, with names and photos), not as the scan log's raw events.

Both are device events (`incident`, `shift`). Lists are newest first by corrected time and read
the partial indexes `ix_device_events_reports_*`, which hold these two types only: a site's
incidents are found without walking its scans. The type is written into the SQL as a literal, so
PostgreSQL can match it against those indexes' predicate even in a prepared (generic) plan.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session

from device_protocol.events import EventType, Severity
from device_protocol.flags import Flag
from device_protocol.flags import read as read_flags
from server.domain import access
from server.domain.actor import current_actor
from server.domain.listing import PageRequest, fetch_page
from server.domain.models import Checkpoint, DeviceEvent, Photo, Site


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents: each field given narrows the list."""

    site_id: int | None = None
    checkpoint_id: int | None = None
    user_id: int | None = None  # the guard
    device_id: int | None = None  # the handheld
    category: str | None = None  # one of device_protocol.events.INCIDENT_CATEGORIES
    severity: Severity | None = None
    since: datetime | None = None  # corrected time at or after
    until: datetime | None = None  # corrected time before


@dataclass(frozen=True)
class ShiftNoteFilter:
    """Which shift events: each field given narrows the list."""

    site_id: int | None = None
    user_id: int | None = None
    device_id: int | None = None
    kind: str | None = None  # clock_in, clock_out, handover
    has_note: bool | None = None  # true: only those with something written
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Named:
    """Something the report refers to, by id and by what people call it."""

    id: int
    name: str


@dataclass(frozen=True)
class PhotoOf:
    """A photo a report names; received is False until the handheld has uploaded it."""

    sha256: str
    received: bool


@dataclass(frozen=True)
class Position:
    """Where the handheld was, as its GPS said."""

    latitude: float
    longitude: float
    accuracy_m: float | None


@dataclass(frozen=True)
class Report:
    """What every field report carries: where, who, with what, when, and why to look twice."""

    id: int
    uuid: str
    site: Named | None  # None: a handheld of several sites that named no checkpoint
    # The guard and the handheld by id; the reader's names for them come from domain.names.
    user_id: int | None  # None: the handheld named nobody
    device_id: int
    device_time: datetime
    corrected_time: datetime
    time_source: str
    received_at: datetime
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class Incident(Report):
    """Something a guard saw and reported: a fire, a leak, an intruder, damage..."""

    category: str
    severity: Severity
    text: str
    checkpoint: Named | None
    position: Position | None
    photos: list[PhotoOf]


@dataclass(frozen=True)
class ShiftNote(Report):
    """A guard coming on duty, going off, or handing the handheld over, with what they wrote."""

    kind: str
    note: str


def incidents(
    session: Session, wanted: IncidentFilter, paging: PageRequest
) -> tuple[list[Incident], int]:
    """A page of the incidents on the current actor's sites, newest first, and how many in all."""
    events, total = _page(session, incident_query(wanted), paging)
    return _Present.of(session, events).incidents(events), total


def incident(session: Session, event_id: int) -> Incident:
    """One incident on the current actor's sites (NotFound otherwise, hidden or absent)."""
    event = _one(session, EventType.INCIDENT, event_id, "incident")
    return _Present.of(session, [event]).incidents([event])[0]


def shift_notes(
    session: Session, wanted: ShiftNoteFilter, paging: PageRequest
) -> tuple[list[ShiftNote], int]:
    """A page of the shift events on the current actor's sites, newest first, and the total."""
    events, total = _page(session, shift_note_query(wanted), paging)
    return _Present.of(session, events).shift_notes(events), total


def shift_note(session: Session, event_id: int) -> ShiftNote:
    """One shift event on the current actor's sites."""
    event = _one(session, EventType.SHIFT, event_id, "shift note")
    return _Present.of(session, [event]).shift_notes([event])[0]


def incident_query(wanted: IncidentFilter) -> Select[Any]:
    """The current actor's incidents the filter asks for, unordered."""
    stmt = _reports(EventType.INCIDENT, wanted)
    if wanted.checkpoint_id is not None:
        stmt = stmt.where(DeviceEvent.checkpoint_id == wanted.checkpoint_id)
    for key in ("category", "severity"):
        value = getattr(wanted, key)
        if value is not None:
            stmt = stmt.where(DeviceEvent.data[key].as_string() == str(value))
    return stmt


def shift_note_query(wanted: ShiftNoteFilter) -> Select[Any]:
    """The current actor's shift events the filter asks for, unordered."""
    stmt = _reports(EventType.SHIFT, wanted)
    if wanted.kind is not None:
        stmt = stmt.where(DeviceEvent.data["kind"].as_string() == wanted.kind)
    if wanted.has_note is not None:
        written = func.length(func.trim(func.coalesce(DeviceEvent.data["note"].as_string(), "")))
        stmt = stmt.where(written > 0 if wanted.has_note else written == 0)
    return stmt


def _type_is(kind: EventType) -> ColumnElement[bool]:
    """`type = '<kind>'` with the value in the SQL text: what the partial indexes can match."""
    return DeviceEvent.type == literal(kind.value, literal_execute=True)


def _reports(kind: EventType, wanted: IncidentFilter | ShiftNoteFilter) -> Select[Any]:
    actor = current_actor()
    access.require_role(actor, access.READ_EVENTS)
    stmt = access.scoped(select(DeviceEvent), DeviceEvent, actor).where(_type_is(kind))
    for name in ("site_id", "user_id", "device_id"):
        value = getattr(wanted, name)
        if value is not None:
            stmt = stmt.where(getattr(DeviceEvent, name) == value)
    if wanted.since is not None:
        stmt = stmt.where(DeviceEvent.corrected_time >= wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(DeviceEvent.corrected_time < wanted.until)
    return stmt


def _page(
    session: Session, stmt: Select[Any], paging: PageRequest
) -> tuple[list[DeviceEvent], int]:
    newest_first = PageRequest(paging.page, paging.page_size, "-corrected_time")
    return fetch_page(session, stmt, DeviceEvent, newest_first, ("corrected_time",))


def _one(session: Session, kind: EventType, event_id: int, what: str) -> DeviceEvent:
    actor = current_actor()
    access.require_role(actor, access.READ_EVENTS)
    stmt = access.scoped(select(DeviceEvent), DeviceEvent, actor)
    stmt = stmt.where(DeviceEvent.id == event_id, _type_is(kind))
    return access.one_visible(session, stmt, f"{what} {event_id}")


@dataclass
class _Present:
    """The names and photos a page of reports refers to, read once per page, not per report."""

    sites: dict[int, str]
    checkpoints: dict[int, str]
    received: set[str]

    @classmethod
    def of(cls, session: Session, events: Sequence[DeviceEvent]) -> "_Present":
        def names(model: Any, ids: set[int | None], *columns: Any) -> Any:
            wanted = {i for i in ids if i is not None}
            if not wanted:
                return []
            return session.execute(select(model.id, *columns).where(model.id.in_(wanted))).all()

        hashes = {sha for e in events for sha in e.data.get("photos") or []}
        org_ids = {e.org_id for e in events}
        received: set[str] = set()
        if hashes:
            received = set(
                session.scalars(
                    select(Photo.sha256).where(Photo.org_id.in_(org_ids), Photo.sha256.in_(hashes))
                )
            )
        return cls(
            dict(names(Site, {e.site_id for e in events}, Site.name)),
            dict(names(Checkpoint, {e.checkpoint_id for e in events}, Checkpoint.name)),
            received,
        )

    def _common(self, event: DeviceEvent) -> dict[str, Any]:
        return {
            "id": event.id,
            "uuid": event.uuid,
            "site": _named(event.site_id, self.sites),
            "user_id": event.user_id,
            "device_id": event.device_id,
            "device_time": event.device_time,
            "corrected_time": event.corrected_time,
            "time_source": event.time_source,
            "received_at": event.received_at,
            "flags": read_flags(event.flags),
        }

    def incidents(self, events: Sequence[DeviceEvent]) -> list[Incident]:
        found = []
        for event in events:
            data = event.data
            found.append(
                Incident(
                    **self._common(event),
                    category=data["category"],
                    severity=Severity(data["severity"]),
                    text=data["text"],
                    checkpoint=_named(event.checkpoint_id, self.checkpoints),
                    position=_position(data),
                    photos=[PhotoOf(sha, sha in self.received) for sha in data.get("photos") or []],
                )
            )
        return found

    def shift_notes(self, events: Sequence[DeviceEvent]) -> list[ShiftNote]:
        return [
            ShiftNote(**self._common(e), kind=e.data["kind"], note=e.data.get("note") or "")
            for e in events
        ]


def _named(object_id: int | None, names: dict[int, str]) -> Named | None:
    return None if object_id is None else Named(object_id, names.get(object_id, ""))


def _position(data: dict[str, Any]) -> Position | None:
    if data.get("latitude") is None or data.get("longitude") is None:
        return None
    return Position(data["latitude"], data["longitude"], data.get("accuracy_m"))


__all__ = [
    "Incident",
    "IncidentFilter",
    "Named",
    "PhotoOf",
    "Position",
    "Report",
    "ShiftNote",
    "ShiftNoteFilter",
    "incident",
    "incident_query",
    "incidents",
    "shift_note",
    "shift_note_query",
    "shift_notes",
]
