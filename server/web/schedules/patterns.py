"""The schedule builder's patterns and the RRULE each writes: pure, so both ways are tested alone.

A person picks a common shape (every day at these hours, weekdays, weekends, every N hours
between two times) and the pattern writes the RFC 5545 rule and its local start (DTSTART) that
the schedule stores. Read back, a stored rule is shown as its pattern only when that pattern
writes the same rule and the same start; any other rule is shown raw, as an expert wrote it,
so opening a schedule and saving it never changes its rule behind anyone's back.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum


class Days(StrEnum):
    """On which days a pattern's hours come round."""

    EVERY_DAY = "daily"
    WEEKDAYS = "weekdays"
    WEEKENDS = "weekends"


class Shape(StrEnum):
    """What the builder offers: the days' patterns, and every N hours between two times."""

    EVERY_DAY = "daily"
    WEEKDAYS = "weekdays"
    WEEKENDS = "weekends"
    EVERY_N_HOURS = "every"


_BYDAY = {Days.WEEKDAYS: "MO,TU,WE,TH,FR", Days.WEEKENDS: "SA,SU"}
MAX_STEP = 12  # every N hours: N from 1 to 12


@dataclass(frozen=True)
class Pattern:
    """Rounds at these hours (and one minute past each) on these days, from a day, maybe to one."""

    days: Days
    hours: tuple[int, ...]  # in the shift's order: 22, 0, 2, 4 for a night
    minute: int
    starts: date
    until: date | None = None  # the last day with rounds, whole (site-local)

    def rrule(self) -> str:
        """The RFC 5545 rule, in site-local time."""
        parts = ["FREQ=DAILY"] if self.days is Days.EVERY_DAY else ["FREQ=WEEKLY"]
        if self.days in _BYDAY:
            parts.append(f"BYDAY={_BYDAY[self.days]}")
        parts += [f"BYHOUR={','.join(map(str, self.hours))}", f"BYMINUTE={self.minute}"]
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        return ";".join(parts)

    def start_local(self) -> str:
        """DTSTART: the first day at the shift's first time, so a night starting on the 7th
        starts at 22:00 that evening, not with the small hours of the 7th's morning."""
        return f"{self.starts.isoformat()}T{self.hours[0]:02d}:{self.minute:02d}"


def shift_order(hours: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """The hours as a shift walks them: the first after the longest pause, 22, 0, 2, 4."""
    ordered = sorted(set(hours))
    if not ordered:
        return ()
    pauses = [(h - ordered[i - 1]) % 24 or 24 for i, h in enumerate(ordered)]
    first = pauses.index(max(pauses))
    return tuple(ordered[first:] + ordered[:first])


def every(step: int, first: time, last: time) -> tuple[int, ...]:
    """The hours of rounds every `step` hours from `first` to `last`, across midnight if `last`
    is earlier; the same time for both means around the clock. Minutes follow `first`."""
    if not 1 <= step <= MAX_STEP:
        raise ValueError(f"every 1 to {MAX_STEP} hours")
    begin = first.hour * 60 + first.minute
    span = (last.hour * 60 + last.minute - begin) % 1440
    count = -(-24 // step) if span == 0 else span // (step * 60) + 1
    found = ((first.hour + n * step) % 24 for n in range(count))
    return tuple(dict.fromkeys(found))


def read(rule: str, start_local: str, exact: bool = True) -> Pattern | None:
    """The pattern that writes this rule and start, or None: a rule to show raw.

    Not exact, for saying a rule in words: hours and minute left out take DTSTART's, as RFC 5545
    says, and the start may be any time (FREQ=DAILY from 22:00 is every day at 22:00).
    """
    parts = _parts(rule)
    try:
        start = datetime.fromisoformat(start_local)
    except ValueError:
        return None
    if parts is None or start.tzinfo is not None:
        return None
    if not exact:
        parts.setdefault("BYHOUR", str(start.hour))
        parts.setdefault("BYMINUTE", str(start.minute))
    days = _days(parts)
    try:
        hours = tuple(int(h) for h in parts.pop("BYHOUR").split(","))
        minute = int(parts.pop("BYMINUTE"))
        until = parts.pop("UNTIL", None)
        ends = datetime.strptime(until, "%Y%m%d").date() if until else None
    except (KeyError, ValueError):
        return None
    if days is None or parts or not all(0 <= h <= 23 for h in hours) or not 0 <= minute <= 59:
        return None
    if until is not None and len(until) != 8:
        return None
    found = Pattern(days, shift_order(hours), minute, start.date(), ends)
    if len(found.hours) != len(hours) or (exact and found.start_local() != start_local):
        return None  # the same hour twice, or a start the builder would not write
    return found


def _parts(rule: str) -> dict[str, str] | None:
    body = rule.strip().upper().removeprefix("RRULE:")
    parts: dict[str, str] = {}
    for part in body.split(";"):
        name, equals, value = part.partition("=")
        if not equals or name in parts:
            return None
        parts[name.strip()] = value.strip()
    return parts


def _days(parts: dict[str, str]) -> Days | None:
    """The days of a DAILY rule, or of a WEEKLY one on weekdays or weekends (parts consumed)."""
    frequency, byday = parts.pop("FREQ", None), parts.pop("BYDAY", None)
    if frequency == "DAILY" and byday is None:
        return Days.EVERY_DAY
    if frequency != "WEEKLY" or byday is None:
        return None
    chosen = set(byday.split(","))
    return next((d for d, text in _BYDAY.items() if set(text.split(",")) == chosen), None)
