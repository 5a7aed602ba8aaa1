"""Overdue inspections: an asset whose inspection is past due raises one alert until it is done."""

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.kinds import AlertKey, AlertKind
from server.domain.alerts.lifecycle import Finding
from server.domain.errors import Invalid
from server.domain.inspection import spacing
from server.domain.models import (
    AlertSeverity,
    Asset,
    InspectionRecord,
    InspectionSchedule,
    InspectionTemplate,
    Site,
)
from server.domain.recurrence import Recurrence

log = logging.getLogger("vigil.worker")
# Past due by more than this, the alert goes from medium to high.
LONG_OVERDUE = timedelta(days=7)


def due_at(schedule: InspectionSchedule, last: datetime | None, timezone: str) -> datetime | None:
    """When the next inspection is due, given the last one done (None: never done)."""
    most = spacing.most(schedule)
    if most is not None:
        # A spacing ("monthly" = 20 to 40 days, "daily" = 12 to 36 hours): due that long after
        # the last one, or after the schedule's start while none was done.
        return (last or _began(schedule, timezone)) + most
    if not schedule.rrule or not schedule.start_local:
        return None
    rule = Recurrence(schedule.rrule, datetime.fromisoformat(schedule.start_local), timezone)
    grace = timedelta(hours=schedule.grace_hours)
    # A record within the grace of an occurrence, before or after it, counts for it.
    after = last + grace if last else schedule.effective_from - timedelta(microseconds=1)
    found = rule.first_after(after)
    return None if found is None else found.at


def _began(schedule: InspectionSchedule, timezone: str) -> datetime:
    """The schedule's start: its site-local start_local as an instant, or when it was made."""
    if not schedule.start_local:
        return schedule.effective_from
    try:
        start = datetime.fromisoformat(schedule.start_local)
    except ValueError:  # stored unchecked before spacings took a start
        return schedule.effective_from
    # fold=0: the first of a repeated hour; a time in a spring-forward gap moves past it.
    return start.replace(tzinfo=ZoneInfo(timezone), fold=0).astimezone(UTC)


def check(session: Session, now: datetime) -> int:
    """Raise or update an alert for every schedule whose inspection is past due; return how many."""
    stmt = (
        select(InspectionSchedule, Asset, InspectionTemplate, Site.timezone)
        .join(Asset, Asset.id == InspectionSchedule.asset_id)
        .join(InspectionTemplate, InspectionTemplate.id == InspectionSchedule.template_id)
        .join(Site, Site.id == InspectionSchedule.site_id)
        .where(
            InspectionSchedule.active,
            ~InspectionSchedule.paused,
            Asset.active,
            InspectionTemplate.active,
        )
    )
    plans = session.execute(stmt).all()
    if not plans:
        return 0
    pairs = {(s.asset_id, s.template_id) for s, _, _, _ in plans}
    latest = dict(
        ((asset_id, template_id), at)
        for asset_id, template_id, at in session.execute(
            select(
                InspectionRecord.asset_id,
                InspectionRecord.template_id,
                func.max(InspectionRecord.at),
            )
            .where(tuple_(InspectionRecord.asset_id, InspectionRecord.template_id).in_(pairs))
            .group_by(InspectionRecord.asset_id, InspectionRecord.template_id)
        )
    )
    late = 0
    for schedule, asset, template, timezone in plans:
        last = latest.get((schedule.asset_id, schedule.template_id))
        try:
            due = due_at(schedule, last, timezone)
        except Invalid as error:
            # A rule saved before its form was refused: one schedule must not stop the rest.
            log.warning(
                "schedule rule unreadable",
                extra={"inspection_schedule_id": schedule.id, "why": error.message},
            )
            continue
        if due is None or now <= due + timedelta(hours=schedule.grace_hours):
            continue
        late += 1
        alerts.raise_or_update(
            session, schedule.org_id, _finding(schedule, asset, template, timezone, due, last, now)
        )
    return late


def _finding(
    schedule: InspectionSchedule,
    asset: Asset,
    template: InspectionTemplate,
    timezone: str,
    due: datetime,
    last: datetime | None,
    now: datetime,
) -> Finding:
    late = now - due
    days = late.days
    return Finding(
        key=AlertKey.of(AlertKind.INSPECTION_OVERDUE, schedule.id, due.isoformat()),
        severity=AlertSeverity.HIGH if late > LONG_OVERDUE else AlertSeverity.MEDIUM,
        title_args={
            "asset": asset.name,
            "form": " ".join(n for n in (template.name_zh, template.name) if n),
            "late": {"days": days} if days else {"hours": late.seconds // 3600},
            "due": due.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M"),
        },
        site_id=schedule.site_id,
        evidence={
            "schedule_id": schedule.id,
            "template": template.code,
            "due_at": due.isoformat(),
            "last_done_at": None if last is None else last.isoformat(),
            "overdue_days": days,
            "max_days": schedule.max_days,
            "max_hours": schedule.max_hours,
            "rrule": schedule.rrule,
        },
        user_id=schedule.assignee_id,
        asset_id=asset.id,
    )
