"""A record arrives: check it, store it with its readings, and raise or close its alerts."""

import uuid as uuid_module
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from server.domain.clock import utcnow
from server.domain.inspection import checks, overdue, scoring
from server.domain.inspection import values as value_checks
from server.domain.inspection.checks import Point, Problem
from server.domain.inspection.definition import NUMERIC, Bounds, Definition, parse
from server.domain.models import (
    Alert,
    AlertSeverity,
    AlertState,
    Asset,
    AssetLimit,
    InspectionRecord,
    InspectionSchedule,
    InspectionTemplate,
    Reading,
    TemplateVersion,
)
from server.domain.services import alerts
from server.domain.services.alerts import Finding

HISTORY = 30  # earlier readings per item a record is judged against
_SEVERITY = {
    "critical": AlertSeverity.CRITICAL,
    "warning": AlertSeverity.MEDIUM,
    "low": AlertSeverity.LOW,
}
_parsed: dict[int, tuple[dict[str, Any], Definition]] = {}
_PARSED_MAX = 512


def definition(version: TemplateVersion) -> Definition:
    """A version's parsed form, parsed once per process while it stays the same."""
    # Versions never change, but ids can name other forms in another database (tests, restores):
    # the cached form is used only if it is the very definition asked about.
    cached = _parsed.get(version.id)
    if cached is not None and cached[0] == version.definition:
        return cached[1]
    if len(_parsed) >= _PARSED_MAX:
        _parsed.clear()
    found = parse(version.definition)
    _parsed[version.id] = (version.definition, found)
    return found


@dataclass(frozen=True)
class Submission:
    """A record as an engineer sent it, from a handheld or the API."""

    org_id: int
    site_id: int
    asset: Asset | None  # None for a form about the whole site (the supervisory audit)
    template: InspectionTemplate
    version: TemplateVersion
    at: datetime
    values: dict[str, Any]
    photos: dict[str, list[str]]
    note: str = ""
    user_id: int | None = None
    device_id: int | None = None
    event_id: int | None = None
    uuid: str | None = None


def take(session: Session, sent: Submission, detect: bool = True) -> InspectionRecord:
    """Store the record; with detect, judge it and raise, update or close its alerts."""
    form = definition(sent.version)
    checked = value_checks.check(form, sent.values, sent.photos)
    asset_id = None if sent.asset is None else sent.asset.id
    limits = effective_bounds(session, asset_id, form)
    problems: list[Problem] = []
    series: dict[str, list[Point]] = {}
    graded = scoring.score(form, checked.values)
    if detect:
        if asset_id is not None:
            series = _series(session, asset_id, form, sent.at)
            previous = _previous(session, sent, form)
            problems += _spacing(session, sent)
        else:
            previous = []
        problems = (
            checks.detect(form, limits, checked.values, sent.at, series, previous, checked.missing)
            + problems
        )
        if graded is not None and graded.grade == "fail":
            facts = {"score": graded.points, "grade": graded.grade, "grade_zh": graded.grade_zh}
            problems.append(Problem("audit_failed", None, "warning", facts))
    record = InspectionRecord(
        org_id=sent.org_id,
        uuid=sent.uuid or str(uuid_module.uuid4()),
        site_id=sent.site_id,
        asset_id=asset_id,
        template_id=sent.template.id,
        version_id=sent.version.id,
        version=sent.version.version,
        at=sent.at,
        received_at=utcnow(),
        user_id=sent.user_id,
        device_id=sent.device_id,
        event_id=sent.event_id,
        values=checked.values,
        photos={k: list(v) for k, v in sent.photos.items()},
        note=sent.note,
        errors=checked.errors,
        missing=checked.missing,
        status=_status(checked, problems),
        findings=[_summary(p) for p in problems],
        score=None if graded is None else graded.points,
        grade=None if graded is None else graded.grade,
    )
    session.add(record)
    session.flush()
    if asset_id is not None:
        _store_readings(session, record, form, limits)
    if detect:
        _raise(session, record, sent, form, problems, series)
        if asset_id is not None:
            overdue.done(session, record)
    return record


