"""The scan log: what handhelds reported, newest first, a page at a time or as CSV.

Pages are keyset pages on (corrected_time, id): the cursor names the last event shown, so a page
costs the same however deep it is, and new events arriving meanwhile (at the top) neither repeat
an event nor push one off the page it was to be on.
"""

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from device_protocol.events import EventType
from device_protocol.flags import Flag
from server.domain import access, exports
from server.domain.actor import Actor, current_actor
from server.domain.errors import Invalid
from server.domain.models import Checkpoint, Device, DeviceEvent, Site, User

# A page holds at most this many events.
MAX_LIMIT = 200
# A CSV export covers at most this many events; narrow the filter beyond it.
MAX_EXPORT = 100_000
# It reads them this many at a time.
_CHUNK = 1000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"(-?\d{1,18})\.(\d{1,18})")


@dataclass(frozen=True)
class Filter:
    """Which events: each field given narrows the list; flags match events with any of them."""

    site_id: int | None = None
    device_id: int | None = None
    user_id: int | None = None
    checkpoint_id: int | None = None
    type: EventType | None = None
    flags: frozenset[Flag] = frozenset()
    since: datetime | None = None  # corrected time at or after
    until: datetime | None = None  # corrected time before


@dataclass(frozen=True)
class Cursor:
    """A place in the log, newest first: the events after it are older than this one."""

    at: datetime  # the last event's corrected time
    id: int

    def encode(self) -> str:
        """Opaque text for clients, to send back as it is."""
        micros = (self.at - _EPOCH) // timedelta(microseconds=1)
        return base64.urlsafe_b64encode(f"{micros}.{self.id}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        """A cursor this list gave out; anything else is Invalid."""
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
            found = _CURSOR.fullmatch(raw.decode("ascii"))
            if found is None:
                raise ValueError(text)
            micros, event_id = int(found[1]), int(found[2])
            return cls(_EPOCH + timedelta(microseconds=micros), event_id)
        except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError) as error:
            message = "not a cursor this list gave out; start again without one"
            raise Invalid(message, {"cursor": [message]}) from error

    @classmethod
    def after(cls, event: DeviceEvent) -> "Cursor":
        """The place just past this event."""
        return cls(event.corrected_time, event.id)


@dataclass(frozen=True)
class Page:
    """Some events, newest first, and the cursor of the next page (None on the last)."""

    items: list[DeviceEvent]
    next_cursor: str | None


def page(session: Session, wanted: Filter, after: Cursor | None, limit: int) -> Page:
    """One page of the events the current actor may see, newest first, after the cursor."""
    actor = current_actor()
    access.require_role(actor, access.READ_EVENTS)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit is 1 to {MAX_LIMIT}", {"limit": [f"1 to {MAX_LIMIT}"]})
    stmt = _newest_first(_matching(actor, wanted), after).limit(limit + 1)
    found = list(session.scalars(stmt))
    items = found[:limit]
    more = len(found) > limit
    return Page(items, Cursor.after(items[-1]).encode() if more else None)


def _matching(actor: Actor, wanted: Filter) -> Select[Any]:
    """The events the actor may see (tenant, then sites) that the filter asks for."""
    stmt = access.scoped(select(DeviceEvent), DeviceEvent, actor)
    for name in ("site_id", "device_id", "user_id", "checkpoint_id"):
        value = getattr(wanted, name)
        if value is not None:
            stmt = stmt.where(getattr(DeviceEvent, name) == value)
    if wanted.type is not None:
        stmt = stmt.where(DeviceEvent.type == wanted.type.value)
    if wanted.flags:
        # Flags are kept as a JSON list of names, so a quoted name matches that flag only; a
        # LIKE reads the same on both engines, where JSON functions differ.
        text = cast(DeviceEvent.flags, String)
        stmt = stmt.where(or_(*(text.like(f'%"{flag.value}"%') for flag in sorted(wanted.flags))))
    if wanted.since is not None:
        stmt = stmt.where(DeviceEvent.corrected_time >= wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(DeviceEvent.corrected_time < wanted.until)
    return stmt


def _newest_first(stmt: Select[Any], after: Cursor | None) -> Select[Any]:
    if after is not None:
        # The time bound alone is what an index on (..., corrected_time) can seek to; the id
        # settles ties between events of the same instant.
        at = DeviceEvent.corrected_time
        stmt = stmt.where(at <= after.at, or_(at < after.at, DeviceEvent.id < after.id))
    return stmt.order_by(DeviceEvent.corrected_time.desc(), DeviceEvent.id.desc())


# --- CSV ---------------------------------------------------------------------------------------

HEADER = [
    "id",
    "uuid",
    "type",
    "corrected_time",
    "device_time",
    "received_at",
    "time_source",
    "site_id",
    "site",
    "checkpoint_id",
    "checkpoint",
    "device_id",
    "device",
    "device_serial",
    "user_id",
    "guard",
    "flags",
    "data",
]

_COLUMNS = (
    DeviceEvent.id,
    DeviceEvent.uuid,
    DeviceEvent.type,
    DeviceEvent.corrected_time,
    DeviceEvent.device_time,
    DeviceEvent.received_at,
    DeviceEvent.time_source,
    DeviceEvent.site_id,
    DeviceEvent.checkpoint_id,
    DeviceEvent.device_id,
    DeviceEvent.user_id,
    DeviceEvent.flags,
    DeviceEvent.data,
)


def export(sessions: Callable[[], Session], wanted: Filter) -> Iterator[str]:
    """The same events as CSV lines for Excel, newest first, times in each site's timezone.

    The lines are written as they are sent, after the caller has returned: `sessions` gives
    the session of the moment, then and later. Nothing is refused once writing has begun.
    """
    actor = current_actor()
    access.require_role(actor, access.READ_EVENTS)
    session = sessions()
    stmt = _matching(actor, wanted)
    head = stmt.with_only_columns(DeviceEvent.id).limit(MAX_EXPORT + 1).subquery()
    if (session.scalar(select(func.count()).select_from(head)) or 0) > MAX_EXPORT:
        message = f"more than {MAX_EXPORT} events: export a shorter time range or fewer events"
        raise Invalid(message, {"since": ["later"], "until": ["earlier"]})
    names = _Names.of(session, actor.org_id)
    return exports.lines(HEADER, (names.row(r) for r in _rows(sessions, stmt)))


def _rows(sessions: Callable[[], Session], stmt: Select[Any]) -> Iterator[Row[Any]]:
    """The statement's rows newest first, read a keyset page at a time, never all at once."""
    after = None
    while True:
        page = _newest_first(stmt, after).with_only_columns(*_COLUMNS).limit(_CHUNK)
        rows = sessions().execute(page).all()
        yield from rows
        if len(rows) < _CHUNK:
            return
        after = Cursor(rows[-1].corrected_time, rows[-1].id)


@dataclass
class _Names:
    """What the tenant calls its sites, checkpoints, handhelds and people."""

    sites: dict[int, tuple[str, tzinfo]]
    checkpoints: dict[int, str]
    devices: dict[int, tuple[str, str]]
    users: dict[int, str]

    @classmethod
    def of(cls, session: Session, org_id: int) -> "_Names":
        def read(model: Any, *columns: Any) -> Any:
            return session.execute(select(model.id, *columns).where(model.org_id == org_id))

        sites = read(Site, Site.name, Site.timezone)
        devices = read(Device, Device.label, Device.serial)
        return cls(
            {site: (name, ZoneInfo(zone)) for site, name, zone in sites},
            dict(read(Checkpoint, Checkpoint.name).all()),
            {device: (label, serial) for device, label, serial in devices},
            dict(read(User, User.name).all()),
        )

    def row(self, event: Row[Any]) -> list[Any]:
        """One event as CSV cells; times in its site's timezone (UTC when it has no site)."""
        site, zone = self.sites.get(event.site_id, ("", UTC))
        label, serial = self.devices.get(event.device_id, ("", ""))
        text = exports.cell

        def local(at: datetime) -> str:
            return at.astimezone(zone).isoformat(timespec="seconds")

        return [
            event.id,
            event.uuid,
            event.type,
            local(event.corrected_time),
            local(event.device_time),
            local(event.received_at),
            event.time_source,
            event.site_id or "",
            text(site),
            event.checkpoint_id or "",
            text(self.checkpoints.get(event.checkpoint_id, "")),
            event.device_id,
            text(label),
            text(serial),
            event.user_id or "",
            text(self.users.get(event.user_id, "")),
            " ".join(event.flags),
            text(json.dumps(event.data, ensure_ascii=False, sort_keys=True)),
        ]


__all__ = ["HEADER", "MAX_EXPORT", "MAX_LIMIT", "Cursor", "Filter", "Page", "export", "page"]
