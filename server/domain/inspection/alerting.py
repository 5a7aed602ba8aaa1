"""A judged record's problems become alerts; problems it no longer shows are settled."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.lifecycle import Finding
from server.domain.inspection import checks
from server.domain.inspection.checks import Problem
from server.domain.inspection.definition import Definition
from server.domain.inspection.history import History
from server.domain.models import Alert, AlertSeverity


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
    """One alert per problem (a lasting one updates its spell's alert); settle the rest."""
    still = set()
    for problem in problems:
        prefix = _episode_prefix(problem, record)
        if not problem.lasting:
            key = f"inspection_{problem.code}:{record.id}:{problem.item or '-'}"
            alerts.raise_new(
                session, record.org_id, _finding(problem, record, subject, template_code, form, key)
            )
            continue
        still.add(prefix)
        ongoing = _ongoing(session, history, record, prefix)
        key = ongoing.key if ongoing else f"{prefix}{record.id}"
        finding = _finding(problem, record, subject, template_code, form, key)
        finding.subject = prefix.rstrip(":")
        if ongoing is None:
            alert = alerts.raise_new(session, record.org_id, finding)
            history.spells[finding.subject] = alert
            if record.asset_id is not None:
                history.open_alerts[record.asset_id].append(alert)
        elif ongoing.awaiting_reading:
            alerts.follow_up_failed(session, ongoing, finding)
        else:
            alerts.update(session, ongoing, finding)
    if latest and record.asset_id is not None:
        _settle(session, record, form, still, history)
        _done(session, record, history)


def subject_of(problem: Problem, asset_id: int | None, site_id: int, template_id: int) -> str:
    """What a lasting problem is about: its kind, the asset (or site), and the item (or form)."""
    where = str(asset_id) if asset_id is not None else f"s{site_id}"
    return f"inspection_{problem.code}:{where}:{problem.item or f't{template_id}'}"


def _episode_prefix(problem: Problem, record: Stored) -> str:
    return subject_of(problem, record.asset_id, record.site_id, record.template_id) + ":"


def _ongoing(session: Session, history: History, record: Stored, prefix: str) -> Alert | None:
    """The open alert of this problem's spell, as the batch read or raised it."""
    subject = prefix.rstrip(":")
    if subject not in history.spells:
        history.read_alerts(session, record.org_id, set(), {subject})
    found = history.spells[subject]
    known = history.open_alerts[record.asset_id or 0]
    if found is not None and all(a.id != found.id for a in known):
        known.append(found)
    return found


def _settle(
    session: Session, record: Stored, form: Definition, still: set[str], history: History
) -> None:
    """Lasting problems this record no longer shows: close rectified ones, note the rest."""
    lasting = {f"inspection_{code}" for code in checks.LASTING}
    for alert in list(history.open_alerts.get(record.asset_id or 0, [])):
        if alert.kind not in lasting or alert.state.value == "resolved":
            continue
        episode = alert.key.rsplit(":", 1)[0] + ":"
        item = alert.evidence.get("item")
        if episode in still:
            continue
        if item is None:
            if episode != f"inspection_flatline:{record.asset_id}:t{record.template_id}:":
                continue  # another template's flatline: this record says nothing of it
        elif form.item(item) is None or record.values.get(item) is None:
            continue  # not read this time: nothing is known
        value = record.values.get(item) if item else None
        alerts.back_to_normal(session, alert, record.id, record.at, value)


def _done(session: Session, record: Stored, history: History) -> None:
    """The scheduled inspection is done: its overdue alert closes, saying how late it was."""
    schedules = history.schedules.get((record.asset_id or 0, record.template_id), [])
    prefixes = tuple(f"inspection_overdue:{s.id}:" for s in schedules)
    if not prefixes:
        return
    for alert in history.open_alerts.get(record.asset_id or 0, []):
        if alert.kind != "inspection_overdue" or not alert.key.startswith(prefixes):
            continue
        if alert.state.value == "resolved":
            continue
        due = datetime.fromisoformat(alert.evidence["due_at"])
        days = round((record.at - due).total_seconds() / 86400, 1)
        note = f"done at {record.at.isoformat()} (record {record.id}), {days:g} days after due"
        alerts.clear(session, record.org_id, alert.key, note)


def _finding(
    problem: Problem,
    record: Stored,
    subject: str,
    template_code: str,
    form: Definition,
    key: str,
) -> Finding:
    item = form.item(problem.item) if problem.item else None
    return Finding(
        key=key,
        kind=f"inspection_{problem.code}",
        severity=_SEVERITY[problem.level],
        title=title(problem, subject, form)[:500],
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


def title(problem: Problem, subject: str, form: Definition) -> str:
    """What a supervisor reads first: what, which reading, which limit."""
    label, facts = _label(form, problem.item), problem.details
    unit = facts.get("unit", "")
    if problem.code == "out_of_bounds":
        side = "below" if facts["side"] == "low" else "above"
        return (
            f"{subject}: {label} {_number(facts['value'], unit)}, {side} the "
            f"{problem.level} limit {_number(facts['limit'], unit)}"
        )
    if problem.code == "meter_backwards":
        return f"{subject}: {label} went back from {facts['previous']:g} to {facts['value']:g}"
    if problem.code == "meter_jump":
        return f"{subject}: {label} rose {facts['per_day']:g} a day, more than it can"
    if problem.code == "unexplained_drop":
        return (
            f"{subject}: {label} fell {_number(facts['drop'], unit)} since the last record "
            "with no run logged"
        )
    if problem.code == "above_usual":
        return (
            f"{subject}: {label} {_number(facts['value'], unit)}, more than "
            f"{facts['max_above']:g} above its usual {_number(facts['usual'], unit)} at this load"
        )
    if problem.code == "flatline":
        return f"{subject}: the same readings {facts['records']} records in a row"
    if problem.code == "check_failed":
        return f"{subject}: check failed: {label}"
    if problem.code == "abnormal_choice":
        return f"{subject}: {label}: {facts['value']}"
    if problem.code == "audit_failed":
        return f"{subject}: audit scored {facts['score']:g}, {facts['grade_zh']} ({facts['grade']})"
    if problem.code == "too_soon":
        days, least = facts["days"], facts["min_days"]
        return f"{subject}: done {days:g} days after the last one (at least {least})"
    names = ", ".join(_label(form, m.get("key")) for m in facts.get("missing", []))
    return f"{subject}: inspection incomplete: {names}"
