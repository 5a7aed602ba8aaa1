"""Reports delivered on a schedule: each shift's daily activity report once the shift is over,
a month's report on the 1st at an hour of the site's day. The worker asks for what is due; once
a scheduled report is made (or amended), its recipients are told through the notification
outbox: e-mail with the file attached, endpoints with its link. A report with nothing in it is
not sent unless the schedule says so.
"""

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.db import insert_new_only
from server.domain import access, writes
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.models import (
    Cadence,
    Notification,
    NotifyEndpoint,
    Report,
    ReportFormat,
    ReportKind,
    ReportSchedule,
    ReportState,
    Site,
    User,
)
from server.domain.registry import sites
from server.domain.reports import kinds, library
from server.domain.reports.daily_activity import shift_at
from server.domain.writes import Precondition

SORTABLE = ("name", "created_at")
# How each kind comes: a shift's report after each shift; a month's on the 1st.
CADENCES = {
    ReportKind.DAILY_ACTIVITY: Cadence.SHIFT,
    ReportKind.COMPLIANCE: Cadence.MONTH,
    ReportKind.ASSET_MONTH: Cadence.MONTH,
}
CATCH_UP = 6  # periods one schedule asks for in a pass at most (after a worker was down)
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Schedules of the actor's sites."""
    actor = current_actor()
    access.require_role(actor, access.READ_REPORTS)
    stmt = access.scoped(select(ReportSchedule), ReportSchedule, actor)
    for name in ("site_id", "kind", "active"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(ReportSchedule, name) == filters[name])
    return stmt


def get(session: Session, schedule_id: int) -> ReportSchedule:
    actor = current_actor()
    access.require_role(actor, access.READ_REPORTS)
    return access.get_scoped(session, ReportSchedule, schedule_id, actor)


def create(session: Session, data: dict[str, Any]) -> ReportSchedule:
    """A schedule on one of the actor's sites: its first report is the period now running."""
    actor = current_actor()
    access.require_role(actor, access.READ_REPORTS)
    site = sites.site_for_write(session, actor, data["site_id"])
    if data["kind"] not in CADENCES:
        made = ", ".join(k.value for k in CADENCES)
        raise Invalid("this kind of report is not delivered on a schedule", {"kind": [made]})
    defaults = {"format": ReportFormat.PDF, "language": "zh", "at_local": "08:00", "params": {}}
    defaults |= {"user_ids": [], "endpoint_ids": [], "send_empty": False}
    schedule = ReportSchedule(
        org_id=site.org_id, cadence=CADENCES[data["kind"]], **(defaults | data)
    )
    _check(session, site, schedule)
    schedule.done_until = _running(site, schedule, utcnow())
    return writes.create(session, schedule)


def update(
    session: Session, schedule_id: int, data: dict[str, Any], precondition: Precondition = None
) -> ReportSchedule:
    """Change who is told, how, or deactivate; what it covers (site, kind) stays."""
    schedule = get(session, schedule_id)
    writes.check(precondition, schedule)
    site = session.get(Site, schedule.site_id)
    assert site is not None
    updated = writes.update(session, schedule, data)
    _check(session, site, updated)
    return updated


def _check(session: Session, site: Site, schedule: ReportSchedule) -> None:
    """The hour is one; every recipient is an active person or endpoint of the site's
    organization; and the report is one that can be asked for (kind, format, asset)."""
    if not HHMM.match(schedule.at_local or ""):
        raise Invalid("the hour is HH:MM", {"at_local": ["HH:MM, 00:00 to 23:59"]})
    people, endpoints = set(schedule.user_ids or ()), set(schedule.endpoint_ids or ())
    if not people and not endpoints:
        raise Invalid("a schedule tells someone", {"user_ids": ["name a person or an endpoint"]})
    known = session.scalars(
        select(User.id).where(User.id.in_(people), User.org_id == site.org_id, User.active)
    )
    if missing := people - set(known):
        raise Invalid("unknown people", {"user_ids": [f"unknown {i}" for i in sorted(missing)]})
    found = session.scalars(
        select(NotifyEndpoint.id).where(
            NotifyEndpoint.id.in_(endpoints),
            NotifyEndpoint.org_id == site.org_id,
            NotifyEndpoint.active,
        )
    )
    if missing := endpoints - set(found):
        unknown = [f"unknown {i}" for i in sorted(missing)]
        raise Invalid("unknown endpoints", {"endpoint_ids": unknown})
    since = _running(site, schedule, utcnow())
    ask = _ask(site, schedule, since, next(_periods(site, schedule, since, None))[1])
    scope = kinds.scope_of(session, site, ask)
    if schedule.format not in scope.formats:
        formats = ", ".join(f.value for f in scope.formats)
        raise Invalid("format not made for this kind", {"format": [f"one of {formats}"]})


