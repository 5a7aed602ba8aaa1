"""Schedules: when a route is walked, by whom; previews of a rule before it is saved."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Invalid, NotFound
from server.domain.listing import name_filter
from server.domain.models import Schedule, Site, User
from server.domain.patrol import patrol_routes, rounds_ahead
from server.domain.recurrence import GapPolicy, Occurrence, Recurrence, local_start
from server.domain.registry import sites
from server.domain.writes import Precondition

SORTABLE = ("name", "site_id", "route_id", "created_at", "updated_at")
# Fields that change which rounds exist or what they expect: editing one remakes future rounds.
_SHAPING = frozenset(
    {
        "rrule",
        "start_local",
        "exdates",
        "gap_policy",
        "window_min",
        "early_min",
        "late_min",
        "grace_min",
        "assignee_id",
        "team",
        "paused",
        "active",
    }
)


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Schedules on the current actor's sites."""
    stmt = access.scoped(select(Schedule), Schedule, current_actor())
    for name in ("site_id", "route_id", "active", "paused", "assignee_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(Schedule, name) == filters[name])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], Schedule.name))
    return stmt


def get(session: Session, schedule_id: int) -> Schedule:
    """One schedule on the current actor's sites."""
    return access.get_scoped(session, Schedule, schedule_id, current_actor())


def _check_rule(data: dict[str, Any], timezone: str) -> Recurrence:
    """The rule, checked: expanding it once finds any error in it, the start or the exceptions."""
    start = local_start(data["start_local"])
    data["start_local"] = start.isoformat(timespec="minutes")
    rule = Recurrence(
        data["rrule"], start, timezone, tuple(data.get("exdates", ())), data["gap_policy"]
    )
    now = utcnow()
    rule.between(now, now)
    return rule


def _check_assignee(session: Session, org_id: int, site_id: int, user_id: int | None) -> None:
    if user_id is None:
        return
    user = session.scalar(select(User).where(User.id == user_id, User.org_id == org_id))
    if user is None or not user.active or site_id not in user.site_ids:
        raise Invalid(
            f"user {user_id} cannot walk rounds on this site",
            {"assignee_id": ["an active user of this site"]},
        )


def create(session: Session, data: dict[str, Any]) -> Schedule:
    """Schedule a route (admin, supervisor)."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    try:
        route = patrol_routes.get(session, data["route_id"])
    except NotFound:
        raise Invalid(
            f"route {data['route_id']} not found", {"route_id": ["unknown route"]}
        ) from None
    site = sites.site_for_write(session, actor, route.site_id)
    defaults = {"gap_policy": GapPolicy.SHIFT, "exdates": [], "grace_min": site.default_grace_min}
    data = defaults | dict(data)
    _check_rule(data, site.timezone)
    _check_assignee(session, actor.org_id, site.id, data.get("assignee_id"))
    schedule = Schedule(org_id=actor.org_id, site_id=site.id, effective_from=utcnow(), **data)
    return writes.create(session, schedule)


def update(
    session: Session, schedule_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Schedule:
    """Change, pause or end a schedule; rounds already begun or past are never rewritten."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    schedule = get(session, schedule_id)
    writes.check(precondition, schedule)
    site = session.get_one(Site, schedule.site_id)
    merged = {
        "rrule": schedule.rrule,
        "start_local": schedule.start_local,
        "exdates": schedule.exdates,
        "gap_policy": schedule.gap_policy,
    } | dict(data)
    _check_rule(merged, site.timezone)
    if "start_local" in data:
        data = dict(data) | {"start_local": merged["start_local"]}
    if "assignee_id" in data:
        _check_assignee(session, actor.org_id, site.id, data["assignee_id"])
    before = {k: getattr(schedule, k) for k in _SHAPING}
    writes.update(session, schedule, data)
    if any(getattr(schedule, k) != v for k, v in before.items()):
        rounds_ahead.drop_future(session, schedule, utcnow())
    return schedule


def occurrences(
    session: Session, schedule_id: int, after: datetime, before: datetime
) -> tuple[str, list[Occurrence]]:
    """A saved schedule's occurrences between two instants, past or future; no rounds made."""
    schedule = get(session, schedule_id)
    timezone = session.get_one(Site, schedule.site_id).timezone
    return timezone, rounds_ahead.recurrence(schedule, timezone).between(after, before)


@dataclass(frozen=True)
class Preview:
    """A rule tried before it is saved: its occurrences in a range, and where it ends."""

    timezone: str
    occurrences: list[Occurrence]
    ends: bool  # COUNT or UNTIL ends the rule
    last: Occurrence | None  # its last occurrence, when it ends and makes any


def preview(session: Session, data: dict[str, Any]) -> Preview:
    """Occurrences of a rule not yet saved, in a site's timezone, so it can be checked first."""
    access.require_role(current_actor(), access.MANAGE_REGISTRY)
    try:
        site = sites.get(session, data["site_id"])
    except NotFound:
        raise Invalid(f"site {data['site_id']} not found", {"site_id": ["unknown site"]}) from None
    if data["since"] >= data["until"]:
        raise Invalid("'since' must be before 'until'", {"until": ["after since"]})
    rule = {"gap_policy": GapPolicy.SHIFT, "exdates": []} | data
    recurrence = _check_rule(rule, site.timezone)
    found = recurrence.between(data["since"], data["until"])
    return Preview(site.timezone, found, recurrence.ends, recurrence.last())
