"""A compliance report's contents: were one site's scheduled rounds walked over some local days,
overall, by route, by guard and by checkpoint, voluntary rounds counted apart.

The figures are compliance.of_site's, the very counting behind GET /api/v1/rounds/summary, so
the file and the console never disagree. Each line carries the filter that lists its rounds in
GET /api/v1/rounds, so every figure can be traced to the rounds behind it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from server.domain.errors import Invalid, NotFound
from server.domain.models import Report, ReportFormat, Site
from server.domain.patrol import compliance
from server.domain.reports import facts
from server.domain.reports.facts import Gathered, Scope

if TYPE_CHECKING:
    from server.domain.reports.library import Ask

FORMATS = (ReportFormat.PDF, ReportFormat.XLSX, ReportFormat.CSV)
MOST_MISSED = 10  # checkpoints in the most-missed table


@dataclass(frozen=True)
class Rounds:
    """How a set of scheduled rounds went; late starts are among the completed and incomplete."""

    due: int
    completed: int
    late: int  # begun late (a missed round never began)
    incomplete: int
    missed: int
    pending: int  # not settled yet: scheduled or in progress

    @property
    def rate(self) -> float | None:
        """Completed among settled rounds, in percent (the API's completed_pct)."""
        settled = self.completed + self.incomplete + self.missed
        return round(100 * self.completed / settled, 1) if settled else None


@dataclass(frozen=True)
class RoundLine:
    """One route's or one guard's scheduled rounds; name None for rounds assigned to no one
    by name (a team's). filter, beside the report's own, lists them in GET /api/v1/rounds."""

    name: str | None
    filter: dict[str, int]
    rounds: Rounds


@dataclass(frozen=True)
class CheckpointLine:
    """One checkpoint across the settled scheduled rounds that expected it."""

    checkpoint_id: int
    name: str
    due: int
    scanned: int  # however well: late and incomplete among them
    late: int
    incomplete: int  # scanned, its task (photo, note) not done
    missed: int  # a required stop left out
    skipped: int  # an optional stop left out: not a problem

    @property
    def rate(self) -> float | None:
        """Scanned among the times it was due, in percent."""
        return round(100 * self.scanned / self.due, 1) if self.due else None


@dataclass(frozen=True)
class Compliance:
    """Everything a compliance report says, as of when it was gathered."""

    site_id: int
    site_name: str
    timezone: str
    language: str  # zh or en
    first: date  # the local days covered, inclusive
    last: date
    since: datetime  # the same, [since, until) in UTC
    until: datetime
    # GET /api/v1/rounds with this lists the scheduled rounds behind the totals.
    filter: dict[str, Any]
    totals: Rounds
    voluntary: int  # rounds walked by choice: in no figure above
    by_route: tuple[RoundLine, ...]  # by name
    by_guard: tuple[RoundLine, ...]  # by name, rounds with no assignee last
    by_checkpoint: tuple[CheckpointLine, ...]  # by name
    most_missed: tuple[CheckpointLine, ...]  # most often missed first

    @property
    def figures(self) -> dict[str, int]:
        """The counts a later version is compared by."""
        totals = self.totals
        return {
            "rounds": totals.due,
            "rounds_completed": totals.completed,
            "rounds_late_start": totals.late,
            "rounds_incomplete": totals.incomplete,
            "rounds_missed": totals.missed,
            "rounds_pending": totals.pending,
            "voluntary_rounds": self.voluntary,
            "stops_due": sum(c.due for c in self.by_checkpoint),
            "stops_scanned": sum(c.scanned for c in self.by_checkpoint),
            "stops_missed": sum(c.missed for c in self.by_checkpoint),
        }


def scope(session: Session, site: Site, ask: "Ask") -> "Scope":
    """A compliance report covers the site's local days ask.since to ask.until, inclusive."""

    first, last = days(ask.since, ask.until)
    found = compliance.local_days(site.timezone, first, last)
    return Scope(
        subject=f"{first.isoformat()}..{last.isoformat()}",
        since=found.since,
        until=found.until,
        params={"since": first.isoformat(), "until": last.isoformat()},
        formats=FORMATS,
    )


def gathered(session: Session, report: Report) -> "Gathered":

    data = gather(session, report)
    return Gathered(data, facts.fingerprint(data), data.figures)


def days(first: date | None, last: date | None) -> tuple[date, date]:
    """The first and last local days asked for, or Invalid naming the field at fault."""
    if first is None or last is None:
        missing = "since" if first is None else "until"
        raise Invalid(
            "a compliance report covers local days: give since and until",
            {missing: ["the first (since) and last (until) local day, as 2026-11-01"]},
        )
    if last < first:
        raise Invalid("until comes before since", {"until": ["on or after since"]})
    if (last - first).days + 1 > compliance.LONGEST.days:
        raise Invalid(
            f"a compliance report covers at most {compliance.LONGEST.days} days",
            {"until": [f"within {compliance.LONGEST.days} days of since, both included"]},
        )
    return first, last


def gather(session: Session, report: Report) -> Compliance:
    """The report's site and days as the database says now; NotFound for no such site."""
    site = session.get(Site, report.site_id)
    if site is None:
        raise NotFound(f"site {report.site_id} not found")
    first, last = (date.fromisoformat(report.params[end]) for end in ("since", "until"))
    found = compliance.of_site(session, site, compliance.local_days(site.timezone, first, last))
    checkpoints = tuple(_checkpoint(c) for c in found["by_checkpoint"])
    lines = {(c.checkpoint_id, c.name): c for c in checkpoints}
    # Ranked as the summary ranks them: one rule for the console and the file.
    ranked = [lines[(m["checkpoint_id"], m["name"])] for m in found["missed_checkpoints"]]
    return Compliance(
        site_id=site.id,
        site_name=site.name,
        timezone=site.timezone,
        language=report.language,
        first=first,
        last=last,
        since=found["since"],
        until=found["until"],
        filter={
            "site_id": site.id,
            "since": found["since"].isoformat(),
            "until": found["until"].isoformat(),
            "voluntary": False,
        },
        totals=_rounds(found),
        voluntary=found["voluntary_rounds"],
        by_route=tuple(_line(g, "route_id", "route_id") for g in found["by_route"]),
        by_guard=tuple(_line(g, "user_id", "assignee_id") for g in found["by_guard"]),
        by_checkpoint=checkpoints,
        most_missed=tuple(ranked[:MOST_MISSED]),
    )


def _rounds(figures: dict[str, Any]) -> Rounds:
    by_status = figures["by_status"]
    return Rounds(
        due=figures["rounds"],
        completed=by_status["completed"],
        late=figures["late_starts"],
        incomplete=by_status["incomplete"],
        missed=by_status["missed"],
        pending=by_status["scheduled"] + by_status["in_progress"],
    )


def _line(group: dict[str, Any], key: str, filter_name: str) -> RoundLine:
    # Rounds with no assignee cannot be asked for by one; the report's own filter lists them.
    found = {} if group[key] is None else {filter_name: group[key]}
    return RoundLine(group["name"], found, _rounds(group))


def _checkpoint(found: dict[str, Any]) -> CheckpointLine:
    return CheckpointLine(
        checkpoint_id=found["checkpoint_id"],
        name=found["name"],
        due=found["due"],
        scanned=found["scanned"],
        late=found["late"],
        incomplete=found["incomplete_task"],
        missed=found["missed"],
        skipped=found["skipped"],
    )
