"""Everything a supervisor reads to understand one alert: the alert, its site, the people and
handhelds named, the scans behind it in time order, the site's checkpoints where they stand,
and the photos, gathered in a few queries."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import names
from server.domain.actor import current_actor
from server.domain.alerts import handling
from server.domain.models import Alert, Checkpoint, DeviceEvent, Round, Site
from server.domain.patrol import rounds


@dataclass(frozen=True)
class Place:
    """A checkpoint where it stands on the site (None when it was never placed)."""

    checkpoint_id: int
    name: str
    latitude: float | None
    longitude: float | None
    expected: bool  # a stop of the alert's round
    missed: bool  # ... and not scanned in it


@dataclass(frozen=True)
class Scan:
    """One handheld event behind the alert: where, when, by whom, with what."""

    event_id: int
    checkpoint_id: int | None
    checkpoint_name: str | None
    at: datetime
    latitude: float | None
    longitude: float | None
    note: str | None
    photos: list[str]
    user_name: str | None
    device_name: str | None


@dataclass(frozen=True)
class AlertCase:
    """An alert with what explains it."""

    alert: Alert
    site: Site
    round: Round | None
    scans: list[Scan]
    places: list[Place]
    people: dict[int, str]  # the guard, the resolver and everyone in the history
    handhelds: dict[int, str]
    checkpoint_name: str | None

    @property
    def photos(self) -> list[str]:
        """Every photo behind it, the scans' first and the rectification's last."""
        seen = [p for scan in self.scans for p in scan.photos]
        if self.alert.resolution_photo:
            seen.append(self.alert.resolution_photo)
        return list(dict.fromkeys(seen))


def case(session: Session, alert_id: int) -> AlertCase:
    """The alert (on the actor's sites, else NotFound) and its evidence."""
    alert = handling.get(session, alert_id)
    actor = current_actor()
    site = session.get(Site, alert.site_id)
    assert site is not None
    the_round = rounds.get(session, alert.round_id) if alert.round_id else None
    event_ids = set(alert.event_ids or [])
    if alert.event_id:
        event_ids.add(alert.event_id)
    if the_round is not None:
        event_ids.update(s["event_id"] for s in the_round.stops if s.get("event_id"))
    events = list(
        session.scalars(
            select(DeviceEvent)
            .where(DeviceEvent.id.in_(event_ids), DeviceEvent.org_id == alert.org_id)
            .order_by(DeviceEvent.corrected_time, DeviceEvent.id)
        )
    )
    person_ids = {alert.user_id, alert.resolved_by, *(e.user_id for e in events)}
    person_ids.update(entry.user_id for entry in alert.history)
    people = names.lookup(session, actor, names.Named.PERSON, filter(None, person_ids))
    device_ids = {alert.device_id, *(e.device_id for e in events)}
    handhelds = names.lookup(session, actor, names.Named.HANDHELD, filter(None, device_ids))
    checkpoints = {
        c.id: c
        for c in session.scalars(
            select(Checkpoint).where(Checkpoint.site_id == site.id, Checkpoint.active)
        )
    }
    scans = [_scan(e, checkpoints, people, handhelds) for e in events]
    return AlertCase(
        alert=alert,
        site=site,
        round=the_round,
        scans=scans,
        places=_places(checkpoints, the_round),
        people=people,
        handhelds=handhelds,
        checkpoint_name=_name(checkpoints, alert.checkpoint_id),
    )


def _name(checkpoints: dict[int, Checkpoint], checkpoint_id: int | None) -> str | None:
    found = checkpoints.get(checkpoint_id) if checkpoint_id else None
    return found.name if found else None


def _scan(
    event: DeviceEvent,
    checkpoints: dict[int, Checkpoint],
    people: dict[int, str],
    handhelds: dict[int, str],
) -> Scan:
    data: dict[str, Any] = event.data or {}
    return Scan(
        event_id=event.id,
        checkpoint_id=event.checkpoint_id,
        checkpoint_name=_name(checkpoints, event.checkpoint_id),
        at=event.corrected_time,
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        note=data.get("note") or data.get("text"),
        photos=list(data.get("photos") or []),
        user_name=people.get(event.user_id) if event.user_id else None,
        device_name=handhelds.get(event.device_id),
    )


def _places(checkpoints: dict[int, Checkpoint], the_round: Round | None) -> list[Place]:
    """The site's checkpoints; a round's stops as the round knew them (positions then)."""
    expected = {s["checkpoint_id"]: s for s in (the_round.expected if the_round else [])}
    judged = {s["checkpoint_id"]: s for s in (the_round.stops if the_round else [])}
    places = [
        Place(
            stop["checkpoint_id"],
            stop.get("name", ""),
            stop.get("latitude"),
            stop.get("longitude"),
            expected=True,
            missed=judged.get(stop["checkpoint_id"], {}).get("status") == "missed",
        )
        for stop in expected.values()
    ]
    places += [
        Place(c.id, c.name, c.latitude, c.longitude, expected=False, missed=False)
        for c in checkpoints.values()
        if c.id not in expected
    ]
    return places
