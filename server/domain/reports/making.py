"""What the worker does with reports: make the requested ones, and make a new version of a
made one when late data changed what it says. Bytes are stored by the caller (the worker's
renderer and blob store); this module keeps the rows.

A version is never rewritten. An amendment is a new row (version + 1, `amends_id` the one
before) whose `changes` say which figures moved; the earlier one stays listed and fetchable.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.domain.models import Report, ReportState
from server.domain.reports import kinds
from server.domain.reports.facts import Gathered

# Late data is looked for this long after a period ends: a handheld offline for a week
# still amends the week's reports; older reports stay as they were made.
AMEND_WITHIN = timedelta(days=35)
# A report is looked at again at most this often, and a pass looks at this many at most: the
# cost of a pass follows the reports due a look, not every report kept.
RECHECK = timedelta(minutes=5)
LOOKS = 200


def requested(session: Session, limit: int) -> list[Report]:
    """Requests waiting, oldest first, locked against another worker (PostgreSQL)."""
    return list(
        session.scalars(
            select(Report)
            .where(Report.state == ReportState.REQUESTED)
            .order_by(Report.requested_at, Report.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def gather(session: Session, report: Report) -> Gathered:
    return kinds.gather(session, report)


def made(
    session: Session, report: Report, gathered: Gathered, sha256: str, size: int, now: datetime
) -> None:
    """The request is made: its bytes are stored under sha256."""
    report.state = ReportState.MADE
    report.made_at = report.checked_at = now
    report.sha256, report.size = sha256, size
    report.fingerprint, report.figures = gathered.fingerprint, gathered.figures
    report.error = None


def failed(session: Session, report: Report, error: str) -> None:
    """The request could not be made (a bug or bad data): said on the report, not retried."""
    report.state = ReportState.FAILED
    report.error = error[:2000]


def stale(session: Session, now: datetime, limit: int) -> list[Report]:
    """Latest made versions of recent periods with data that arrived after they were last
    looked at, up to limit, the longest unchecked first."""
    latest = (
        select(func.max(Report.id))
        .where(Report.state == ReportState.MADE)
        .group_by(
            Report.org_id,
            Report.site_id,
            Report.kind,
            Report.subject,
            Report.format,
            Report.language,
        )
    )
    due_a_look = session.scalars(
        select(Report)
        .where(
            Report.id.in_(latest),
            Report.until > now - AMEND_WITHIN,
            Report.checked_at <= now - RECHECK,
        )
        .order_by(Report.checked_at)
        .limit(LOOKS)
    )
    found = []
    for report in due_a_look:
        if len(found) == limit:
            break
        if kinds.touched_since(session, report, report.checked_at or now):
            found.append(report)
        else:
            report.checked_at = now
    return found


def amendment(session: Session, report: Report, gathered: Gathered, now: datetime) -> Report | None:
    """A new version when what the report would say changed; None (and checked) when not."""
    report.checked_at = now
    if gathered.fingerprint == report.fingerprint:
        return None
    amended = Report(
        org_id=report.org_id,
        site_id=report.site_id,
        kind=report.kind,
        subject=report.subject,
        format=report.format,
        language=report.language,
        since=report.since,
        until=report.until,
        params=report.params,
        version=report.version + 1,
        state=ReportState.REQUESTED,
        requested_at=now,
        amends_id=report.id,
        changes=changes(report.figures, gathered.figures),
    )
    session.add(amended)
    session.flush()
    return amended


def changes(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """The figures that moved, as `name: before → after`; details changed when none did."""
    moved = [
        f"{name}: {before.get(name, 0)} → {after.get(name, 0)}"
        for name in sorted(set(before) | set(after))
        if before.get(name, 0) != after.get(name, 0)
    ]
    return moved or ["details changed; the figures did not"]
