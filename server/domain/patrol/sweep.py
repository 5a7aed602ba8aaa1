"""One evaluator pass: make rounds ahead, take in new scans, judge the rounds that are due."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.lifecycle import Finding
from server.domain.inspection import overdue
from server.domain.models import (
    Alert,
    AlertSeverity,
    AlertState,
    Checkpoint,
    DeviceEvent,
    PatrolRoute,
    Round,
    Site,
)
from server.domain.models.patrol import ROUND_OPEN
from server.domain.patrol import lone_worker as duty
from server.domain.patrol import rounds_ahead as rounds
from server.domain.patrol import voluntary
from server.domain.patrol.evaluation import Outcome, Plan, Problem, Visit, evaluate, haversine_m

EVENTS_PER_PASS = 5000
ROUNDS_PER_PASS = 500
# Two devices scanning one checkpoint this close together: one of the tags is a copy.
TWIN_WINDOW = timedelta(seconds=60)


@dataclass
class PassCounts:
    """What one pass did, for the worker's log."""

    rounds_made: int = 0
    events: int = 0
    rounds_judged: int = 0
    guards_silent: int = 0
    inspections_overdue: int = 0


def run(session: Session, now: datetime) -> PassCounts:
    """One pass as of now; the caller commits."""
    counts = PassCounts()
    counts.rounds_made = rounds.materialise(session, now)
    counts.events = take_events(session, now)
    counts.rounds_judged = judge_rounds(session, now)
    counts.guards_silent = duty.watch(session, now)
    # The same evaluator keeps watch over equipment inspections falling due.
    counts.inspections_overdue = overdue.check(session, now)
    return counts


def take_events(session: Session, now: datetime) -> int:
    """Look at events not seen yet: per-scan alerts, duties, voluntary rounds, reopened rounds."""
    stmt = (
        select(DeviceEvent)
        .where(DeviceEvent.evaluated_at.is_(None), DeviceEvent.received_at <= now)
        .order_by(DeviceEvent.id)
        .limit(EVENTS_PER_PASS)
        .with_for_update(skip_locked=True)
    )
    events = list(session.scalars(stmt))
    duty.follow(session, events, now)
    voluntary.take(session, events)
    scans = [e for e in events if e.type == "scan" and e.site_id is not None]
    for event in scans:
        for finding in _tag_findings(event):
            alerts.raise_or_update(session, event.org_id, finding)
    placed = [e for e in scans if e.checkpoint_id is not None]
    _far_scans(session, placed)
    _twin_scans(session, placed)
    _reopen_rounds(session, placed)
    if events:
        session.execute(
            update(DeviceEvent)
            .where(DeviceEvent.id.in_([e.id for e in events]))
            .values(evaluated_at=now)
        )
    return len(events)


def _tag_findings(event: DeviceEvent) -> list[Finding]:
    problems = [f for f in event.flags if f.startswith("tag_")]
    if not problems:
        return []
    payload = event.data.get("payload", "")
    digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return [
        Finding(
            key=f"tag:{event.device_id}:{problem}:{digest}",
            kind="suspicious_tag",
            severity=AlertSeverity.HIGH,
            title=f"Scan of a {problem.removeprefix('tag_').replace('_', ' ')} tag",
            site_id=event.site_id or 0,
            evidence={"flag": problem, "payload": payload, **_scan_facts(event)},
            checkpoint_id=event.checkpoint_id,
            device_id=event.device_id,
            user_id=event.user_id,
            event_id=event.id,
        )
        for problem in problems
    ]


def _scan_facts(event: DeviceEvent) -> dict[str, Any]:
    return {
        "event_id": event.id,
        "scanned_at": event.corrected_time.isoformat(),
        "received_at": event.received_at.isoformat(),
        "device_id": event.device_id,
        "user_id": event.user_id,
    }


def _far_scans(session: Session, scans: list[DeviceEvent]) -> None:
    """A scan whose position, accuracy allowed for, is over twice the radius away: a copied tag."""
    located = [e for e in scans if e.data.get("latitude") is not None]
    ids = {e.checkpoint_id for e in located}
    if not ids:
        return
    stmt = select(Checkpoint).where(Checkpoint.id.in_(ids), Checkpoint.radius_m.is_not(None))
    places = {c.id: c for c in session.scalars(stmt)}
    for event in located:
        place = places.get(event.checkpoint_id)
        if place is None or place.latitude is None or place.longitude is None:
            continue
        distance = haversine_m(
            place.latitude, place.longitude, event.data["latitude"], event.data["longitude"]
        )
        accuracy = event.data.get("accuracy_m") or 0
        if distance - accuracy <= 2 * (place.radius_m or 0):
            continue
        day = event.corrected_time.date().isoformat()
        finding = Finding(
            key=f"far_scan:{event.device_id}:{place.id}:{day}",
            kind="far_scan",
            severity=AlertSeverity.HIGH,
            title=f"{place.name} scanned {round(distance)} m away from it",
            site_id=place.site_id,
            evidence={
                "distance_m": round(distance),
                "radius_m": place.radius_m,
                "accuracy_m": accuracy,
                **_scan_facts(event),
            },
            checkpoint_id=place.id,
            device_id=event.device_id,
            user_id=event.user_id,
            event_id=event.id,
        )
        alerts.raise_or_update(session, event.org_id, finding)


