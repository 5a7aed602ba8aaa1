"""Reports in words: their kinds, states, formats, what each covers and the figures they hold."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.domain.models import Report, ReportKind

KIND = {
    ReportKind.DAILY_ACTIVITY: _l("Daily activity"),
    ReportKind.COMPLIANCE: _l("Patrol compliance"),
    ReportKind.ASSET_MONTH: _l("Equipment month"),
    ReportKind.AUDIT: _l("Supervisory audit"),
}
# What each kind tells, under the kind's name on the form.
ABOUT = {
    ReportKind.DAILY_ACTIVITY: _l(
        "One shift at a site: its rounds stop by stop, incidents, shift notes and the handover,"
        " alerts, and inspections."
    ),
    ReportKind.COMPLIANCE: _l(
        "Were the scheduled rounds walked over some days: overall, by route, by guard and by"
        " checkpoint."
    ),
    ReportKind.ASSET_MONTH: _l(
        "One piece of equipment over a month: its readings against their limits, and findings."
    ),
    ReportKind.AUDIT: _l(
        "One scored supervisory audit: its score, its grade and the items that cost points."
    ),
}
# The state's mark and words: never by colour alone.
STATE = {
    "requested": ("…", _l("Being made")),
    "made": ("✓", _l("Ready")),
    "failed": ("✗", _l("Failed")),
}
FORMAT = {"pdf": "PDF", "xlsx": "Excel", "csv": "CSV"}
LANGUAGE = {"zh": "中文", "en": "English"}
# The figures reports keep, in the order a reader looks for them; other keys show as they are.
FIGURES = {
    "rounds": _l("Scheduled rounds"),
    "rounds_completed": _l("Rounds completed"),
    "rounds_incomplete": _l("Rounds incomplete"),
    "rounds_missed": _l("Rounds missed"),
    "rounds_late_start": _l("Rounds started late"),
    "rounds_pending": _l("Rounds not settled yet"),
    "rounds_scheduled": _l("Rounds not begun yet"),
    "rounds_in_progress": _l("Rounds in progress"),
    "voluntary_rounds": _l("Voluntary rounds"),
    "stops_due": _l("Checkpoint visits due"),
    "stops_scanned": _l("Checkpoints scanned"),
    "stops_late": _l("Checkpoints scanned late"),
    "stops_missed": _l("Checkpoints missed"),
    "incidents": _l("Incidents"),
    "shift_notes": _l("Shift notes"),
    "alerts_raised": _l("Alerts raised"),
    "alerts_resolved": _l("Alerts resolved"),
    "inspections": _l("Inspections"),
    "readings": _l("Readings"),
    "abnormal_readings": _l("Readings out of limits"),
    "findings_raised": _l("Findings raised"),
    "findings_resolved": _l("Findings resolved"),
    "score_tenths": _l("Score"),
    "items": _l("Items assessed"),
    "items_deducted": _l("Items that cost points"),
}


def kind(value: str) -> str:
    return str(KIND.get(value, value))  # type: ignore[call-overload]


def state(value: str) -> tuple[str, str]:
    """A state's mark and words."""
    mark, words = STATE.get(value, ("", value))
    return mark, str(words)


def covers(report: Report, assets: dict[int, str]) -> str:
    """What the report covers, as people say it: "2026-11-20 夜班", "Boiler, 2026-11"."""
    params: dict[str, Any] = report.params or {}
    try:
        if report.kind is ReportKind.DAILY_ACTIVITY:
            return f"{params['day']} {params.get('name') or params['shift']}"
        if report.kind is ReportKind.COMPLIANCE:
            return _("%(since)s to %(until)s", since=params["since"], until=params["until"])
        if report.kind is ReportKind.ASSET_MONTH:
            asset = assets.get(params["asset_id"]) or _("equipment %(n)s", n=params["asset_id"])
            return _("%(asset)s, %(month)s", asset=asset, month=params["month"])
        if report.kind is ReportKind.AUDIT:
            return _("inspection record %(n)s", n=params["record_id"])
    except KeyError:  # a report made before its kind kept these: its subject says it
        pass
    return report.subject


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str


def _shown(key: str, value: Any) -> str:
    if key == "score_tenths" and isinstance(value, int):
        return f"{value / 10:g}"
    return str(value)


def figures(found: dict[str, Any]) -> list[Figure]:
    """A report's figures with their labels, the known ones first in a reader's order."""
    known = [k for k in FIGURES if k in found]
    others = sorted(k for k in found if k not in FIGURES)
    return [Figure(k, str(FIGURES.get(k, k)), _shown(k, found[k])) for k in known + others]


@dataclass(frozen=True)
class Moved:
    key: str
    label: str
    before: str
    after: str


def moved(before: dict[str, Any], after: dict[str, Any]) -> list[Moved]:
    """The figures an amended version changed, from the version it amends."""
    keys = [k for k in FIGURES if k in before or k in after]
    keys += sorted(k for k in set(before) | set(after) if k not in FIGURES)
    return [
        Moved(k, str(FIGURES.get(k, k)), _shown(k, before.get(k, 0)), _shown(k, after.get(k, 0)))
        for k in keys
        if before.get(k, 0) != after.get(k, 0)
    ]


def size(count: int | None) -> str:
    """A file's size as people read it: 812 bytes, 42.5 KB, 1.3 MB."""
    if count is None:
        return ""
    if count < 1024:
        return _("%(n)s bytes", n=count)
    if count < 1024 * 1024:
        return _("%(n)s KB", n=round(count / 1024, 1))
    return _("%(n)s MB", n=round(count / 1024 / 1024, 1))
