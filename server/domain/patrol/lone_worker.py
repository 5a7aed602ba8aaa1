"""The lone-worker watch: a clocked-in guard's handheld that falls silent raises an alert."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.db import insert_new_only
from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.kinds import AlertKey, AlertKind
from server.domain.alerts.lifecycle import Finding
from server.domain.models import AlertSeverity, Device, DeviceEvent, Duty, Site, User


class Limit(NamedTuple):
    """A site's lone-worker limit, and the timezone its alerts are told in."""

    inactivity_min: int | None
    timezone: str


def follow(session: Session, events: list[DeviceEvent], now: datetime) -> None:
    """Move each handheld's duty along its new events, in the order they happened."""
    by_device: dict[int, list[DeviceEvent]] = defaultdict(list)
    for event in sorted(events, key=lambda e: (e.corrected_time, e.id)):
        by_device[event.device_id].append(event)
    _first_duties(session, [e for e in events if _kind(e) == "clock_in"])
    stmt = (
        select(Duty)
        .where(Duty.device_id.in_(by_device))
        .order_by(Duty.device_id)  # concurrent workers lock rows in the same order
        .with_for_update()
    )
    duties = list(session.scalars(stmt))
    if not duties:
        return
    limits = _limits(session, {d.site_id for d in duties} | {e.site_id for e in events})
    for duty in duties:
        for event in by_device[duty.device_id]:
            if event.corrected_time < duty.last_seen_at:
                continue  # older than what is known: it cannot end the current silence
            kind = _kind(event)
            if duty.on_duty:
                _silence_ended(session, duty, event, limits.get(duty.site_id), now)
            elif kind != "clock_in":
                continue
            if kind == "clock_in" and event.id != duty.clock_in_event_id:
                duty.clock_in_event_id, duty.clocked_in_at = event.id, event.corrected_time
                duty.on_duty = True
            elif kind == "clock_out":
                duty.on_duty = False
            duty.last_event_id, duty.last_seen_at = event.id, event.corrected_time
            duty.user_id = event.user_id or duty.user_id
            duty.site_id = event.site_id or duty.site_id


def _kind(event: DeviceEvent) -> str | None:
    return event.data.get("kind") if event.type == "shift" else None


def _first_duties(session: Session, clock_ins: list[DeviceEvent]) -> None:
    """A handheld's first clock-in gives it its duty row (concurrent workers insert it once)."""
    first: dict[int, DeviceEvent] = {}
    for event in clock_ins:
        if (
            event.device_id not in first
            or event.corrected_time < first[event.device_id].corrected_time
        ):
            first[event.device_id] = event
    rows = [
        {
            "device_id": e.device_id,
            "org_id": e.org_id,
            "site_id": e.site_id,
            "user_id": e.user_id,
            "on_duty": True,
            "clock_in_event_id": e.id,
            "clocked_in_at": e.corrected_time,
            "last_event_id": e.id,
            "last_seen_at": e.corrected_time,
        }
        for e in first.values()
    ]
    if rows:
        session.execute(insert_new_only(session, Duty, "device_id"), rows)


def _limits(session: Session, site_ids: set[int | None]) -> dict[int | None, Limit]:
    stmt = select(Site.id, Site.inactivity_min, Site.timezone).where(
        Site.id.in_({s for s in site_ids if s is not None})
    )
    return {row.id: Limit(row.inactivity_min, row.timezone) for row in session.execute(stmt)}


def _silence_ended(
    session: Session, duty: Duty, event: DeviceEvent, limit: Limit | None, now: datetime
) -> None:
    """The handheld spoke: the silence before it was either harmless or real."""
    if event.id == duty.last_event_id or limit is None or not limit.inactivity_min:
        return
    allowed = timedelta(minutes=limit.inactivity_min)
    silent = event.corrected_time - duty.last_seen_at
    if silent <= allowed:
        if now - duty.last_seen_at > allowed:  # only then can a pass have raised an alert
            alerts.clear(session, duty.org_id, _key(duty), _why_cleared(event, silent))
    else:
        # A real silence, over now: no longer an emergency, still a finding to review.
        finding = _finding(session, duty, limit, AlertSeverity.MEDIUM, event.corrected_time)
        alerts.raise_or_update(session, duty.org_id, finding)


def watch(session: Session, now: datetime) -> int:
    """Raise an alert for every handheld on duty silent longer than its site allows."""
    stmt = (
        select(Duty, Site.inactivity_min, Site.timezone)
        .join(Site, Site.id == Duty.site_id)
        .where(Duty.on_duty, Site.inactivity_min.is_not(None))
        .order_by(Duty.device_id)
        # A duty another worker is moving along is skipped: its silence may just have ended.
        .with_for_update(skip_locked=True, of=Duty)
    )
    silent = 0
    for duty, minutes, timezone in session.execute(stmt).all():
        if now - duty.last_seen_at > timedelta(minutes=minutes):
            finding = _finding(session, duty, Limit(minutes, timezone), AlertSeverity.CRITICAL)
            alerts.raise_or_update(session, duty.org_id, finding)
            silent += 1
    return silent


def _key(duty: Duty) -> AlertKey:
    # One silence: the handheld and the last event before it.
    return AlertKey.of(AlertKind.GUARD_INACTIVE, duty.device_id, duty.last_event_id)


def _finding(
    session: Session,
    duty: Duty,
    limit: Limit,
    severity: AlertSeverity,
    resumed: datetime | None = None,
) -> Finding:
    zone = ZoneInfo(limit.timezone)
    args: dict[str, Any] = {
        "who": _who(session, duty),
        "since": duty.last_seen_at.astimezone(zone).strftime("%H:%M"),
        "limit": limit.inactivity_min,
    }
    if resumed is not None:
        args["variant"] = "resumed"
        args["minutes"] = round((resumed - duty.last_seen_at).total_seconds() / 60)
        args["until"] = resumed.astimezone(zone).strftime("%H:%M")
    return Finding(
        key=_key(duty),
        severity=severity,
        title_args=args,
        site_id=duty.site_id or 0,
        evidence={
            "limit_min": limit.inactivity_min,
            "clocked_in_at": duty.clocked_in_at.isoformat(),
            "clock_in_event_id": duty.clock_in_event_id,
            "last_seen_at": duty.last_seen_at.isoformat(),
            "last_event_id": duty.last_event_id,
            "resumed_at": None if resumed is None else resumed.isoformat(),
        },
        device_id=duty.device_id,
        user_id=duty.user_id,
        event_id=duty.last_event_id,
    )


def _who(session: Session, duty: Duty) -> dict[str, str]:
    """The person on duty, or their handheld when no one signed in on it."""
    if duty.user_id is not None:
        name = session.scalar(select(User.name).where(User.id == duty.user_id))
        if name:
            return {"person": name}
    device = session.execute(
        select(Device.label, Device.serial).where(Device.id == duty.device_id)
    ).one()
    return {"handheld": device.label or device.serial}


def _why_cleared(event: DeviceEvent, silent: timedelta) -> str:
    minutes = round(silent.total_seconds() / 60)
    return (
        f"not silent after all: the handheld's {event.type} at {event.corrected_time.isoformat()} "
        f"(received {event.received_at.isoformat()}) came {minutes} min after the one before; "
        "it was out of contact, not idle"
    )