def _twin_scans(session: Session, scans: list[DeviceEvent]) -> None:
    """The same checkpoint scanned from two devices at the same moment."""
    if not scans:
        return
    low = min(e.corrected_time for e in scans) - TWIN_WINDOW
    high = max(e.corrected_time for e in scans) + TWIN_WINDOW
    stmt = select(DeviceEvent).where(
        DeviceEvent.type == "scan",
        DeviceEvent.checkpoint_id.in_({e.checkpoint_id for e in scans}),
        DeviceEvent.corrected_time.between(low, high),
    )
    nearby: dict[int, list[DeviceEvent]] = {}
    for other in session.scalars(stmt):
        nearby.setdefault(other.checkpoint_id or 0, []).append(other)
    for event in scans:
        for other in nearby.get(event.checkpoint_id or 0, []):
            apart = abs(other.corrected_time - event.corrected_time)
            if other.device_id == event.device_id or apart > TWIN_WINDOW:
                continue
            first, second = sorted((event, other), key=lambda e: e.id)
            finding = Finding(
                key=f"twin_scan:{first.id}:{second.id}",
                kind="twin_scan",
                severity=AlertSeverity.HIGH,
                title=f"Checkpoint scanned by two devices {round(apart.total_seconds())} s apart",
                site_id=event.site_id or 0,
                evidence={"scans": [_scan_facts(first), _scan_facts(second)]},
                checkpoint_id=event.checkpoint_id,
                device_id=second.device_id,
                event_id=second.id,
            )
            alerts.raise_or_update(session, event.org_id, finding)


def _reopen_rounds(session: Session, scans: list[DeviceEvent]) -> None:
    """Late scans reopen the settled rounds whose windows they fall in."""
    if not scans:
        return
    sites = {e.site_id for e in scans}
    low = min(e.corrected_time for e in scans)
    high = max(e.corrected_time for e in scans)
    session.execute(
        update(Round)
        .where(
            Round.site_id.in_(sites),
            Round.settled,
            # The lower bound keeps this an index range over recent rounds, not all history.
            Round.window_start > low - rounds.LONGEST_WINDOW,
            Round.window_start <= high,
            Round.window_end > low,
        )
        .values(needs_eval=True)
    )


def judge_rounds(session: Session, now: datetime) -> int:
    """Evaluate rounds whose window has opened and not settled, and rounds late data reopened."""
    stmt = (
        select(Round, Site.timezone, PatrolRoute.name)
        .join(Site, Site.id == Round.site_id)
        .join(PatrolRoute, PatrolRoute.id == Round.route_id)
        .where(ROUND_OPEN, or_(and_(~Round.settled, Round.window_start <= now), Round.needs_eval))
        .order_by(Round.window_start)
        .limit(ROUNDS_PER_PASS)
        .with_for_update(skip_locked=True, of=Round)
    )
    due = session.execute(stmt).all()
    if not due:
        return 0
    visits = _visits(session, [r for r, _, _ in due], now)
    open_keys = _open_keys(session, [r.id for r, _, _ in due])
    for found, timezone, route_name in due:
        outcome = evaluate(_plan(found), visits.get(found.id, []), now)
        _store(found, outcome, now)
        findings = [_finding(found, p, timezone, route_name) for p in outcome.problems]
        if found.voluntary:
            findings = [f for f in findings if f.kind.removeprefix("round_") in voluntary.ALERTS]
        for finding in findings:
            alerts.raise_or_update(session, found.org_id, finding)
        current = {f.key for f in findings}
        for key in open_keys.get(found.id, set()) - current:
            alerts.clear(session, found.org_id, key, _why_cleared(found, outcome, now))
    return len(due)


def _plan(found: Round) -> Plan:
    return Plan(
        due_at=found.due_at,
        window_start=found.window_start,
        window_end=found.window_end,
        grace=timedelta(minutes=found.grace_min),
        order=found.order,
        expected=found.expected,
    )


