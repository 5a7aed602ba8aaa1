"""Each kind of report, defined once: what an ask covers (its subject and period), the formats
it is made in, how its contents are gathered, and what late data would change it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from server.domain.errors import Invalid
from server.domain.models import (
    DeviceEvent,
    InspectionRecord,
    Photo,
    PhotoRef,
    Report,
    ReportFormat,
    ReportKind,
    Round,
    Site,
)
from server.domain.reports import asset_month, audit, compliance, daily_activity
from server.domain.reports.facts import Gathered, Scope

if TYPE_CHECKING:
    from server.domain.reports.library import Ask


@dataclass(frozen=True)
class Kind:
    scope: Callable[[Session, Site, "Ask"], Scope]
    gather: Callable[[Session, Report], Gathered]


def _daily_activity_scope(session: Session, site: Site, ask: "Ask") -> Scope:
    if ask.day is None or not ask.shift:
        raise Invalid(
            "a daily activity report is for one shift",
            {"day": ["the shift's local date"], "shift": ["its start time, as 20:00"]},
        )
    try:
        shift = daily_activity.shift_period(site, ask.day, ask.shift)
    except Invalid as refused:  # the ask names the shift by its start: so does the error
        raise Invalid(refused.message, {"shift": (refused.errors or {})["start"]}) from None
    return Scope(
        subject=f"{ask.day.isoformat()} {ask.shift}",
        since=shift.since,
        until=shift.until,
        params={"day": ask.day.isoformat(), "shift": ask.shift, "name": shift.name},
        formats=(ReportFormat.PDF,),
    )


def _daily_activity_gather(session: Session, report: Report) -> Gathered:
    day = datetime.fromisoformat(report.params["day"]).date()
    activity = daily_activity.gather(
        session, report.site_id, day, report.params["shift"], report.language
    )
    return Gathered(activity, daily_activity.fingerprint(activity), dict(activity.figures))


KINDS: dict[ReportKind, Kind] = {
    ReportKind.DAILY_ACTIVITY: Kind(_daily_activity_scope, _daily_activity_gather),
    ReportKind.COMPLIANCE: Kind(compliance.scope, compliance.gathered),
    ReportKind.ASSET_MONTH: Kind(asset_month.scope, asset_month.gathered),
    ReportKind.AUDIT: Kind(audit.scope, audit.gathered),
}


def scope_of(session: Session, site: Site, ask: "Ask") -> Scope:
    """What the ask covers, or a 422 naming what is missing or unknown."""
    kind = KINDS.get(ask.kind)
    if kind is None:
        made = ", ".join(k.value for k in KINDS)
        raise Invalid("this kind of report is not made", {"kind": [f"one of {made}"]})
    return kind.scope(session, site, ask)


def gather(session: Session, report: Report) -> Gathered:
    return KINDS[report.kind].gather(session, report)


def touched_since(session: Session, report: Report, after: datetime) -> bool:
    """Whether anything the report's period rests on arrived or was judged after `after`:
    a handheld's late sync, a round judged again, an inspection or a photo sent late. (Alert
    actions are not late data: the report shows alerts as they stood when the shift ended.)
    Cheap, so the
    worker asks it of every recent report and gathers again only those it names."""
    site, since, until = report.site_id, report.since, report.until
    late_event = exists().where(
        DeviceEvent.site_id == site,
        DeviceEvent.corrected_time >= since,
        DeviceEvent.corrected_time < until,
        DeviceEvent.received_at > after,
    )
    judged = exists().where(
        Round.site_id == site,
        Round.due_at >= since,
        Round.due_at < until,
        Round.evaluated_at > after,
    )
    inspected = exists().where(
        InspectionRecord.site_id == site,
        InspectionRecord.at >= since,
        InspectionRecord.at < until,
        InspectionRecord.received_at > after,
    )
    # A photo a handheld uploads after its event: the report shows it beside its stop.
    late_photo = exists().where(
        PhotoRef.event_id == DeviceEvent.id,
        DeviceEvent.site_id == site,
        DeviceEvent.corrected_time >= since,
        DeviceEvent.corrected_time < until,
        Photo.sha256 == PhotoRef.sha256,
        Photo.org_id == report.org_id,
        Photo.uploaded_at > after,
    )
    return bool(session.scalar(select(or_(late_event, judged, inspected, late_photo))))
