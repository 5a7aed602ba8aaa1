"""A judged record's problems become alerts; problems it no longer shows are settled."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.kinds import AlertKey, AlertKind, worst
from server.domain.alerts.lifecycle import Finding
from server.domain.inspection.checks import Problem
from server.domain.inspection.definition import Definition
from server.domain.inspection.history import History
from server.domain.inspection.problem_kinds import KINDS, LASTING
from server.domain.models import Alert, AlertSeverity, AlertState


@dataclass(frozen=True)
class Stored:
    """A record as stored: what raising its alerts needs, without loading it back."""

    id: int
    org_id: int
    site_id: int
    asset_id: int | None
    template_id: int
    version: int
    at: datetime
    values: dict[str, Any]
    device_id: int | None
    user_id: int | None
    event_id: int | None


# An item's level of concern, as the alert's severity.
_SEVERITY = {
    "critical": AlertSeverity.CRITICAL,
    "warning": AlertSeverity.MEDIUM,
    "low": AlertSeverity.LOW,
}


def apply(
    session: Session,
    record: Stored,
    subject: str,
    template_code: str,
    form: Definition,
    problems: list[Problem],
    history: History,
    latest: bool,
) -> None:
    """One alert per problem; settle the rest.

    A lasting problem's consecutive records continue one alert (an episode); once a record is
    back within bounds the episode is over, and the next excursion opens a new alert linked to
    it (previous_id), even while the earlier one still waits for its rectification note.
    """
    still = set()
    for problem in problems:
        if not problem.lasting:
            key = AlertKey.of(KINDS[problem.code], record.id, problem.item or "-")
            finding = _finding(problem, record, subject, template_code, form, key)
            alerts.raise_new(session, record.org_id, finding)
            continue
        fresh = lasting_key(problem, record.asset_id, record.site_id, record.template_id, record.id)
        spell = fresh.subject or ""
        still.add(spell)
        ongoing, previous = _ongoing(session, history, record, spell), None
        if ongoing is not None and _over(ongoing):
            previous, ongoing = ongoing, None  # a new excursion: a new episode, linked back
        key = AlertKey.parse(ongoing.key) if ongoing else fresh
        finding = _finding(problem, record, subject, template_code, form, key)
        if ongoing is not None:
            # An episode is as bad as its worst record; the evidence shows the latest.
            finding.severity = worst(ongoing.severity, finding.severity or ongoing.severity)
        if ongoing is None:
            finding.previous_id = (
                previous.id if previous else _last_of(session, record.org_id, spell)
            )
            alert = alerts.raise_new(session, record.org_id, finding)
            history.spells[spell] = alert
            if record.asset_id is not None:
                history.open_alerts[record.asset_id].append(alert)
        elif ongoing.awaiting_reading:
            alerts.follow_up_failed(session, ongoing, finding)
        else:
            alerts.update(session, ongoing, finding)
    if latest and record.asset_id is not None:
        _settle(session, record, form, still, history)
        _done(session, record, history)


def lasting_key(
    problem: Problem, asset_id: int | None, site_id: int, template_id: int, record_id: int
) -> AlertKey:
    """A lasting problem's key: its subject is the asset (or site) and item (or form)."""
    return AlertKey.of(
        KINDS[problem.code], *_where(problem, asset_id, site_id, template_id), record_id
    )


def subject_of(problem: Problem, asset_id: int | None, site_id: int, template_id: int) -> str:
    """What a lasting problem is about: the subject its alerts share (Alert.subject)."""
    return AlertKey.subject_of(
        KINDS[problem.code], *_where(problem, asset_id, site_id, template_id)
    )


def _where(
    problem: Problem, asset_id: int | None, site_id: int, template_id: int
) -> tuple[str, str]:
    place = str(asset_id) if asset_id is not None else f"s{site_id}"
    return place, problem.item or f"t{template_id}"


def _over(alert: Alert) -> bool:
    """Its episode ended: a later record was back within bounds (the note may still be owed)."""
    return "back_to_normal" in alert.evidence and not alert.awaiting_reading


def _last_of(session: Session, org_id: int, spell: str) -> int | None:
    """The latest alert of this problem's subject, closed or not: what a new episode follows."""
    return session.scalar(
        select(func.max(Alert.id)).where(Alert.org_id == org_id, Alert.subject == spell)
    )


def _ongoing(session: Session, history: History, record: Stored, spell: str) -> Alert | None:
    """The open alert of this problem's spell, as the batch read or raised it."""
    if spell not in history.spells:
        history.read_alerts(session, record.org_id, set(), {spell})
    found = history.spells[spell]
    known = history.open_alerts[record.asset_id or 0]
    if found is not None and all(a.id != found.id for a in known):
        known.append(found)
    return found


