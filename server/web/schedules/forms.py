"""The schedule form: the builder's fields become the rule, the rest is read by the API's schema.

The builder writes `rrule` and `start_local` (patterns.py); a raw RRULE typed by an expert wins
over the pattern. Everything then goes through the API's ScheduleSchema, so the console and the
API accept exactly the same schedules.
"""

from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from server.api.schedules.schemas import RuleSchema, ScheduleSchema, ScheduleUpdateSchema
from server.domain.errors import Invalid
from server.domain.models import Schedule
from server.domain.writes import Precondition
from server.web import forms as shared
from server.web.forms import Fields, drop_nulls, load, number, typed
from server.web.schedules.patterns import (
    MAX_STEP,
    Days,
    Pattern,
    Shape,
    every,
    read,
    shift_order,
)

_NUMBERS = ("route_id", "window_min", "early_min", "late_min", "grace_min", "assignee_id")
SCHEDULE = Fields(
    ("name", *_NUMBERS, "team", "gap_policy"),
    readers={name: number for name in _NUMBERS},
)
# An edit never moves a schedule to another route (the API's PATCH refuses route_id).
EDIT = Fields(tuple(n for n in SCHEDULE.names if n != "route_id"), SCHEDULE.readers)
RULE = ("rrule", "start_local")
# What the edit form shows and saves: its version is made of these alone. Pause, resume and end
# (`paused`, `active`) and the worker making rounds ahead (`materialised_until`, which moves
# `updated_at`) change nothing the form would write over, so they leave an open form current.
SHOWN = (*EDIT.names, *RULE, "exdates")
# The builder's own fields, kept as typed when the form comes back.
BUILDER = ("shape", "minute", "every", "from_time", "to_time", "starts", "until", "start_time")
NIGHT = ("22", "0", "2", "4")
SHAPES = (
    (Shape.EVERY_DAY.value, _l("Every day (and night) at these hours")),
    (Shape.WEEKDAYS.value, _l("Monday to Friday at these hours")),
    (Shape.WEEKENDS.value, _l("Saturday and Sunday at these hours")),
    (Shape.EVERY_N_HOURS.value, _l("Every N hours between two times")),
)
GAP_POLICIES = (
    ("shift", _l("Move it by the change, as RFC 5545 says: 02:30 becomes 03:30")),
    ("skip", _l("Skip that round")),
)
# What a refusal calls each field, in the page's language.
LABELS = {
    "name": _l("Name"),
    "route_id": _l("Route"),
    "shape": _l("Pattern"),
    "hours": _l("Hours"),
    "minute": _l("Minute"),
    "every": _l("Every (hours)"),
    "from_time": _l("From"),
    "to_time": _l("To"),
    "starts": _l("Starts on"),
    "until": _l("Last day"),
    "rrule": _l("Raw RRULE"),
    "start_time": _l("Start time"),
    "start_local": _l("Starts on"),
    "exdates": _l("Days off"),
    "gap_policy": _l("When a time does not exist"),
    "window_min": _l("Window (minutes)"),
    "early_min": _l("Early (minutes)"),
    "late_min": _l("Late (minutes)"),
    "grace_min": _l("Grace (minutes)"),
    "assignee_id": _l("Assignee"),
    "team": _l("Team"),
}


def rule(form: MultiDict[str, str]) -> dict[str, str]:
    """`rrule` and `start_local` as the builder writes them, the expert's raw rule first."""
    problems: dict[str, list[str]] = {}
    starts = _date(form, "starts", problems, required=True)
    raw = form.get("rrule", "").strip()
    if raw:
        at = _time(form.get("start_time", "").strip() or "00:00", "start_time", problems)
        _refuse(problems)
        return {"rrule": raw, "start_local": f"{starts}T{at:%H:%M}"}
    found = _pattern(form, starts, problems)  # None only with its problems said
    _refuse(problems)
    return {"rrule": found.rrule(), "start_local": found.start_local()}  # type: ignore[union-attr]


def preview_rule(form: MultiDict[str, str]) -> dict[str, Any]:
    """The rule as the API's preview takes it (its RuleSchema), from the builder."""
    data = rule(form) | {"gap_policy": form.get("gap_policy") or "shift"}
    return load(RuleSchema(), data | {"exdates": form.getlist("exdates")})


def new_schedule(form: MultiDict[str, str]) -> dict[str, Any]:
    """A schedule to create, as the API's POST /schedules body; empty fields take defaults."""
    return drop_nulls(_read(form, ScheduleSchema, SCHEDULE))  # no assignee: none


def changes(form: MultiDict[str, str], schedule: Schedule) -> dict[str, Any]:
    """A schedule's edit, as the API's PATCH body. A rule the builder writes back the same
    (hours in another order, say) is left as stored: saving unchanged remakes no rounds."""
    data = _read(form, ScheduleUpdateSchema, EDIT)
    stored = read(schedule.rrule, schedule.start_local)
    written = (data["rrule"], data["start_local"])
    if written == (schedule.rrule, schedule.start_local) or (
        stored is not None and stored == read(*written)
    ):
        del data["rrule"], data["start_local"]
    return data


