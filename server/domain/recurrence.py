"""RFC 5545 recurrences expanded in a site's local wall-clock time, with explicit DST rules."""

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule

from server.domain.errors import Invalid

MAX_OCCURRENCES = 2000  # one preview or materialisation answer; a rule is checked, not dumped
_ALLOWED_FREQ = {"HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}


class GapPolicy(enum.StrEnum):
    """What a local time that does not exist (the spring-forward hour) becomes."""

    # RFC 5545 3.3.5: read with the offset before the gap, so 02:30 becomes 03:30.
    SHIFT = "shift"
    SKIP = "skip"  # as cron does: no occurrence that night


@dataclass(frozen=True)
class Occurrence:
    """One start of a recurring round: the instant, the site-local time, and how DST touched it."""

    at: datetime  # UTC
    local: datetime  # aware, in the site's zone
    planned_local: datetime  # the wall-clock time the rule produced, naive
    shifted: bool = False  # planned in the spring-forward gap and moved
    ambiguous: bool = False  # planned in the repeated autumn hour; the first one is used


@dataclass(frozen=True)
class Recurrence:
    """A rule as a schedule stores it: RRULE text, local start, exceptions, zone and gap policy."""

    rule: str
    start: datetime  # naive, site-local
    timezone: str
    exdates: tuple[str, ...] = ()
    gap: GapPolicy = GapPolicy.SHIFT

    def between(self, after: datetime, before: datetime) -> list[Occurrence]:
        """Occurrences at or after `after` and before `before` (aware instants), in order."""
        zone = ZoneInfo(self.timezone)
        days, moments = parse_exdates(self.exdates)
        # Widen by a day each side in local time: the zone offset moves the boundaries.
        low = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        high = before.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
        parsed = parse_rule(self.rule, _rebased(self.rule, self.start, low))
        found: dict[datetime, Occurrence] = {}
        for planned in parsed.xafter(max(low, self.start), inc=True):
            if planned >= high:
                break
            if planned.date() in days or planned in moments:
                continue
            occurrence = _place(planned, zone, self.gap)
            if occurrence is None or not after <= occurrence.at < before:
                continue
            # A shifted 02:00 can land on the 03:00 the rule also makes: one round, not two,
            # and the one planned for that time is the one kept.
            if occurrence.at not in found or found[occurrence.at].shifted:
                found[occurrence.at] = occurrence
            if len(found) > MAX_OCCURRENCES:
                raise Invalid(
                    f"more than {MAX_OCCURRENCES} occurrences in this range; ask for less",
                    {"to": [f"at most {MAX_OCCURRENCES} occurrences"]},
                )
        return sorted(found.values(), key=lambda o: o.at)

    def first_after(self, after: datetime) -> Occurrence | None:
        """The first occurrence strictly after `after`, looking up to about ten years ahead."""
        start = after + timedelta(microseconds=1)
        for span in (timedelta(days=2), timedelta(days=40), timedelta(days=400), _DECADE):
            found = self.between(start, start + span)
            if found:
                return found[0]
        return None


_DECADE = timedelta(days=3660)


def _place(planned: datetime, zone: ZoneInfo, gap: GapPolicy) -> Occurrence | None:
    first = planned.replace(tzinfo=zone, fold=0)
    at = first.astimezone(UTC)
    if at.astimezone(zone).replace(tzinfo=None) != planned:  # inside the spring-forward gap
        if gap is GapPolicy.SKIP:
            return None
        return Occurrence(at, at.astimezone(zone), planned, shifted=True)
    second = planned.replace(tzinfo=zone, fold=1)
    ambiguous = second.utcoffset() != first.utcoffset()
    return Occurrence(at, first, planned, ambiguous=ambiguous)


def _parts(text: str) -> dict[str, str]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts = {}
    for part in body.upper().split(";"):
        name, _, value = part.partition("=")
        parts[name.strip()] = value.strip()
    return parts


def _rebased(text: str, start: datetime, low: datetime) -> datetime:
    """A later start in the same phase, so expanding next week never walks years of history."""
    parts = _parts(text)
    unit = _STEP.get(parts.get("FREQ", ""))
    if unit is None or "COUNT" in parts or low <= start:
        return start  # COUNT counts from the true start; monthly and yearly rules walk fast
    step = unit * int(parts.get("INTERVAL", "1"))
    return start + step * ((low - start) // step)


_STEP = {"HOURLY": timedelta(hours=1), "DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1)}


def parse_rule(text: str, start: datetime) -> rrule.rrule:
    """A dateutil rule from RRULE text (with or without the 'RRULE:' prefix); Invalid if not."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or "\n" in body or "DTSTART" in body.upper():
        raise Invalid("rrule must be one RRULE line", {"rrule": ["one RRULE, no DTSTART"]})
    if _parts(body).get("FREQ") not in _ALLOWED_FREQ:
        raise Invalid(
            "rrule frequency must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY",
            {"rrule": ["FREQ=HOURLY or coarser"]},
        )
    try:
        parsed = rrule.rrulestr(body, dtstart=start, ignoretz=True)
        interval = int(_parts(body).get("INTERVAL", "1"))
    except (ValueError, TypeError) as error:
        raise Invalid(f"rrule is not valid: {error}", {"rrule": [str(error)]}) from None
    if not isinstance(parsed, rrule.rrule) or not 1 <= interval <= 1000:
        raise Invalid("rrule is not valid", {"rrule": ["INTERVAL from 1 to 1000"]})
    return parsed


def parse_exdates(values: tuple[str, ...] | list[str]) -> tuple[set[date], set[datetime]]:
    """Exceptions: a local date ('2026-12-25') drops that day, a local time drops that one."""
    days: set[date] = set()
    moments: set[datetime] = set()
    for value in values:
        try:
            if len(value) == 10:
                days.add(date.fromisoformat(value))
            else:
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is not None:
                    raise ValueError("site-local, without an offset")
                moments.add(moment)
        except ValueError as error:
            raise Invalid(
                f"exdate {value!r} is not a local date or time",
                {"exdates": [f"{value}: {error}"]},
            ) from None
    return days, moments


def local_start(value: str) -> datetime:
    """A schedule's start in site-local wall time ('2026-11-01T22:00'); Invalid if it is not."""
    try:
        start = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(
            "start_local is not a local time", {"start_local": ["YYYY-MM-DDTHH:MM"]}
        ) from None
    if start.tzinfo is not None:
        raise Invalid("start_local is site-local", {"start_local": ["no UTC offset"]})
    return start
