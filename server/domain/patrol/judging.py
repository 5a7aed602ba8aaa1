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
    RoundStatus,
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
    open_alerts = _open_alerts(session, [r.id for r, _, _ in due])
    for found, timezone, route_name in due:
        seen = visits.get(found.id, [])
        outcome = evaluate(_plan(found), seen, now)
        _store(found, outcome, now)
        problems = outcome.problems
        if found.voluntary:
            problems = [p for p in problems if p.code in voluntary.ALERTS]
        used = {v.event_id: v for v in seen}
        findings = [_finding(found, p, timezone, route_name, outcome, used) for p in problems]
        for finding in findings:
            alerts.raise_or_update(session, found.org_id, finding)
        current = {f.key for f in findings}
        for key, since in open_alerts.get(found.id, {}).items():
            if key not in current:
                note = _why_cleared(key, outcome, [v for v in seen if v.received_at > since])
                alerts.clear(session, found.org_id, key, note)
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
        received_at=event.received_at,
    )


def _open_alerts(session: Session, round_ids: list[int]) -> dict[int, dict[AlertKey, datetime]]:
    """Each round's open alerts: their keys, and when each was last brought up to date."""
    stmt = select(Alert.round_id, Alert.key, Alert.updated_at).where(
        Alert.round_id.in_(round_ids), Alert.state != AlertState.RESOLVED
    )
    found: dict[int, dict[AlertKey, datetime]] = {}
    for round_id, key, updated_at in session.execute(stmt):
        found.setdefault(round_id, {})[AlertKey.parse(key)] = updated_at
    return found


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


def _finding(
    found: Round,
    problem: Problem,
    timezone: str,
    route_name: str,
    outcome: Outcome,
    used: dict[int, Visit],
) -> Finding:
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
    # A stop's problem rests on its scan; the round's on every scan that counted for it.
    if problem.position is None:
        behind = [used[s["event_id"]] for s in outcome.stops if s["event_id"] is not None]
    else:
        behind = [used[details["event_id"]]] if details.get("event_id") in used else []
    walker = next((v.user_id for v in behind if v.user_id is not None), None)
    return Finding(
        key=AlertKey.of(kind, found.id, *at),
        title_args=args,
        severity=severity,
        site_id=found.site_id,
        evidence={"due_at": found.due_at.isoformat(), **details},
        round_id=found.id,
        checkpoint_id=stop.get("checkpoint_id"),
        user_id=found.assignee_id if found.assignee_id is not None else walker,
        event_id=details.get("event_id"),
        event_ids=[v.event_id for v in behind],
        device_ids=sorted({v.device_id for v in behind}),
    )


def _why_cleared(key: AlertKey, outcome: Outcome, arrived: list[Visit]) -> str:
    """Why a round's alert no longer applies, in words that say what happened."""
    scanned = sum(1 for s in outcome.stops if s["event_id"] is not None)
    status = outcome.status.value.replace("_", " ")
    if key.kind is AlertKind.ROUND_LATE_START and outcome.status is RoundStatus.MISSED:
        return "round missed: the late-start alert is superseded"
    if not arrived:
        return f"the round was judged again: {status}, {scanned} of {len(outcome.stops)} scanned"
    received = max(v.received_at for v in arrived if v.received_at is not None)
    brought = (
        f"a late batch (received {received.isoformat()}) brought {len(arrived)} "
        f"scan{'s' if len(arrived) != 1 else ''}"
    )
    if key.kind is AlertKind.ROUND_LATE_START:
        return f"{brought}: the round started at {_iso(outcome.started_at)}, within its grace"
    if key.kind is AlertKind.ROUND_OUT_OF_ORDER:
        return f"{brought}: the round was walked in order"
    if key.kind in (AlertKind.ROUND_TIMING, AlertKind.ROUND_TASK, AlertKind.ROUND_RUSHED):
        stop = next((s for s in outcome.stops if str(s["position"]) == key["position"]), None)
        where = f"{stop['name']} is now {stop['status'].replace('_', ' ')}" if stop else "stop"
        return f"{brought}: {where}"
    if outcome.status is RoundStatus.COMPLETED:
        return f"{brought}: round complete"
    return f"{brought}: round {status}, {scanned} of {len(outcome.stops)} checkpoints scanned"


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()