def values(form: MultiDict[str, str]) -> dict[str, Any]:
    """What the person typed, to show the form again as it was."""
    return form.to_dict() | {"hours": form.getlist("hours"), "exdates": form.getlist("exdates")}


def blank(today: date) -> dict[str, Any]:
    """A new schedule's form: a night patrol every two hours, starting today."""
    return {
        "shape": Shape.EVERY_DAY.value,
        "hours": list(NIGHT),
        "minute": "0",
        "every": "2",
        "from_time": "20:00",
        "to_time": "06:00",
        "starts": today.isoformat(),
        "window_min": "60",
        "early_min": "0",
        "late_min": "0",
        "gap_policy": "shift",
        "exdates": [],
    }


def of_schedule(schedule: Schedule) -> dict[str, Any]:
    """A saved schedule's form: its rule as its pattern, or raw when it is no pattern."""
    found = read(schedule.rrule, schedule.start_local)
    start = datetime.fromisoformat(schedule.start_local)
    shown: dict[str, Any] = blank(start.date())
    if found is None:
        shown |= {"rrule": schedule.rrule, "start_time": f"{start:%H:%M}"}
    else:
        shown |= {
            "shape": found.days.value,
            "hours": [str(h) for h in found.hours],
            "minute": str(found.minute),
            "until": found.until.isoformat() if found.until else "",
        }
    kept = ("name", "window_min", "early_min", "late_min", "grace_min", "assignee_id", "team")
    return shown | {
        **{name: getattr(schedule, name) for name in kept},
        "gap_policy": schedule.gap_policy.value,
        "exdates": list(schedule.exdates),
        "version": version(schedule),
    }


def version(schedule: Schedule) -> str:
    """The schedule's version as the edit form carries it: a hash of what the form shows."""
    return shared.fingerprint(ScheduleUpdateSchema(only=SHOWN).dump(schedule))


def unchanged_since(seen: str | None) -> Precondition:
    """Refuse to save over a schedule someone edited after this page was opened."""
    message = _(
        "Someone changed this schedule after you opened it, so your changes were not saved. "
        "Open the schedule again to see its current settings, then make your changes."
    )
    return shared.unchanged_since(seen, version, message)


def _read(form: MultiDict[str, str], schema: type[ScheduleSchema], spec: Fields) -> dict[str, Any]:
    """The schedule's fields checked by the schema, the builder's problems beside the schema's."""
    problems: dict[str, Any] = {}
    try:
        written = rule(form)
    except Invalid as error:
        problems, written = dict(error.errors or {}), {}
    try:
        # An empty field is left out (null only where the API takes it): a default applies.
        data = drop_nulls(typed(form, spec), keep=("assignee_id", "team")) | written
        loaded = load(schema(partial=RULE) if problems else schema(), data)
    except Invalid as error:
        problems |= error.errors or {}
    _refuse(problems)
    return loaded


def _refuse(problems: dict[str, Any]) -> None:
    if problems:
        names = ", ".join(str(LABELS.get(name, name)) for name in problems)
        raise Invalid(_("Fields to correct: %(fields)s", fields=names), problems)


def _pattern(form: MultiDict[str, str], starts: date | None, problems: dict) -> Pattern | None:
    """The builder's pattern, or None with the problems said."""
    shape = form.get("shape") or Shape.EVERY_DAY.value
    if shape not in set(Shape):
        problems["shape"] = [_("Choose one of the patterns.")]
        return None
    until = _date(form, "until", problems)
    if starts and until and until < starts:
        problems["until"] = [_("The last day comes before the first.")]
    if shape == Shape.EVERY_N_HOURS:
        step = _whole(form.get("every", ""), 1, MAX_STEP, "every", problems)
        first = _time(form.get("from_time", ""), "from_time", problems)
        last = _time(form.get("to_time", ""), "to_time", problems)
        if step is None or first is None or last is None or starts is None:
            return None
        return Pattern(Days.EVERY_DAY, every(step, first, last), first.minute, starts, until)
    hours = [_whole(h, 0, 23, "hours", problems) for h in form.getlist("hours")]
    if not hours:
        problems["hours"] = [_("Tick at least one hour.")]
    minute = _whole(form.get("minute", "").strip() or "0", 0, 59, "minute", problems)
    if problems or starts is None or minute is None:
        return None
    return Pattern(
        Days(shape), shift_order([h for h in hours if h is not None]), minute, starts, until
    )


def _date(
    form: MultiDict[str, str], name: str, problems: dict, required: bool = False
) -> date | None:
    text = form.get(name, "").strip()
    if not text:
        if required:
            problems[name] = [_("A date is needed.")]
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems[name] = [_("A date as YYYY-MM-DD.")]
        return None


def _time(text: str, name: str, problems: dict) -> time | None:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        problems[name] = [_("A time as HH:MM.")]
        return None


def _whole(text: str, least: int, most: int, name: str, problems: dict) -> int | None:
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not least <= value <= most:
        problems[name] = [_("A whole number from %(least)d to %(most)d.", least=least, most=most)]
        return None
    return value
