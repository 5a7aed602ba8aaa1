"""When an inspection is due, in words, and the schedule form's fields as the API's body.

A schedule is due on a calendar (an RRULE in site time), or a spacing after the last record
(overdue.due_at: the spacing's most sets the due date when there is one), and a spacing's least
flags a record done too soon after the one before (intake._spacing). The form offers the usual
calendars (every day, a weekday, a day of the month) and any RRULE besides.
"""

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from server.web.forms import Fields, number

WEEKDAYS = {
    "MO": _l("Monday"),
    "TU": _l("Tuesday"),
    "WE": _l("Wednesday"),
    "TH": _l("Thursday"),
    "FR": _l("Friday"),
    "SA": _l("Saturday"),
    "SU": _l("Sunday"),
}
REPEATS = {
    "": _l("No calendar"),
    "daily": _l("Every day"),
    "weekly": _l("Every week on a weekday"),
    "monthly": _l("Every month on a day"),
    "custom": _l("Another rule (RRULE)"),
}
UNITS = {"days": _l("days"), "hours": _l("hours")}
_WEEKLY = re.compile(r"^FREQ=WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)$")
_MONTHLY = re.compile(r"^FREQ=MONTHLY;BYMONTHDAY=([1-9]|[12][0-9]|3[01])$")
_WHOLE = {"reader": number}

FORM = Fields(
    (
        *("asset_id", "template_id", "repeat", "weekday", "monthday", "rrule", "start_local"),
        *("spacing_unit", "least", "most", "grace_hours", "assignee_id", "paused", "active"),
    ),
    readers=dict.fromkeys(
        ("asset_id", "template_id", "monthday", "least", "most", "grace_hours", "assignee_id"),
        number,
    ),
    checkboxes=("paused", "active"),
)


def body(typed: dict[str, Any], editing: bool) -> dict[str, Any]:
    """The form's fields as the API's JSON body: the calendar as an RRULE, the spacing in one
    unit (the other set to null, so a change of unit clears it)."""
    repeat = typed.get("repeat") or ""
    rule = {
        "daily": "FREQ=DAILY",
        "weekly": f"FREQ=WEEKLY;BYDAY={typed.get('weekday') or 'MO'}",
        "monthly": f"FREQ=MONTHLY;BYMONTHDAY={typed.get('monthday')}",
        "custom": typed.get("rrule"),
    }.get(repeat)
    unit = "hours" if typed.get("spacing_unit") == "hours" else "days"
    other = "days" if unit == "hours" else "hours"
    found = {
        "rrule": rule,
        "start_local": typed.get("start_local"),
        f"min_{unit}": typed.get("least"),
        f"max_{unit}": typed.get("most"),
        f"min_{other}": None,
        f"max_{other}": None,
        "grace_hours": 0 if typed.get("grace_hours") is None else typed["grace_hours"],
        "assignee_id": typed.get("assignee_id"),
    }
    if editing:
        return found | {"paused": typed.get("paused", False), "active": typed.get("active", True)}
    return found | {"asset_id": typed.get("asset_id"), "template_id": typed.get("template_id")}


def values(schedule: Any) -> dict[str, Any]:
    """A saved schedule as the form shows it."""
    rule = schedule.rrule or ""
    weekly, monthly = _WEEKLY.match(rule), _MONTHLY.match(rule)
    repeat = (
        ""
        if not rule
        else "daily"
        if rule == "FREQ=DAILY"
        else "weekly"
        if weekly
        else "monthly"
        if monthly
        else "custom"
    )
    hours = schedule.max_hours is not None or schedule.min_hours is not None
    return {
        "repeat": repeat,
        "weekday": weekly.group(1) if weekly else "MO",
        "monthday": monthly.group(1) if monthly else 1,
        "rrule": rule,
        "start_local": schedule.start_local,
        "spacing_unit": "hours" if hours else "days",
        "least": schedule.min_hours if hours else schedule.min_days,
        "most": schedule.max_hours if hours else schedule.max_days,
        "grace_hours": schedule.grace_hours,
        "assignee_id": schedule.assignee_id,
        "paused": schedule.paused,
        "active": schedule.active,
    }


def explain(schedule: Any) -> list[str]:
    """What the schedule means, sentence by sentence."""
    said = []
    most, least = (
        _span(schedule.max_days, schedule.max_hours),
        _span(schedule.min_days, schedule.min_hours),
    )
    if schedule.rrule:
        said.append(calendar(schedule.rrule, schedule.start_local))
        if most is None and schedule.grace_hours:
            hours = ngettext("%(num)d hour", "%(num)d hours", schedule.grace_hours)
            said.append(
                _("A record up to %(hours)s before or after a due time counts for it.", hours=hours)
            )
    if most is not None:
        said.append(_("Due %(span)s after the last inspection of the asset.", span=most))
        if schedule.rrule:
            said.append(_("The spacing sets the due date; the calendar rule does not."))
    if least is not None:
        said.append(
            _(
                "An inspection less than %(span)s after the one before is flagged as too soon.",
                span=least,
            )
        )
    return said


def calendar(rule: str, start_local: str | None) -> str:
    """An RRULE in words where it is one the form offers; the rule itself otherwise."""
    at = (start_local or "")[11:16]
    weekly, monthly = _WEEKLY.match(rule), _MONTHLY.match(rule)
    if rule == "FREQ=DAILY":
        return _("Every day at %(time)s (site time).", time=at) if at else _("Every day.")
    if weekly:
        day = WEEKDAYS[weekly.group(1)]
        return _("Every %(day)s at %(time)s (site time).", day=day, time=at)
    if monthly:
        return _(
            "Every month on day %(day)s at %(time)s (site time).", day=monthly.group(1), time=at
        )
    return _(
        "On the calendar rule %(rule)s, from %(start)s (site time).",
        rule=rule,
        start=start_local or "",
    )


def _span(days: int | None, hours: int | None) -> str | None:
    if days is not None:
        return ngettext("%(num)d day", "%(num)d days", days)
    if hours is not None:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return None
