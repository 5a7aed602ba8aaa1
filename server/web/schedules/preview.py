"""What the preview beside the builder shows, from the domain's own preview (the API's
/schedules/preview): the next rounds, and the rounds around the next clock change, flagged."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.models import Schedule
from server.domain.patrol import schedules
from server.domain.recurrence import Occurrence, OffsetChange, offset_changes

COUNT = 10  # the next rounds listed
# Ranges tried in turn until COUNT rounds are found: an hourly rule fills the first, a monthly
# one needs the last; each stays under what the domain answers at once.
SPANS = (timedelta(days=2), timedelta(days=40), timedelta(days=400))
AHEAD = timedelta(days=366)  # clock changes looked for: a year's, so summer and winter
AROUND = timedelta(hours=12)  # rounds shown each side of a clock change


@dataclass(frozen=True)
class Shown:
    """A rule's preview as the page shows it."""

    timezone: str
    upcoming: list[Occurrence]
    ends: bool  # COUNT or UNTIL ends the rule
    last: Occurrence | None
    # The next clock change, and the rounds near it when they are not among those listed.
    change: OffsetChange | None = None
    around: list[Occurrence] = field(default_factory=list)
    changes: bool = True  # whether the zone changes its clocks at all in the coming year


def show(session: Session, rule: dict[str, Any]) -> Shown:
    """The rule (the API's PreviewSchema fields, without the range) from now on."""
    now = utcnow()
    tried = schedules.preview(session, rule | _range(now, SPANS[0]))  # a wrong rule stops here
    for span in SPANS[1:]:
        if len(tried.occurrences) >= COUNT:
            break
        try:
            tried = schedules.preview(session, rule | _range(now, span))
        except Invalid:
            break  # too many rounds in the longer range: the ones found will do
    upcoming = tried.occurrences[:COUNT]
    changes = offset_changes(tried.timezone, now, now + AHEAD)
    if not changes:
        return Shown(tried.timezone, upcoming, tried.ends, tried.last, changes=False)
    change, around = changes[0], []
    if len(upcoming) == COUNT and change.at > upcoming[-1].at:  # not among the rounds listed
        around = schedules.preview(
            session, rule | _range(change.at - AROUND, 2 * AROUND)
        ).occurrences
    return Shown(tried.timezone, upcoming, tried.ends, tried.last, change, around)


def _range(since: datetime, span: timedelta) -> dict[str, datetime]:
    return {"since": since, "until": since + span}


def next_round(session: Session, schedule: Schedule) -> Occurrence | None:
    """A live schedule's next occurrence (the API's /occurrences); None when it is paused or
    ended, or has none within the longest range."""
    if not schedule.active or schedule.paused:
        return None
    now = utcnow()
    for span in SPANS:
        try:
            _, found = schedules.occurrences(session, schedule.id, now, now + span)
        except Invalid:
            return None  # more than the domain lists at once, and none in the shorter ranges
        if found:
            return found[0]
    return None