def due(session: Session, now: datetime) -> int:
    """The worker's stage: ask for every period that ended; tell at once what is made."""
    asked = 0
    for schedule in session.scalars(select(ReportSchedule).where(ReportSchedule.active)):
        site = session.get(Site, schedule.site_id)
        if site is None or not site.active:
            continue
        after = schedule.done_until or _running(site, schedule, now)
        for n, (since, until) in enumerate(_periods(site, schedule, after, now)):
            if n == CATCH_UP:
                break
            ask = _ask(site, schedule, since, until)
            try:
                report, _ = library.ask_for(session, site, ask, None)
            except Invalid:  # the site changed (a shift renamed, an asset gone): skip it
                schedule.done_until = until
                continue
            if report.state is ReportState.MADE:
                tell(session, report, [schedule], now)
            else:
                report.params = {**report.params, "schedules": _with(report, schedule.id)}
            schedule.done_until = until
            asked += 1
    return asked


def _with(report: Report, schedule_id: int) -> list[int]:
    return sorted({*report.params.get("schedules", []), schedule_id})


def made(session: Session, report: Report, now: datetime) -> int:
    """After a report is made: tell the schedules that asked for it; rows planned."""
    ids = report.params.get("schedules") or []
    if not ids:
        return 0
    found = session.scalars(select(ReportSchedule).where(ReportSchedule.id.in_(ids)))
    return tell(session, report, [s for s in found if s.active], now)


def tell(session: Session, report: Report, schedules: list[ReportSchedule], now: datetime) -> int:
    """Outbox rows for each recipient of each schedule, once per report version; nothing for
    an empty report unless a schedule sends those too."""
    empty = not any(report.figures.values())
    rows = []
    for schedule in schedules:
        if empty and not schedule.send_empty:
            continue
        recipients = [("u", user_id) for user_id in schedule.user_ids] + [
            ("e", endpoint_id) for endpoint_id in schedule.endpoint_ids
        ]
        for mark, who in recipients:
            rows.append(
                {
                    "org_id": report.org_id,
                    "dedupe": f"r{report.id}.{mark}{who}",
                    "report_id": report.id,
                    "user_id": who if mark == "u" else None,
                    "endpoint_id": who if mark == "e" else None,
                    "site_id": report.site_id,
                    "change": "report",
                    "first_at": now,
                    "next_at": now,
                }
            )
    if not rows:
        return 0
    stmt = insert_new_only(session, Notification, "dedupe").values(rows)
    return len(session.scalars(stmt.returning(Notification.id)).all())


def _running(site: Site, schedule: ReportSchedule, now: datetime) -> datetime:
    """The start of the period running at now: the first a new schedule delivers."""
    if schedule.cadence is Cadence.SHIFT:
        return shift_at(site, now).since
    zone = ZoneInfo(site.timezone)
    local = now.astimezone(zone)
    return _local(date(local.year, local.month, 1), time(), zone)


def _periods(
    site: Site, schedule: ReportSchedule, after: datetime, now: datetime | None
) -> Iterator[tuple[datetime, datetime]]:
    """The periods from `after` on, [since, until) in UTC, that are due by now (all, if None):
    a shift once it has ended; a month on the next 1st at the schedule's hour."""
    zone = ZoneInfo(site.timezone)
    since = after
    while True:
        if schedule.cadence is Cadence.SHIFT:
            shift = shift_at(site, since)
            until, ready = shift.until, shift.until
            since = shift.since
        else:
            local = since.astimezone(zone)
            first = date(local.year, local.month, 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            since, until = _local(first, time(), zone), _local(following, time(), zone)
            hour, minute = map(int, schedule.at_local.split(":"))
            ready = _local(following, time(hour, minute), zone)
        if now is not None and ready > now:
            return
        yield since, until
        since = until


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, zone).astimezone(UTC)


def _ask(site: Site, schedule: ReportSchedule, since: datetime, until: datetime) -> library.Ask:
    """The ask for one period, as the library takes it."""
    zone = ZoneInfo(site.timezone)
    local = since.astimezone(zone)
    common = {
        "site_id": site.id,
        "kind": schedule.kind,
        "format": schedule.format,
        "language": schedule.language,
    }
    if schedule.cadence is Cadence.SHIFT:
        return library.Ask(**common, day=local.date(), shift=f"{local:%H:%M}")
    last = (until.astimezone(zone) - timedelta(days=1)).date()
    if schedule.kind is ReportKind.ASSET_MONTH:
        asset_id = (schedule.params or {}).get("asset_id")
        return library.Ask(**common, asset_id=asset_id, month=f"{local:%Y-%m}")
    return library.Ask(**common, since=local.date(), until=last)
