"""A record arrives: check it, store it with its readings, and raise or close its alerts."""

import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from server.domain.clock import utcnow
from server.domain.inspection import alerting, checks, scoring, spacing
from server.domain.inspection import history as history_module
from server.domain.inspection import values as value_checks
from server.domain.inspection.alerting import Stored
from server.domain.inspection.checks import Problem
from server.domain.inspection.definition import NUMERIC, Bounds, Definition, parse
from server.domain.inspection.history import History, Pair, Past
from server.domain.models import (
    Asset,
    InspectionRecord,
    InspectionTemplate,
    Reading,
    TemplateVersion,
)

_parsed: dict[int, tuple[dict[str, Any], Definition]] = {}
_PARSED_MAX = 512
_DAY, _HOUR = timedelta(days=1), timedelta(hours=1)


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
    checked: value_checks.Checked | None = None  # when the caller checked the values already


def take(session: Session, sent: Submission, detect: bool = True) -> InspectionRecord:
    """Store one record; with detect, judge it and raise, update or close its alerts."""
    (record_id,) = take_many(session, [sent], detect)
    return session.get_one(InspectionRecord, record_id)


def take_many(session: Session, sent: list[Submission], detect: bool = True) -> list[int]:
    """Store records (a sync batch), judged in the order they were done; their ids, in order.

    The history they are judged against is read once for the whole batch, and each record
    joins it as it is judged: the cost is a few queries a batch, plus the alerts raised.
    """
    if not sent:
        return []
    order = sorted(range(len(sent)), key=lambda i: sent[i].at)
    pairs = [(s.asset.id, s.template.id) for s in sent if s.asset is not None]
    per_pair = max(Counter(pairs).values(), default=0)
    forms = {s.version.id: definition(s.version) for s in sent}
    # Only what the checks compare with is read up front; a finding's recent readings are
    # fetched afterwards, for the few records that have one.
    recent: dict[int, set[str]] = {}
    deep: dict[int, set[str]] = {}
    for s in sent:
        if s.asset is not None:
            shallow_keys, deep_keys = forms[s.version.id].history_keys()
            recent.setdefault(s.asset.id, set()).update(shallow_keys)
            deep.setdefault(s.asset.id, set()).update(deep_keys)
    back = max((f.flatline or 2) - 1 for f in forms.values())
    history = history_module.load(
        session,
        sent[0].org_id,
        history_module.Wanted(recent, deep, set(pairs), back, per_pair),
        max(s.at for s in sent),
        detect,
    )
    now = utcnow()
    judged = []
    for n, index in enumerate(order):
        judged.append((index, *_judge(sent[index], history, detect, now, ref=-(n + 1))))
    if detect:
        _recent_beside_findings(
            session, history, [(row, problems) for _, row, _, _, problems, _ in judged], per_pair
        )
    stmt = insert(InspectionRecord).returning(InspectionRecord.id, sort_by_parameter_order=True)
    ids = list(session.scalars(stmt, [row for _, row, *_ in judged]))
    readings = [
        reading | {"record_id": record_id}
        for (_, _, readings_of, *_), record_id in zip(judged, ids, strict=True)
        for reading in readings_of
    ]
    if readings:
        session.execute(insert(Reading), readings)
    if detect:
        subjects = {
            alerting.subject_of(p, row["asset_id"], row["site_id"], row["template_id"])
            for _, row, _, _, problems, _ in judged
            for p in problems
            if p.lasting
        }
        history.read_alerts(session, sent[0].org_id, {a for a, _ in pairs}, subjects)
        for (index, row, _, form, problems, latest), record_id in zip(judged, ids, strict=True):
            if problems or latest:
                sent_one = sent[index]
                stored = Stored(
                    record_id,
                    row["org_id"],
                    row["site_id"],
                    row["asset_id"],
                    row["template_id"],
                    row["version"],
                    row["at"],
                    row["values"],
                    row["device_id"],
                    row["user_id"],
                    row["event_id"],
                )
                alerting.apply(
                    session,
                    stored,
                    _subject(sent_one),
                    sent_one.template.code,
                    form,
                    problems,
                    history,
                    latest,
                )
    by_index = {index: record_id for (index, *_), record_id in zip(judged, ids, strict=True)}
    return [by_index[i] for i in range(len(sent))]


