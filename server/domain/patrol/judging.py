"""Rounds judged as their windows open and as late scans arrive; their alerts kept current."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from device_protocol import flags
from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.kinds import AlertKey, AlertKind
from server.domain.alerts.lifecycle import Finding
from server.domain.models import (
    Alert,
    AlertSeverity,
    AlertState,
    DeviceEvent,
    PatrolRoute,
    Round,
    Site,
)
from server.domain.models.patrol import ROUND_OPEN
from server.domain.patrol import voluntary
from server.domain.patrol.evaluation import Outcome, Plan, Problem, Visit, evaluate

ROUNDS_PER_PASS = 500


def judge(session: Session, now: datetime) -> int:
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
        problems = outcome.problems
        if found.voluntary:
            problems = [p for p in problems if p.code in voluntary.ALERTS]
        findings = [_finding(found, p, timezone, route_name) for p in problems]
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
        flags=flags.read(event.flags),
    )


def _open_keys(session: Session, round_ids: list[int]) -> dict[int, set[AlertKey]]:
    stmt = select(Alert.round_id, Alert.key).where(
        Alert.round_id.in_(round_ids), Alert.state != AlertState.RESOLVED
    )
    keys: dict[int, set[AlertKey]] = {}
    for round_id, key in session.execute(stmt):
        keys.setdefault(round_id, set()).add(AlertKey.parse(key))
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


# What each of the judge's problems is raised as.
_KINDS = {
    "missed": AlertKind.ROUND_MISSED,
    "incomplete": AlertKind.ROUND_INCOMPLETE,
    "late_start": AlertKind.ROUND_LATE_START,
    "out_of_order": AlertKind.ROUND_OUT_OF_ORDER,
    "timing": AlertKind.ROUND_TIMING,
    "task": AlertKind.ROUND_TASK,
    "rushed": AlertKind.ROUND_RUSHED,
}


def _finding(found: Round, problem: Problem, timezone: str, route_name: str) -> Finding:
    local = found.due_at.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
    details = problem.details
    stop = details.get("checkpoint", {})
    args: dict[str, Any] = {"route": route_name, "due": local, "checkpoint": stop.get("name")}
    severity = None
    if problem.code == "late_start":
        args["grace"] = found.grace_min
        if details.get("started_at"):
            # It did start, only late: a warning, no longer a missing round.
            severity, args["variant"] = AlertSeverity.LOW, "started_late"
    elif problem.code == "incomplete":
        args["missed"] = [s["name"] for s in details["missed"]]
    elif problem.code == "timing":
        args["timing"] = details["timing"]
    elif problem.code == "task":
        args["missing"] = details["missing"]
    kind = _KINDS[problem.code]
    at = () if problem.position is None else (problem.position,)
    return Finding(
        key=AlertKey.of(kind, found.id, *at),
        title_args=args,
        severity=severity,
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