def effective_bounds(session: Session, asset_id: int | None, form: Definition) -> dict[str, Bounds]:
    """Each numeric item's limits: the template's, with the asset's own laid over them."""
    own = {
        limit.item_key: limit
        for limit in session.scalars(select(AssetLimit).where(AssetLimit.asset_id == asset_id))
    }
    bounds = {}
    for item in form.items:
        if item.type not in NUMERIC:
            continue
        limit = own.get(item.key)
        bounds[item.key] = (
            item.bounds.merged(
                {"normal": limit.normal, "warning": limit.warning, "critical": limit.critical}
            )
            if limit
            else item.bounds
        )
    return bounds


def _series(
    session: Session, asset_id: int, form: Definition, at: datetime
) -> dict[str, list[Point]]:
    """The latest HISTORY readings of each numeric item before this record, latest first."""
    keys = [i.key for i in form.items if i.type in NUMERIC]
    if not keys:
        return {}
    ranked = (
        select(
            Reading.item_key,
            Reading.at,
            Reading.value,
            Reading.record_id,
            func.row_number()
            .over(partition_by=Reading.item_key, order_by=Reading.at.desc())
            .label("n"),
        )
        .where(Reading.asset_id == asset_id, Reading.item_key.in_(keys), Reading.at < at)
        .subquery()
    )
    stmt = (
        select(ranked.c.item_key, ranked.c.at, ranked.c.value, ranked.c.record_id)
        .where(ranked.c.n <= HISTORY)
        .order_by(ranked.c.item_key, ranked.c.at.desc())
    )
    found: dict[str, list[Point]] = defaultdict(list)
    for key, when, value, record_id in session.execute(stmt):
        found[key].append(Point(when, value, record_id))
    return found


def _previous(session: Session, sent: Submission, form: Definition) -> list[dict[str, Any]]:
    """Values of this template's latest earlier records on the asset (for the flatline check)."""
    if form.flatline is None:
        return []
    stmt = (
        select(InspectionRecord.values)
        .where(
            InspectionRecord.asset_id == sent.asset.id,
            InspectionRecord.template_id == sent.template.id,
            InspectionRecord.at < sent.at,
        )
        .order_by(InspectionRecord.at.desc())
        .limit(form.flatline - 1)
    )
    return list(session.scalars(stmt))


def _spacing(session: Session, sent: Submission) -> list[Problem]:
    """Done sooner than its schedule's spacing allows after the one before: it may not count."""
    schedule = session.scalar(
        select(InspectionSchedule).where(
            InspectionSchedule.asset_id == sent.asset.id,
            InspectionSchedule.template_id == sent.template.id,
            InspectionSchedule.min_days.is_not(None),
        )
    )
    if schedule is None:
        return []
    last = session.scalar(
        select(func.max(InspectionRecord.at)).where(
            InspectionRecord.asset_id == sent.asset.id,
            InspectionRecord.template_id == sent.template.id,
            InspectionRecord.at < sent.at,
        )
    )
    if last is None or sent.at - last >= timedelta(days=schedule.min_days or 0):
        return []
    days = round((sent.at - last).total_seconds() / 86400, 1)
    details = {"days": days, "min_days": schedule.min_days, "previous_at": last.isoformat()}
    return [Problem("too_soon", None, "low", details)]


def _status(checked: value_checks.Checked, problems: list[Problem]) -> str:
    if any(p.level in ("warning", "critical") for p in problems):
        return "abnormal"
    if checked.missing or checked.errors:
        return "incomplete"
    return "normal"


def _summary(problem: Problem) -> dict[str, Any]:
    return {"code": problem.code, "item": problem.item, "level": problem.level}


def _store_readings(
    session: Session, record: InspectionRecord, form: Definition, limits: dict[str, Bounds]
) -> None:
    rows = []
    for item in form.items:
        value = record.values.get(item.key)
        if item.type not in NUMERIC or value is None:
            continue
        verdict = checks.classify(value, limits[item.key])
        rows.append(
            {
                "org_id": record.org_id,
                "asset_id": record.asset_id,
                "item_key": item.key,
                "record_id": record.id,
                "at": record.at,
                "value": float(value),
                "level": None if verdict is None else verdict[0],
            }
        )
    if rows:
        session.execute(insert(Reading), rows)


