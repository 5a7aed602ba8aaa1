"""A schedule said in words, in the page's language: its rule, its state, and what the clock
changes do to its rounds (what the domain's preview reports, never worked out again here)."""

from datetime import date, datetime, timedelta

from babel.dates import format_skeleton
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from server.domain.models import Schedule
from server.domain.recurrence import Occurrence, OffsetChange
from server.web.schedules.patterns import Days, Pattern, read


def _locale() -> str:
    return str(get_locale() or "en")


def day(when: date) -> str:
    """14 March 2027 / 2027年3月14日."""
    return format_skeleton("yMMMMd", when, locale=_locale())


def weekday(when: date) -> str:
    """Sun / 周日."""
    return format_skeleton("E", when, locale=_locale())


def offset(value: timedelta | None) -> str:
    """UTC-04:00, UTC+08:00."""
    minutes = int((value or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def clock(when: datetime) -> str:
    return when.strftime("%H:%M")


def pattern(found: Pattern) -> str:
    """Every day at 22:00, 00:00 and 02:00, until 31 March 2027."""
    times = format_list([f"{h:02d}:{found.minute:02d}" for h in found.hours], locale=_locale())
    said = {
        Days.EVERY_DAY: _("Every day at %(times)s", times=times),
        Days.WEEKDAYS: _("Monday to Friday at %(times)s", times=times),
        Days.WEEKENDS: _("Saturday and Sunday at %(times)s", times=times),
    }[found.days]
    if found.until is not None:
        said = _("%(rule)s, until %(day)s", rule=said, day=day(found.until))
    return said


def rule(text: str, start_local: str) -> str:
    """A stored rule in words when it is one of the builder's patterns, else as written."""
    found = read(text, start_local, exact=False)
    if found is None:
        return _("Custom rule: %(rule)s from %(start)s", rule=text, start=start_local)
    return pattern(found)


def state(schedule: Schedule) -> str:
    """Ended, paused or active, said in words beside a mark (never colour alone)."""
    if not schedule.active:
        return "■ " + _("Ended")
    if schedule.paused:
        return "‖ " + _("Paused")
    return "● " + _("Active")


def flag(found: Occurrence, timezone: str) -> str:
    """What a clock change did to this round, or "" when it did nothing."""
    planned, when = clock(found.planned_local), found.planned_local.date()
    actual = f"{clock(found.local)} {offset(found.local.utcoffset())}"
    if found.shifted:
        return _(
            "%(planned)s does not exist on %(day)s in %(zone)s (the clocks go forward): "
            "the round is at %(actual)s.",
            planned=planned,
            day=day(when),
            zone=timezone,
            actual=actual,
        )
    if found.ambiguous:
        return _(
            "%(planned)s comes twice on %(day)s in %(zone)s (the clocks go back): "
            "the round is at the first one, %(actual)s.",
            planned=planned,
            day=day(when),
            zone=timezone,
            actual=actual,
        )
    return ""


def flag_short(found: Occurrence) -> str:
    """The same, for a table's narrow column: moved from 02:00, the first 01:30."""
    planned = clock(found.planned_local)
    if found.shifted:
        return _("moved from %(planned)s", planned=planned)
    if found.ambiguous:
        return _("the first of two %(planned)s", planned=planned)
    return ""


def change(found: OffsetChange, timezone: str) -> str:
    """On 14 March 2027 at 02:00 the clocks in America/New_York go forward to 03:00."""
    values = {
        "day": day(found.wall_before.date()),
        "before": clock(found.wall_before),
        "after": clock(found.wall_after),
        "zone": timezone,
        "old": offset(found.before),
        "new": offset(found.after),
    }
    if found.forward:
        return _(
            "On %(day)s at %(before)s the clocks in %(zone)s go forward to %(after)s "
            "(%(old)s to %(new)s).",
            **values,
        )
    return _(
        "On %(day)s at %(before)s the clocks in %(zone)s go back to %(after)s "
        "(%(old)s to %(new)s).",
        **values,
    )
