"""When each asset is due each inspection: an RRULE in site-local time, or a spacing."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Invalid, NotFound
from server.domain.inspection import overdue, templates
from server.domain.models import InspectionRecord, InspectionSchedule, Site, User
from server.domain.recurrence import Recurrence, local_start
from server.domain.registry import assets, sites
from server.domain.writes import Precondition

SORTABLE = ("asset_id", "template_id", "created_at", "updated_at")
_SPACING = ("min_days", "max_days", "min_hours", "max_hours")  # one unit per schedule


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Inspection schedules on the current actor's sites."""
    stmt = access.scoped(select(InspectionSchedule), InspectionSchedule, current_actor())
    for name in ("site_id", "asset_id", "template_id", "active", "paused"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(InspectionSchedule, name) == filters[name])
    return stmt


def get(session: Session, schedule_id: int) -> InspectionSchedule:
    """One schedule on the current actor's sites."""
    return access.get_scoped(session, InspectionSchedule, schedule_id, current_actor())


def _check(session: Session, data: dict[str, Any], timezone: str) -> None:
    """A rule, a spacing or both; start_local made canonical ('2026-11-01T09:00')."""
    rule, most, start = data.get("rrule"), _most(data), _start(data)
    if not rule and most is None:
        raise Invalid(
            "give an rrule, or max_days or max_hours",
            {"rrule": ["an RRULE, or set max_days or max_hours"]},
        )
    if rule:
        if start is None:
            raise Invalid("an rrule needs start_local", {"start_local": ["YYYY-MM-DDTHH:MM"]})
        now = utcnow()
        Recurrence(rule, start, timezone).between(now, now)  # raises Invalid on a bad rule


def _most(data: dict[str, Any]) -> int | None:
    """A spacing's most, in days or in hours (never both), its least not above it."""
    given = [name for name in _SPACING if data.get(name) is not None]
    units = sorted({name.partition("_")[2] for name in given})
    if len(units) > 1:
        both = "days or hours, not both: set the other unit to null"
        raise Invalid("a spacing is in days or in hours, not both", {n: [both] for n in given})
    unit = units[0] if units else "days"
    least, most = data.get(f"min_{unit}"), data.get(f"max_{unit}")
    if least is not None and most is not None and least > most:
        raise Invalid(f"min_{unit} is above max_{unit}", {f"min_{unit}": [f"at most max_{unit}"]})
    return most


def _start(data: dict[str, Any]) -> datetime | None:
    """The rule's first occurrence, or when a spacing begins; None: when the schedule is made."""
    if not data.get("start_local"):
        if "start_local" in data:
            data["start_local"] = None
        return None
    start = local_start(data["start_local"])
    if not 2000 <= start.year <= 2199:  # a typo, whose due dates would overflow
        raise Invalid("start_local is out of range", {"start_local": ["a year from 2000 to 2199"]})
    data["start_local"] = start.isoformat(timespec="minutes")
    return start


def _check_assignee(session: Session, org_id: int, site_id: int, user_id: int | None) -> None:
    """Whoever is named to do it works on the asset's site (never another tenant's person)."""
    if user_id is None:
        return
    user = session.scalar(select(User).where(User.id == user_id, User.org_id == org_id))
    if user is None or not user.active or site_id not in user.site_ids:
        raise Invalid(
            f"user {user_id} cannot inspect on this site",
            {"assignee_id": ["an active user of this site"]},
        )


def create(session: Session, data: dict[str, Any]) -> InspectionSchedule:
    """Schedule an inspection of an asset (admin, supervisor)."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    try:
        asset = assets.get(session, data["asset_id"])
        template = templates.get(session, data["template_id"])
    except NotFound as error:
        raise Invalid(error.message, {"asset_id": [error.message]}) from None
    site = sites.site_for_write(session, actor, asset.site_id)
    data = dict(data)
    _check(session, data, site.timezone)
    _check_assignee(session, actor.org_id, site.id, data.get("assignee_id"))
    schedule = InspectionSchedule(
        org_id=actor.org_id, site_id=site.id, effective_from=utcnow(), **data
    )
    schedule.template_id = template.id
    return writes.create(session, schedule)


def update(
    session: Session, schedule_id: int, data: dict[str, Any], precondition: Precondition = None
) -> InspectionSchedule:
    """Change, pause or end a schedule."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    schedule = get(session, schedule_id)
    writes.check(precondition, schedule)
    merged = {
        name: data.get(name, getattr(schedule, name))
        for name in ("rrule", "start_local", *_SPACING)
    }
    timezone = session.get_one(Site, schedule.site_id).timezone
    _check(session, merged, timezone)
    if data.get("assignee_id") is not None:
        _check_assignee(session, actor.org_id, schedule.site_id, data["assignee_id"])
    data = {**data, **{k: merged[k] for k in ("start_local",) if k in data}}
    return writes.update(session, schedule, data)


def next_due(session: Session, schedule: InspectionSchedule) -> datetime | None:
    """When the asset is next due this inspection."""
    last = session.scalar(
        select(InspectionRecord.at)
        .where(
            InspectionRecord.asset_id == schedule.asset_id,
            InspectionRecord.template_id == schedule.template_id,
        )
        .order_by(InspectionRecord.at.desc())
        .limit(1)
    )
    timezone = session.get_one(Site, schedule.site_id).timezone
    return overdue.due_at(schedule, last, timezone)
