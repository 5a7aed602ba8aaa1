"""Voluntary rounds: a guard starts and finishes a walk of a route when none is due."""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from device_protocol import flags
from device_protocol.flags import Flag
from server.db import insert_new_only
from server.domain.models import DeviceEvent, PatrolRoute, Round, RoundStatus
from server.domain.patrol import rounds_ahead

# A round with no finish event ends here; a walk of a route takes far less.
LONGEST = timedelta(hours=4)
# Only these problems are raised for a voluntary round: it is no obligation, so missing or late
# checkpoints are not findings; a stop's minimum gap still holds. (Scanning faster than anyone
# walks is judged along the handheld's chain of scans, round or no round: speed.py.)
ALERTS = frozenset({"rushed"})


def take(session: Session, events: list[DeviceEvent]) -> None:
    """Start and finish the voluntary rounds these events describe, in the order they happened."""
    usable = [
        e for e in events if e.type == "round" and Flag.UNKNOWN_ROUTE not in flags.read(e.flags)
    ]
    for event in sorted(usable, key=lambda e: (e.corrected_time, e.id)):
        if event.data["action"] == "start":
            _start(session, event)
        else:
            _finish(session, event)


def _open_rounds(device_id: int, at: datetime) -> tuple[ColumnElement[bool], ...]:
    """This handheld's voluntary rounds whose window holds the instant."""
    return (
        Round.voluntary,
        Round.device_id == device_id,
        Round.window_start <= at,
        Round.window_end > at,
    )


def _start(session: Session, event: DeviceEvent) -> None:
    at = event.corrected_time
    # One handheld walks one round at a time: a new start ends the one before.
    session.execute(
        update(Round)
        .where(*_open_rounds(event.device_id, at), Round.start_event_id != event.id)
        .values(window_end=at, needs_eval=True)
    )
    route = session.get_one(PatrolRoute, event.data["route_id"])
    stops = rounds_ahead.snapshot(session, route)
    row = {
        "org_id": event.org_id,
        "site_id": route.site_id,
        "route_id": route.id,
        "schedule_id": None,
        "voluntary": True,
        "device_id": event.device_id,
        "start_event_id": event.id,
        "due_at": at,
        "window_start": at,
        "window_end": at + LONGEST,
        # Its start is whenever the guard chose: never late.
        "grace_min": int(LONGEST.total_seconds() // 60),
        "assignee_id": event.user_id,
        "team": None,
        "order": route.order,
        "expected": rounds_ahead.walk_order(route.order, stops),
        "status": RoundStatus.SCHEDULED,
        "late_start": False,
        "stops": [],
        "settled": False,
        "needs_eval": True,
    }
    session.execute(insert_new_only(session, Round, "start_event_id"), [row])


def _finish(session: Session, event: DeviceEvent) -> None:
    at = event.corrected_time
    stmt = select(Round).where(
        *_open_rounds(event.device_id, at), Round.route_id == event.data["route_id"]
    )
    for walked in session.scalars(stmt):
        # The finish press comes after the last scan; the second keeps a same-second scan in.
        walked.window_end, walked.needs_eval = at + timedelta(seconds=1), True
