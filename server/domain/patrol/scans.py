"""New events, as the evaluator first sees them: duties, voluntary rounds, per-scan alerts."""

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from device_protocol import flags
from device_protocol.flags import TAG_FLAGS
from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.kinds import AlertKey, AlertKind
from server.domain.alerts.lifecycle import Finding
from server.domain.models import Checkpoint, DeviceEvent, Round, Site
from server.domain.patrol import lone_worker, rounds_ahead, speed, voluntary
from server.domain.patrol.speed import haversine_m

EVENTS_PER_PASS = 5000
# The longest two-device window a site may set (its twin_window_s): bounds the lookup.
LONGEST_TWIN_WINDOW = timedelta(hours=1)


def take(session: Session, now: datetime) -> int:
    """Look at events not seen yet: per-scan alerts, duties, voluntary rounds, reopened rounds."""
    stmt = (
        select(DeviceEvent)
        .where(DeviceEvent.evaluated_at.is_(None), DeviceEvent.received_at <= now)
        .order_by(DeviceEvent.id)
        .limit(EVENTS_PER_PASS)
        .with_for_update(skip_locked=True)
    )
    events = list(session.scalars(stmt))
    lone_worker.follow(session, events, now)
    voluntary.take(session, events)
    scans = [e for e in events if e.type == "scan" and e.site_id is not None]
    for event in scans:
        for finding in _tag_findings(event):
            alerts.raise_or_update(session, event.org_id, finding)
    placed = [e for e in scans if e.checkpoint_id is not None]
    _far_scans(session, placed)
    _twin_scans(session, placed)
    speed.check(session, placed, now)
    _reopen_rounds(session, placed)
    if events:
        session.execute(
            update(DeviceEvent)
            .where(DeviceEvent.id.in_([e.id for e in events]))
            .values(evaluated_at=now)
        )
    return len(events)


def _tag_findings(event: DeviceEvent) -> list[Finding]:
    problems = [f for f in flags.read(event.flags) if f in TAG_FLAGS]
    if not problems:
        return []
    payload = event.data.get("payload", "")
    digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return [
        Finding(
            key=AlertKey.of(AlertKind.SUSPICIOUS_TAG, event.device_id, problem, digest),
            title_args={"flag": problem.value},
            site_id=event.site_id or 0,
            evidence={"flag": problem.value, "payload": payload, **_scan_facts(event)},
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
    stmt = (
        select(Checkpoint, Site.geofence_radii)
        .join(Site, Site.id == Checkpoint.site_id)
        .where(Checkpoint.id.in_(ids), Checkpoint.radius_m.is_not(None))
    )
    places = {c.id: (c, radii) for c, radii in session.execute(stmt)}
    for event in located:
        place, radii = places.get(event.checkpoint_id or 0, (None, 0.0))
        if place is None or place.latitude is None or place.longitude is None:
            continue
        distance = haversine_m(
            place.latitude, place.longitude, event.data["latitude"], event.data["longitude"]
        )
        accuracy = event.data.get("accuracy_m") or 0
        if distance - accuracy <= radii * (place.radius_m or 0):
            continue
        day = event.corrected_time.date().isoformat()
        finding = Finding(
            key=AlertKey.of(AlertKind.FAR_SCAN, event.device_id, place.id, day),
            title_args={"checkpoint": place.name, "distance": round(distance)},
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
    windows = {
        site_id: timedelta(seconds=seconds)
        for site_id, seconds in session.execute(
            select(Site.id, Site.twin_window_s).where(Site.id.in_({e.site_id for e in scans}))
        )
    }
    low = min(e.corrected_time for e in scans) - LONGEST_TWIN_WINDOW
    high = max(e.corrected_time for e in scans) + LONGEST_TWIN_WINDOW
    stmt = select(DeviceEvent).where(
        DeviceEvent.type == "scan",
        DeviceEvent.checkpoint_id.in_({e.checkpoint_id for e in scans}),
        DeviceEvent.corrected_time.between(low, high),
    )
    nearby: dict[int, list[DeviceEvent]] = {}
    for other in session.scalars(stmt):
        nearby.setdefault(other.checkpoint_id or 0, []).append(other)
    for event in scans:
        window = windows[event.site_id]
        for other in nearby.get(event.checkpoint_id or 0, []):
            apart = abs(other.corrected_time - event.corrected_time)
            if other.device_id == event.device_id or apart > window:
                continue
            first, second = sorted((event, other), key=lambda e: e.id)
            finding = Finding(
                key=AlertKey.of(AlertKind.TWIN_SCAN, first.id, second.id),
                title_args={"seconds": round(apart.total_seconds())},
                site_id=event.site_id or 0,
                evidence={"scans": [_scan_facts(first), _scan_facts(second)]},
                checkpoint_id=event.checkpoint_id,
                device_id=second.device_id,
                event_id=second.id,
                event_ids=[first.id],
                device_ids=[first.device_id],
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
            Round.window_start > low - rounds_ahead.LONGEST_WINDOW,
            Round.window_start <= high,
            Round.window_end > low,
        )
        .values(needs_eval=True)
    )
