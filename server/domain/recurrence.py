"""RFC 5545 recurrences expanded in a site's local wall-clock time, with explicit DST rules."""

import enum
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
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
        return self._between(after, before, MAX_OCCURRENCES)

    def first_after(self, after: datetime) -> Occurrence | None:
        """The first occurrence strictly after `after`, looking up to about ten years ahead."""
        start = after + timedelta(microseconds=1)
        for span in (timedelta(days=2), timedelta(days=40), timedelta(days=400), _DECADE):
            found = self.between(start, start + span)
            if found:
                return found[0]
        return None

    @property
    def ends(self) -> bool:
        """Whether COUNT or UNTIL ends the rule."""
        return not {"COUNT", "UNTIL"}.isdisjoint(_parts(self.rule))

    def last(self) -> Occurrence | None:
        """The last occurrence of a rule that ends; None if it never ends or makes none."""
        end = self._end()
        if end is None:
            return None
        origin = _utc(self.start, ZoneInfo(self.timezone)) - timedelta(days=1)
        spans = (timedelta(days=2), timedelta(days=40), timedelta(days=400))
        for low in [*(end - span for span in spans if end - origin > span), origin]:
            found = self._between(low, end, limit=None)
            if found:
                return found[-1]
        return None

    def _end(self) -> datetime | None:
        """An instant after every occurrence of a rule that ends (None when it never ends)."""
        zone = ZoneInfo(self.timezone)
        until = parse_until(self.rule)
        ends = []
        if until is not None:
            ends.append(until.end(zone))
        if "COUNT" in _parts(self.rule):
            final = deque(parse_rule(self.rule, self.start), maxlen=1)  # walked to its end
            if not final:
                return None
            ends.append(_latest(final[0], zone))
        return min(ends) + timedelta(microseconds=1) if ends else None

    def _between(self, after: datetime, before: datetime, limit: int | None) -> list[Occurrence]:
        after, before = max(after, _EARLIEST), min(before, _LATEST)
        zone = ZoneInfo(self.timezone)
        days, moments = parse_exdates(self.exdates)
        until = parse_until(self.rule)
        # Widen by a day each side in local time: the zone offset moves the boundaries.
        low = after.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
        high = before.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
        stop = None if until is None else until.stop(zone)
        parsed = parse_rule(self.rule, _rebased(self.rule, self.start, low), stop)
        found: dict[datetime, Occurrence] = {}
        for planned in parsed.xafter(max(low, self.start), inc=True):
            if planned >= high:
                break
            if planned.date() in days or planned in moments:
                continue
            occurrence = _place(planned, zone, self.gap)
            if occurrence is None or not after <= occurrence.at < before:
                continue
            if until is not None and not until.keeps(occurrence):
                continue
            # A shifted 02:00 can land on the 03:00 the rule also makes: one round, not two,
            # and the one planned for that time is the one kept.
            if occurrence.at not in found or found[occurrence.at].shifted:
                found[occurrence.at] = occurrence
            if limit is not None and len(found) > limit:
                raise Invalid(
                    f"more than {limit} occurrences in this range; ask for less",
                    {"to": [f"at most {limit} occurrences"]},
                )
        return sorted(found.values(), key=lambda o: o.at)


@dataclass(frozen=True)
class Until:
    """Where UNTIL ends a rule, inclusively (RFC 5545 3.3.10)."""

    moment: datetime  # aware UTC for a value ending in Z; else naive, site-local wall time

    def keeps(self, occurrence: Occurrence) -> bool:
        """Whether an occurrence is at or before the end."""
        if self.moment.tzinfo is not None:
            return occurrence.at <= self.moment
        return occurrence.planned_local <= self.moment

    def stop(self, zone: ZoneInfo) -> datetime:
        """A local wall time no kept occurrence is planned after, to stop expanding there."""
        if self.moment.tzinfo is None:
            return self.moment
        # A time planned in the repeated autumn hour reads later on the wall than `moment` and
        # may still come before it: a day's margin, the exact test being `keeps`.
        return self.moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)

    def end(self, zone: ZoneInfo) -> datetime:
        """An instant no kept occurrence is after."""
        if self.moment.tzinfo is not None:
            return self.moment
        return _latest(self.moment, zone)


_UNTIL = re.compile(r"(\d{8})(T\d{6}(Z?))?")
_UNTIL_FORMS = (
    "UNTIL as YYYYMMDDTHHMMSSZ (UTC), YYYYMMDDTHHMMSS (site-local) or YYYYMMDD, years 1900-9998"
)