# Alerts.


def _label(form: Definition, key: str | None) -> str:
    item = form.item(key) if key else None
    if item is None:
        return ""
    return " ".join(v for v in (item.label.get("zh"), item.label.get("en")) if v)


def _number(value: Any, unit: str) -> str:
    return f"{value:g} {unit}".strip()


def _title(problem: Problem, subject: str, form: Definition) -> str:
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


def _where(record: InspectionRecord) -> str:
    """What a record is about, in alert keys: the asset, or the site for site-wide forms."""
    return str(record.asset_id) if record.asset_id is not None else f"s{record.site_id}"


def _episode_prefix(problem: Problem, record: InspectionRecord) -> str:
    subject = problem.item or f"t{record.template_id}"
    return f"inspection_{problem.code}:{_where(record)}:{subject}:"


def _raise(
    session: Session,
    record: InspectionRecord,
    sent: Submission,
    form: Definition,
    problems: list[Problem],
    series: dict[str, list[Point]],
) -> None:
    """One alert per problem; a lasting problem updates the alert its first record raised."""
    found = {}
    for problem in problems:
        prefix = _episode_prefix(problem, record)
        ongoing = _ongoing(session, record.org_id, prefix) if problem.lasting else None
        key = ongoing.key if ongoing else f"{prefix}{record.id}"
        if not problem.lasting:
            key = f"inspection_{problem.code}:{record.id}:{problem.item or '-'}"
        finding = _finding(problem, record, sent, form, key)
        if ongoing is not None and ongoing.awaiting_reading:
            alerts.follow_up_failed(session, ongoing, finding)
        else:
            alerts.raise_or_update(session, record.org_id, finding)
        found[prefix] = problem
    if _latest(session, record):
        _settle(session, record, form, set(found), series)


def _finding(
    problem: Problem, record: InspectionRecord, sent: Submission, form: Definition, key: str
) -> Finding:
    item = form.item(problem.item) if problem.item else None
    return Finding(
        key=key,
        kind=f"inspection_{problem.code}",
        severity=_SEVERITY[problem.level],
        title=_title(problem, _subject(sent), form)[:500],
        site_id=record.site_id,
        evidence={
            **problem.details,
            "item": problem.item,
            "label": None if item is None else item.label,
            "level": problem.level,
            "record_id": record.id,
            "at": record.at.isoformat(),
            "template": sent.template.code,
            "version": record.version,
            "follow_up": bool(item and item.follow_up),
        },
        device_id=record.device_id,
        user_id=record.user_id,
        event_id=record.event_id,
        asset_id=record.asset_id,
    )


def _subject(sent: Submission) -> str:
    if sent.asset is not None:
        return sent.asset.name
    return " ".join(n for n in (sent.template.name_zh, sent.template.name) if n)


def _ongoing(session: Session, org_id: int, prefix: str) -> Alert | None:
    stmt = select(Alert).where(
        Alert.org_id == org_id,
        Alert.key.startswith(prefix, autoescape=True),
        Alert.state != AlertState.RESOLVED,
    )
    return session.scalar(stmt.order_by(Alert.id.desc()).limit(1))


def _latest(session: Session, record: InspectionRecord) -> bool:
    """Whether no later record of this template on this asset is known: late data closes nothing."""
    if record.asset_id is None:
        return False  # site-wide forms have no lasting problems to close
    later = session.scalar(
        select(InspectionRecord.id)
        .where(
            InspectionRecord.asset_id == record.asset_id,
            InspectionRecord.template_id == record.template_id,
            InspectionRecord.at > record.at,
        )
        .limit(1)
    )
    return later is None


def _settle(
    session: Session,
    record: InspectionRecord,
    form: Definition,
    still: set[str],
    series: dict[str, list[Point]],
) -> None:
    """Lasting problems this record no longer shows: close rectified ones, note the rest."""
    stmt = select(Alert).where(
        Alert.org_id == record.org_id,
        Alert.asset_id == record.asset_id,
        Alert.kind.in_([f"inspection_{code}" for code in checks.LASTING]),
        Alert.state != AlertState.RESOLVED,
    )
    for alert in session.scalars(stmt):
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