def _judge(
    sent: Submission, history: History, detect: bool, now: datetime, ref: int
) -> tuple[dict[str, Any], list[dict[str, Any]], Definition, list[Problem], bool]:
    """The record's row, its readings, its form, its problems, and whether it is the latest."""
    form = definition(sent.version)
    checked = sent.checked or value_checks.check(form, sent.values, sent.photos)
    asset_id = None if sent.asset is None else sent.asset.id
    bounds = history.bounds(asset_id, form)
    graded = scoring.score(form, checked.values)
    problems: list[Problem] = []
    latest = False
    if detect:
        pair = (asset_id or 0, sent.template.id)
        series = history.series_before(asset_id, form, sent.at) if asset_id else {}
        pasts = history.previous_before(pair, sent.at) if asset_id else []
        problems = checks.detect(
            form,
            bounds,
            checked.values,
            sent.at,
            series,
            [p.values for p in pasts],
            checked.missing,
        )
        problems += _spacing(history, pair, sent.at, pasts)
        if graded is not None and graded.grade == "fail":
            facts = {"score": graded.points, "grade": graded.grade, "grade_zh": graded.grade_zh}
            problems.append(Problem("audit_failed", None, "warning", facts))
        if asset_id is not None:
            latest = pair not in history.latest or sent.at >= history.latest[pair]
            history.add(asset_id, sent.template.id, sent.at, checked.values, ref)
    row = {
        "org_id": sent.org_id,
        "uuid": sent.uuid or str(uuid_module.uuid4()),
        "site_id": sent.site_id,
        "asset_id": asset_id,
        "template_id": sent.template.id,
        "version_id": sent.version.id,
        "version": sent.version.version,
        "at": sent.at,
        "received_at": now,
        "user_id": sent.user_id,
        "device_id": sent.device_id,
        "event_id": sent.event_id,
        "values": checked.values,
        "photos": {k: list(v) for k, v in sent.photos.items()},
        "note": sent.note,
        "errors": checked.errors,
        "missing": checked.missing,
        "status": _status(checked, problems),
        "findings": [_summary(p) for p in problems],
        "score": None if graded is None else graded.points,
        "grade": None if graded is None else graded.grade,
    }
    readings = _readings(row, form, bounds) if asset_id is not None else []
    return row, readings, form, problems, latest


def _recent_beside_findings(
    session: Session,
    history: History,
    judged: list[tuple[dict[str, Any], list[Problem]]],
    per_pair: int,
) -> None:
    """An out-of-bounds finding shows the item's recent readings: read them for those only."""
    wanted = {
        (row["asset_id"], p.item)
        for row, problems in judged
        for p in problems
        if p.code == "out_of_bounds"
        and row["asset_id"] is not None
        and history.read.get((row["asset_id"], p.item), 0) < checks.RECENT + per_pair
    }
    if not wanted:
        return
    history.fetch_recent(session, sorted(wanted), per_pair)
    for row, problems in judged:
        for problem in problems:
            if problem.code == "out_of_bounds" and row["asset_id"] is not None:
                points = history.series.get((row["asset_id"], problem.item), [])
                before = [p for p in points if p.at < row["at"]][: checks.RECENT]
                problem.details["recent"] = [
                    {"at": p.at.isoformat(), "value": p.value} for p in before
                ]


def _spacing(history: History, pair: Pair, at: datetime, pasts: list[Past]) -> list[Problem]:
    """Done sooner than its schedule's spacing allows after the one before: it may not count."""
    spaced = [(s, spacing.least(s)) for s in history.schedules.get(pair, [])]
    found = [(s, least) for s, least in spaced if least is not None]
    if not found or not pasts:
        return []
    (plan, least), last = found[0], pasts[0].at
    if at - last >= least:
        return []
    details = {
        "days": round((at - last) / _DAY, 1),
        "min_days": plan.min_days,
        "previous_at": last.isoformat(),
    }
    if plan.min_hours is not None:  # a spacing in hours ("daily" = 12 to 36 hours after)
        details |= {
            "hours": round((at - last) / _HOUR, 1),
            "min_hours": plan.min_hours,
        }
    return [Problem("too_soon", None, "low", details)]


def _status(checked: value_checks.Checked, problems: list[Problem]) -> str:
    if any(p.level in ("warning", "critical") for p in problems):
        return "abnormal"
    if checked.missing or checked.errors:
        return "incomplete"
    return "normal"


def _summary(problem: Problem) -> dict[str, Any]:
    return {"code": problem.code, "item": problem.item, "level": problem.level}


def _readings(
    row: dict[str, Any], form: Definition, bounds: dict[str, Bounds]
) -> list[dict[str, Any]]:
    found = []
    for item in form.items:
        value = row["values"].get(item.key)
        if item.type not in NUMERIC or value is None:
            continue
        verdict = checks.classify(value, bounds[item.key])
        found.append(
            {
                "org_id": row["org_id"],
                "asset_id": row["asset_id"],
                "item_key": item.key,
                "at": row["at"],
                "value": float(value),
                "level": None if verdict is None else verdict[0],
            }
        )
    return found


def _subject(sent: Submission) -> str:
    if sent.asset is not None:
        return sent.asset.name
    return " ".join(n for n in (sent.template.name_zh, sent.template.name) if n)