def parse_until(text: str) -> Until | None:
    """The rule's UNTIL: ending in Z it is UTC; without, site-local; a date is that whole day."""
    value = _parts(text).get("UNTIL")
    if value is None:
        return None
    match = _UNTIL.fullmatch(value)
    try:
        if match is None or not 1900 <= int(value[:4]) <= 9998:  # room for zone arithmetic
            raise ValueError(value)
        if match[2] is None:  # a date: through the end of that local day
            return Until(datetime.combine(datetime.strptime(value, "%Y%m%d"), time.max))
        moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise Invalid(
            f"rrule UNTIL={value} is not a date or time", {"rrule": [_UNTIL_FORMS]}
        ) from None
    return Until(moment.replace(tzinfo=UTC) if match[3] else moment)


def _latest(local: datetime, zone: ZoneInfo) -> datetime:
    """An instant after any placing of a local wall time (a repeated hour's later one, a gap)."""
    return min(_utc(local, zone, fold=1) + timedelta(days=1), _LATEST)


def _utc(local: datetime, zone: ZoneInfo, fold: int = 0) -> datetime:
    """A site-local wall time as an instant, held inside the range below."""
    held = min(max(local, _EARLIEST.replace(tzinfo=None)), _LATEST.replace(tzinfo=None))
    return held.replace(tzinfo=zone, fold=fold).astimezone(UTC)


_DECADE = timedelta(days=3660)
# What a range is cut to: zone arithmetic needs a few days' room inside what datetime holds.
_EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=3)
_LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=3)


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


def parse_rule(text: str, start: datetime, stop: datetime | None = None) -> rrule.rrule:
    """A dateutil rule from RRULE text (with or without the 'RRULE:' prefix); Invalid if not.

    Its UNTIL is left to `parse_until`, which knows UTC from site-local; `stop`, a local wall
    time, ends the expansion instead (for a rule without COUNT).
    """
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or "\n" in body or "DTSTART" in body.upper():
        raise Invalid("rrule must be one RRULE line", {"rrule": ["one RRULE, no DTSTART"]})
    parts = _parts(body)
    if parts.get("FREQ") not in _ALLOWED_FREQ:
        raise Invalid(
            "rrule frequency must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY",
            {"rrule": ["FREQ=HOURLY or coarser"]},
        )
    body = ";".join(p for p in body.split(";") if p.partition("=")[0].strip().upper() != "UNTIL")
    try:
        parsed = rrule.rrulestr(body, dtstart=start, ignoretz=True)
        interval = int(parts.get("INTERVAL", "1"))
    except (ValueError, TypeError) as error:
        raise Invalid(f"rrule is not valid: {error}", {"rrule": [str(error)]}) from None
    if not isinstance(parsed, rrule.rrule) or not 1 <= interval <= 1000:
        raise Invalid("rrule is not valid", {"rrule": ["INTERVAL from 1 to 1000"]})
    if stop is not None and "COUNT" not in parts:
        parsed = parsed.replace(until=stop)
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


@dataclass(frozen=True)
class OffsetChange:
    """A moment a zone's clocks change (summer time starts or ends), so a preview can say it."""

    at: datetime  # UTC, the first instant with the new offset
    before: timedelta  # the UTC offset until then
    after: timedelta  # the UTC offset from then

    @property
    def forward(self) -> bool:
        """The clocks go forward: an hour of wall-clock time does not exist that night."""
        return self.after > self.before

    @property
    def wall_before(self) -> datetime:
        """What the site's clocks read as the change comes (naive): 02:00 in New York in March."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def wall_after(self) -> datetime:
        """What they read just after (naive): 03:00 in New York in March."""
        return (self.at + self.after).replace(tzinfo=None)


def offset_changes(timezone: str, after: datetime, before: datetime) -> list[OffsetChange]:
    """The zone's clock changes at or after `after` and before `before` (aware instants).

    Looked for a day at a time, then to the second: meant for ranges of a year or so.
    """
    zone = ZoneInfo(timezone)

    def offset(second: int) -> timedelta:
        return datetime.fromtimestamp(second, zone).utcoffset() or timedelta()

    found = []
    # From a second before: a change at `after` itself is one the range holds.
    low, end = int(after.timestamp()) - 1, int(before.timestamp())
    while low < end:
        high = min(low + 86_400, end)
        if offset(low) != offset(high):
            left, right = low, high  # offset(left) is the old one, offset(right) the new
            while right - left > 1:
                middle = (left + right) // 2
                left, right = (middle, right) if offset(middle) == offset(low) else (left, middle)
            if after <= (at := datetime.fromtimestamp(right, UTC)) < before:
                found.append(OffsetChange(at, offset(left), offset(right)))
        low = high
    return found
