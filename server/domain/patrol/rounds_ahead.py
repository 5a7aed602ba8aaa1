"""Rounds made ahead from schedules: one per occurrence, whoever else is making them too."""

import logging
import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.db import insert_new_only
from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.models import (
    Checkpoint,
    PatrolRoute,
    Round,
    RoundStatus,
    RouteOrder,
    Schedule,
    Site,
)
from server.domain.recurrence import Recurrence

log = logging.getLogger("vigil.worker")
HORIZON = timedelta(hours=48)  # rounds exist this far ahead, for devices' offline config
REFILL = timedelta(hours=24)  # a schedule is topped up once less than this is left
# Caps on a schedule's minutes: a round's window is then never longer than LONGEST_WINDOW (a
# voluntary round's four hours are less), which keeps the sweep's window lookups bounded.
MAX_WINDOW_MIN = 1440
MAX_EDGE_MIN = 240  # early and late tolerance, and grace
LONGEST_WINDOW = timedelta(minutes=MAX_EDGE_MIN + MAX_WINDOW_MIN + MAX_EDGE_MIN)
_shuffle = random.SystemRandom()  # a patrol order no one can predict from the last one


def recurrence(schedule: Schedule, timezone: str) -> Recurrence:
    """The schedule's rule, ready to expand."""
    return Recurrence(
        schedule.rrule,
        datetime.fromisoformat(schedule.start_local),
        timezone,
        tuple(schedule.exdates),
        schedule.gap_policy,
    )


def snapshot(session: Session, route: PatrolRoute) -> list[dict[str, Any]]:
    """The route's stops as a round keeps them, with what evaluation needs of each checkpoint."""
    ids = [s.checkpoint_id for s in route.stops]
    checkpoints = {
        c.id: c for c in session.scalars(select(Checkpoint).where(Checkpoint.id.in_(ids)))
    }
    return [
        {
            "position": s.position,
            "checkpoint_id": s.checkpoint_id,
            "name": checkpoints[s.checkpoint_id].name,
            "code": checkpoints[s.checkpoint_id].code,
            "latitude": checkpoints[s.checkpoint_id].latitude,
            "longitude": checkpoints[s.checkpoint_id].longitude,
            "offset_min": s.offset_min,
            "tolerance_min": s.tolerance_min,
            "require_photo": s.require_photo,
            "require_note": s.require_note,
            "min_gap_s": s.min_gap_s,
            "optional": s.optional,
        }
        for s in route.stops
    ]


def walk_order(order: RouteOrder, stops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if order is RouteOrder.RANDOM:
        return _shuffle.sample(stops, len(stops))
    return list(stops)


def materialise(session: Session, now: datetime) -> int:
    """Create the rounds due in the next HORIZON for every live schedule; return how many."""
    stmt = (
        select(Schedule, Site.timezone)
        .join(Site, Site.id == Schedule.site_id)
        .where(
            Schedule.active,
            ~Schedule.paused,
            (Schedule.materialised_until.is_(None)) | (Schedule.materialised_until < now + REFILL),
        )
        .order_by(Schedule.id)  # concurrent workers take row locks in the same order
    )
    made = 0
    for schedule, timezone in session.execute(stmt).all():
        try:
            made += _materialise_one(session, schedule, recurrence(schedule, timezone), now)
        except Invalid as error:
            # A rule saved before its form was refused (it fails before anything is written):
            # one schedule must not stop the rest.
            why = {"schedule_id": schedule.id, "why": error.message}
            log.warning("schedule rule unreadable", extra=why)
    return made


def _materialise_one(session: Session, schedule: Schedule, rule: Recurrence, now: datetime) -> int:
    route = session.get_one(PatrolRoute, schedule.route_id)
    until = now + HORIZON
    start = max(schedule.materialised_until or schedule.effective_from, schedule.effective_from)
    due = [o.at for o in rule.between(start, until)]
    if due:
        # Each window stops where the next round begins, so a scan belongs to one round.
        following = rule.first_after(due[-1])
        nexts = [*due[1:], following.at if following else None]
        stops = snapshot(session, route) if route.active else []
        rows = [
            _row(schedule, route, stops, at, next_at)
            for at, next_at in zip(due, nexts, strict=True)
        ]
        if stops:
            _insert(session, rows)
    schedule.materialised_until = until
    return len(due) if route.active else 0


def _row(
    schedule: Schedule,
    route: PatrolRoute,
    stops: list[dict[str, Any]],
    at: datetime,
    next_at: datetime | None,
) -> dict[str, Any]:
    end = at + timedelta(minutes=schedule.window_min + schedule.late_min)
    if next_at is not None:
        end = min(end, next_at - timedelta(minutes=schedule.early_min))
    return {
        "org_id": schedule.org_id,
        "site_id": schedule.site_id,
        "route_id": route.id,
        "schedule_id": schedule.id,
        "voluntary": False,
        "due_at": at,
        "window_start": at - timedelta(minutes=schedule.early_min),
        "window_end": max(end, at + timedelta(minutes=1)),
        "grace_min": schedule.grace_min,
        "assignee_id": schedule.assignee_id,
        "team": schedule.team,
        "order": route.order,
        "expected": walk_order(route.order, stops),
        "status": RoundStatus.SCHEDULED,
        "late_start": False,
        "stops": [],
        "settled": False,
        "needs_eval": False,
    }


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    # Workers racing over the same schedule insert each occurrence once.
    session.execute(insert_new_only(session, Round, "schedule_id", "due_at"), rows)


def _unbegun(now: datetime) -> Any:
    return (Round.window_start > now) & (Round.started_at.is_(None))


def drop_future(session: Session, schedule: Schedule, now: datetime) -> None:
    """Forget the rounds a schedule has not begun, so its new rule makes them afresh."""
    session.execute(delete(Round).where(Round.schedule_id == schedule.id, _unbegun(now)))
    schedule.materialised_until = None
    schedule.effective_from = now


def refresh_future(session: Session, route: PatrolRoute) -> None:
    """Give rounds not yet begun the route's new stops; rounds begun keep what they had."""
    stops = snapshot(session, route)
    for upcoming in session.scalars(
        select(Round).where(Round.route_id == route.id, _unbegun(utcnow()))
    ):
        upcoming.expected, upcoming.order = walk_order(route.order, stops), route.order
