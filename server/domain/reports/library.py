"""The report library: asking for a report, finding it, its versions. Made reports are never
rewritten: asking again for one already made answers with its latest version, which the
worker keeps current (a new version when late data changes what it would say)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.domain import access, audit
from server.domain.actor import current_actor
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.listing import PageRequest, fetch_page
from server.domain.models import Report, ReportFormat, ReportKind, ReportState, Site
from server.domain.registry import sites
from server.domain.reports import kinds

LANGUAGES = ("zh", "en")
SORTABLE = ("since", "requested_at", "made_at", "version")


@dataclass(frozen=True)
class Ask:
    """What a person (or a delivery schedule) asks for; which fields matter depends on kind."""

    site_id: int
    kind: ReportKind
    format: ReportFormat = ReportFormat.PDF
    language: str = "zh"
    day: date | None = None  # a daily activity report's day (its shift's local start date)
    shift: str | None = None  # and its shift, by start time "20:00"
    since: date | None = None  # a compliance report's first and last local days
    until: date | None = None
    asset_id: int | None = None  # an asset's month
    month: str | None = None  # "2026-11"
    record_id: int | None = None  # an audit's inspection record


def request(session: Session, ask: Ask) -> tuple[Report, bool]:
    """The report asked for and whether it is new: the latest version if one is made or
    waiting, else a new request for the worker."""
    actor = current_actor()
    access.require_role(actor, access.READ_REPORTS)
    try:
        site = sites.get(session, ask.site_id)
    except NotFound:  # another tenant's or another team's site is as unknown as a made-up one
        raise Invalid(f"site {ask.site_id} not found", {"site_id": ["unknown site"]}) from None
    return ask_for(session, site, ask, actor.user_id)


def ask_for(
    session: Session, site: Site, ask: Ask, requested_by: int | None
) -> tuple[Report, bool]:
    """request() once the asker may: also what a delivery schedule asks, as no one."""
    if ask.language not in LANGUAGES:
        raise Invalid("unknown language", {"language": [f"one of {', '.join(LANGUAGES)}"]})
    scope = kinds.scope_of(session, site, ask)
    if ask.format not in scope.formats:
        formats = ", ".join(f.value for f in scope.formats)
        raise Invalid("format not made for this kind", {"format": [f"one of {formats}"]})
    same = _same(site.org_id, site.id, ask.kind, scope.subject, ask.format, ask.language)
    latest = session.scalar(same.where(Report.state != ReportState.FAILED).limit(1))
    if latest is not None:
        return latest, False
    versions = same.subquery()
    version = (session.scalar(select(func.max(versions.c.version))) or 0) + 1
    report = Report(
        org_id=site.org_id,
        site_id=site.id,
        kind=ask.kind,
        subject=scope.subject,
        format=ask.format,
        language=ask.language,
        since=scope.since,
        until=scope.until,
        params=scope.params,
        version=version,
        requested_by=requested_by,
    )
    session.add(report)
    session.flush()
    audit.record(
        session, "create", report, {"kind": [None, report.kind], "subject": [None, report.subject]}
    )
    return report, True


def _same(
    org_id: int, site_id: int, kind: ReportKind, subject: str, fmt: ReportFormat, language: str
) -> Select[tuple[Report]]:
    """Every version of one report, newest first."""
    return (
        select(Report)
        .where(
            Report.org_id == org_id,
            Report.site_id == site_id,
            Report.kind == kind,
            Report.subject == subject,
            Report.format == fmt,
            Report.language == language,
        )
        .order_by(Report.version.desc())
    )


def get(session: Session, report_id: int) -> Report:
    """One report version on the actor's sites."""
    actor = current_actor()
    access.require_role(actor, access.READ_REPORTS)
    return access.get_scoped(session, Report, report_id, actor)


def versions(session: Session, report: Report) -> list[Report]:
    """Every version of the same report, newest first: an amendment never hides the original."""
    same = _same(
        report.org_id, report.site_id, report.kind, report.subject, report.format, report.language
    )
    return list(session.scalars(same))


def made(session: Session, report_id: int) -> Report:
    """A report whose bytes may be fetched; a 409 while the worker has not made it."""
    report = get(session, report_id)
    if report.state is ReportState.REQUESTED:
        raise Conflict("the report is being made: try again shortly")
    if report.state is ReportState.FAILED:
        raise Conflict(f"the report could not be made: {report.error}")
    return report


@dataclass(frozen=True)
class ReportFilter:
    site_id: int | None = None
    kind: ReportKind | None = None
    state: ReportState | None = None
    since: datetime | None = None  # covering a period that ends after
    until: datetime | None = None  # and starts before


def listing(session: Session, wanted: ReportFilter, page: PageRequest) -> tuple[list[Report], int]:
    """Reports on the actor's sites, newest period first, every version."""
    actor = current_actor()
    access.require_role(actor, access.READ_REPORTS)
    stmt = access.scoped(select(Report), Report, actor)
    conditions: dict[str, Any] = {"site_id": wanted.site_id, "kind": wanted.kind}
    conditions["state"] = wanted.state
    for name, value in conditions.items():
        if value is not None:
            stmt = stmt.where(getattr(Report, name) == value)
    if wanted.since is not None:
        stmt = stmt.where(Report.until > wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(Report.since < wanted.until)
    return fetch_page(session, stmt, Report, page, SORTABLE)