def _settle(
    session: Session, record: Stored, form: Definition, still: set[str], history: History
) -> None:
    """Lasting problems this record no longer shows: close rectified ones, note the rest."""
    flatline = AlertKey.subject_of(
        AlertKind.INSPECTION_FLATLINE, record.asset_id, f"t{record.template_id}"
    )
    for alert in list(history.open_alerts.get(record.asset_id or 0, [])):
        if alert.kind not in LASTING or alert.state is AlertState.RESOLVED:
            continue
        item = alert.evidence.get("item")
        if alert.subject in still:
            continue
        if item is None:
            if alert.subject != flatline:
                continue  # another template's flatline: this record says nothing of it
        elif form.item(item) is None or record.values.get(item) is None:
            continue  # not read this time: nothing is known
        value = record.values.get(item) if item else None
        alerts.back_to_normal(session, alert, record.id, record.at, value)


def _done(session: Session, record: Stored, history: History) -> None:
    """The scheduled inspection is done: its overdue alert closes, saying how late it was."""
    schedules = {
        str(s.id) for s in history.schedules.get((record.asset_id or 0, record.template_id), [])
    }
    if not schedules:
        return
    for alert in history.open_alerts.get(record.asset_id or 0, []):
        if alert.kind != AlertKind.INSPECTION_OVERDUE or alert.state is AlertState.RESOLVED:
            continue
        key = AlertKey.parse(alert.key)
        if key["schedule_id"] not in schedules:
            continue
        due = datetime.fromisoformat(alert.evidence["due_at"])
        late = (record.at - due).total_seconds() / 3600
        after = f"{round(late / 24, 1):g} days" if late >= 24 else f"{round(late, 1):g} hours"
        note = f"done at {record.at.isoformat()} (record {record.id}), {after} after due"
        alerts.clear(session, record.org_id, key, note)


def _finding(
    problem: Problem,
    record: Stored,
    subject: str,
    template_code: str,
    form: Definition,
    key: AlertKey,
) -> Finding:
    item = form.item(problem.item) if problem.item else None
    return Finding(
        key=key,
        severity=_SEVERITY[problem.level],
        title_args=title_args(problem, subject, form),
        site_id=record.site_id,
        evidence={
            **problem.details,
            "item": problem.item,
            "label": None if item is None else item.label,
            "level": problem.level,
            "record_id": record.id,
            "at": record.at.isoformat(),
            "template": template_code,
            "version": record.version,
            "follow_up": bool(item and item.follow_up),
        },
        device_id=record.device_id,
        user_id=record.user_id,
        event_id=record.event_id,
        asset_id=record.asset_id,
    )


def _label(form: Definition, key: str | None) -> str:
    item = form.item(key) if key else None
    if item is None:
        return ""
    return " ".join(v for v in (item.label.get("zh"), item.label.get("en")) if v)


def _number(value: Any, unit: str) -> str:
    return f"{value:g} {unit}".strip()


def title_args(problem: Problem, subject: str, form: Definition) -> dict[str, Any]:
    """What a supervisor reads first: what, which reading, which limit (alerts.kinds words it)."""
    facts = problem.details
    unit = facts.get("unit", "")
    args: dict[str, Any] = {"subject": subject, "label": _label(form, problem.item)}
    if problem.code == "out_of_bounds":
        args.update(
            value=_number(facts["value"], unit),
            limit=_number(facts["limit"], unit),
            side=facts["side"],
            level=problem.level,
        )
    elif problem.code == "meter_backwards":
        args.update(previous=facts["previous"], value=facts["value"])
    elif problem.code == "meter_jump":
        args.update(per_day=facts["per_day"])
    elif problem.code == "unexplained_drop":
        args.update(drop=_number(facts["drop"], unit))
        if facts.get("meter_rise"):  # a run was logged, too short to explain the drop
            args.update(variant="short_run", rise=facts["meter_rise"], least=facts["min_run_hours"])
    elif problem.code == "above_usual":
        args.update(
            value=_number(facts["value"], unit),
            usual=_number(facts["usual"], unit),
            max_above=facts["max_above"],
        )
    elif problem.code == "flatline":
        args.update(records=facts["records"])
    elif problem.code == "abnormal_choice":
        args.update(value=facts["value"])
    elif problem.code == "audit_failed":
        args.update(score=facts["score"], grade=facts["grade"], grade_zh=facts["grade_zh"])
    elif problem.code == "too_soon":
        if facts.get("min_hours") is not None:
            args.update(variant="hours", hours=facts["hours"], least=facts["min_hours"])
        else:
            args.update(days=facts["days"], least=facts["min_days"])
    elif problem.code == "incomplete":
        args.update(missing=[_label(form, m.get("key")) for m in facts.get("missing", [])])
    return args