def _visits(session: Session, due: list[Round], now: datetime) -> dict[int, list[Visit]]:
    """Every scan that may count for these rounds, in one query; what was known by now."""
    found: dict[int, list[Visit]] = {}
    for chunk in (due[i : i + 100] for i in range(0, len(due), 100)):
        ranges = [
            and_(
                DeviceEvent.site_id == r.site_id,
                DeviceEvent.corrected_time >= r.window_start,
                DeviceEvent.corrected_time < r.window_end,
            )
            for r in chunk
        ]
        stmt = select(DeviceEvent).where(
            DeviceEvent.type == "scan", DeviceEvent.received_at <= now, or_(*ranges)
        )
        events = list(session.scalars(stmt))
        for r in chunk:
            wanted = {s["checkpoint_id"] for s in r.expected}
            found[r.id] = [
                _visit(e)
                for e in events
                if e.site_id == r.site_id
                and e.checkpoint_id in wanted
                and r.window_start <= e.corrected_time < r.window_end
                # A voluntary round is one handheld's walk: only its scans count.
                and r.device_id in (None, e.device_id)
            ]
    return found


def _visit(event: DeviceEvent) -> Visit:
    return Visit(
        event_id=event.id,
        checkpoint_id=event.checkpoint_id or 0,
        at=event.corrected_time,
        device_id=event.device_id,
        user_id=event.user_id,
        photos=len(event.data.get("photos", [])),
        note=bool(event.data.get("note", "").strip()),
        flags=tuple(event.flags),
    )


def _open_keys(session: Session, round_ids: list[int]) -> dict[int, set[str]]:
    stmt = select(Alert.round_id, Alert.key).where(
        Alert.round_id.in_(round_ids), Alert.state != AlertState.RESOLVED
    )
    keys: dict[int, set[str]] = {}
    for round_id, key in session.execute(stmt):
        keys.setdefault(round_id, set()).add(key)
    return keys


def _store(found: Round, outcome: Outcome, now: datetime) -> None:
    """Write what changed; an unchanged round is left alone."""
    values = {
        "status": outcome.status,
        "late_start": outcome.late_start,
        "started_at": outcome.started_at,
        "finished_at": outcome.finished_at,
        "stops": outcome.stops,
        "settled": now >= found.window_end,
        "needs_eval": False,
    }
    changed = {k: v for k, v in values.items() if getattr(found, k) != v}
    for key, value in changed.items():
        setattr(found, key, value)
    if changed:
        found.evaluated_at = now


_SEVERITY = {
    "missed": AlertSeverity.HIGH,
    "incomplete": AlertSeverity.MEDIUM,
    "late_start": AlertSeverity.MEDIUM,
    "rushed": AlertSeverity.HIGH,
    "out_of_order": AlertSeverity.LOW,
    "timing": AlertSeverity.LOW,
    "task": AlertSeverity.LOW,
}


def _finding(found: Round, problem: Problem, timezone: str, route_name: str) -> Finding:
    local = found.due_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    subject = f"{route_name} round due {local}"
    severity = _SEVERITY[problem.code]
    details = problem.details
    stop = details.get("checkpoint", {})
    if problem.code == "late_start":
        started = details.get("started_at")
        title = f"{subject} not started within {found.grace_min} min"
        if started:
            # It did start, only late: a warning, no longer a missing round.
            severity, title = AlertSeverity.LOW, f"{subject} started late"
    elif problem.code == "missed":
        title = f"{subject} missed: nothing scanned"
    elif problem.code == "incomplete":
        names = ", ".join(s["name"] for s in details["missed"])
        title = f"{subject} incomplete: missed {names}"
    elif problem.code == "out_of_order":
        title = f"{subject} walked out of order"
    elif problem.code == "timing":
        title = f"{stop.get('name')} scanned {details['timing']} on {subject}"
    elif problem.code == "task":
        title = f"{stop.get('name')} scanned without {' and '.join(details['missing'])}"
    else:
        title = f"{stop.get('name')} reached too fast on {subject}"
    suffix = "" if problem.position is None else f":{problem.position}"
    return Finding(
        key=f"round_{problem.code}:{found.id}{suffix}",
        kind=f"round_{problem.code}",
        severity=severity,
        title=title,
        site_id=found.site_id,
        evidence={"due_at": found.due_at.isoformat(), **details},
        round_id=found.id,
        checkpoint_id=stop.get("checkpoint_id"),
        user_id=found.assignee_id,
        event_id=details.get("event_id"),
    )


def _why_cleared(found: Round, outcome: Outcome, now: datetime) -> str:
    scanned = sum(1 for s in outcome.stops if s["event_id"] is not None)
    return (
        f"no longer applies as of {now.isoformat()}: the round is {outcome.status.value}, "
        f"{scanned} of {len(outcome.stops)} checkpoints scanned (scans arrived after the alert)"
    )
