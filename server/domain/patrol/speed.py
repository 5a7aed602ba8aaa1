"""Impossible speed: a handheld's verified scans in time order, across the whole shift.

Within a round, across rounds and outside any round, each scan is compared with the one the
same handheld made before it: the distance between their checkpoints over the time between
them. A late batch that brings a scan between two known ones breaks their pair, which is
judged again as two steps.
"""

import itertools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from device_protocol import flags
from server.domain.alerts import lifecycle as alerts
from server.domain.alerts.kinds import AlertKey, AlertKind
from server.domain.alerts.lifecycle import Finding
from server.domain.models import Alert, AlertState, Checkpoint, DeviceEvent, Site
from server.domain.patrol.evaluation import DISQUALIFYING

# Scans further apart than a shift are not compared: no site is wide enough for them to look
# faster than anyone walks.
LOOKBACK = timedelta(hours=12)


@dataclass(frozen=True)
class Scan:
    """A verified scan of a checkpoint with a position."""

    event_id: int
    device_id: int
    at: datetime
    received_at: datetime
    site_id: int
    user_id: int | None
    checkpoint_id: int
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Step:
    """Two consecutive scans of one handheld."""

    first: Scan
    second: Scan

    @property
    def distance_m(self) -> float:
        a, b = self.first, self.second
        return haversine_m(a.latitude, a.longitude, b.latitude, b.longitude)

    @property
    def seconds(self) -> float:
        return (self.second.at - self.first.at).total_seconds()

    def too_fast(self, limit_mps: float) -> bool:
        """Farther than anyone walks in the time between the scans (any distance in no time)."""
        distance = self.distance_m
        return distance > 0 and (self.seconds <= 0 or distance / self.seconds > limit_mps)


def steps(chain: list[Scan]) -> list[Step]:
    """Consecutive pairs of one handheld's scans, in the order they were made."""
    ordered = sorted(chain, key=lambda s: (s.at, s.event_id))
    return [Step(a, b) for a, b in itertools.pairwise(ordered)]


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two WGS84 points (spherical Earth, plenty for a site)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def check(session: Session, new: list[DeviceEvent], now: datetime) -> None:
    """Judge the steps these new scans make in their handhelds' chains, as known by now."""
    fresh = {e.id for e in new if e.checkpoint_id is not None}
    if not fresh:
        return
    chains = _chains(session, [e for e in new if e.id in fresh], now)
    limits = dict(
        session.execute(
            select(Site.id, Site.max_speed_mps).where(
                Site.id.in_({s.site_id for chain in chains.values() for s in chain})
            )
        ).all()
    )
    broken: dict[AlertKey, Scan] = {}
    for device_id, chain in chains.items():
        for step in steps(chain):
            if step.first.event_id in fresh or step.second.event_id in fresh:
                limit = limits[step.second.site_id]
                if step.too_fast(limit):
                    org_id = next(e.org_id for e in new if e.device_id == device_id)
                    alerts.raise_or_update(session, org_id, _finding(step, limit))
        old = steps([s for s in chain if s.event_id not in fresh])
        now_steps = {(s.first.event_id, s.second.event_id) for s in steps(chain)}
        for step in old:
            if (step.first.event_id, step.second.event_id) not in now_steps:
                between = next(
                    s
                    for s in chain
                    if s.event_id in fresh
                    and (step.first.at, step.first.event_id)
                    < (s.at, s.event_id)
                    < (step.second.at, step.second.event_id)
                )
                broken[_key(step)] = between
    _clear_broken(session, broken)


def _chains(session: Session, new: list[DeviceEvent], now: datetime) -> dict[int, list[Scan]]:
    """Each handheld's verified, placed scans around the new ones, known by now."""
    low = min(e.corrected_time for e in new) - LOOKBACK
    high = max(e.corrected_time for e in new) + LOOKBACK
    stmt = (
        select(
            DeviceEvent.id,
            DeviceEvent.device_id,
            DeviceEvent.corrected_time,
            DeviceEvent.received_at,
            DeviceEvent.site_id,
            DeviceEvent.user_id,
            DeviceEvent.flags,
            Checkpoint.id,
            Checkpoint.name,
            Checkpoint.latitude,
            Checkpoint.longitude,
        )
        .join(Checkpoint, Checkpoint.id == DeviceEvent.checkpoint_id)
        .where(
            DeviceEvent.type == "scan",
            DeviceEvent.device_id.in_({e.device_id for e in new}),
            DeviceEvent.corrected_time.between(low, high),
            DeviceEvent.received_at <= now,
            Checkpoint.latitude.is_not(None),
            Checkpoint.longitude.is_not(None),
        )
    )
    chains: dict[int, list[Scan]] = {}
    for row in session.execute(stmt):
        event_id, device_id, at, received, site_id, user_id, stored, *place = row
        if DISQUALIFYING.isdisjoint(flags.read(stored)):
            scan = Scan(event_id, device_id, at, received, site_id, user_id, *place)
            chains.setdefault(device_id, []).append(scan)
    return chains


def _key(step: Step) -> AlertKey:
    return AlertKey.of(
        AlertKind.IMPOSSIBLE_SPEED, step.first.device_id, step.first.event_id, step.second.event_id
    )


def _facts(scan: Scan) -> dict[str, Any]:
    return {
        "event_id": scan.event_id,
        "checkpoint_id": scan.checkpoint_id,
        "name": scan.name,
        "scanned_at": scan.at.isoformat(),
        "received_at": scan.received_at.isoformat(),
        "user_id": scan.user_id,
    }


def _finding(step: Step, limit: float) -> Finding:
    distance, seconds = round(step.distance_m), step.seconds
    speed = None if seconds <= 0 else round(step.distance_m / seconds, 1)
    first, second = step.first, step.second
    return Finding(
        key=_key(step),
        title_args={
            "from": first.name,
            "to": second.name,
            "distance": distance,
            "seconds": round(seconds),
        },
        site_id=second.site_id,
        evidence={
            "distance_m": distance,
            "seconds": round(seconds, 1),
            "speed_mps": speed,
            "limit_mps": limit,
            "scans": [_facts(first), _facts(second)],
        },
        checkpoint_id=second.checkpoint_id,
        device_id=second.device_id,
        user_id=second.user_id,
        event_id=second.event_id,
        event_ids=[first.event_id, second.event_id],
    )


def _clear_broken(session: Session, broken: dict[AlertKey, Scan]) -> None:
    """Pairs a late scan now stands between: their alerts give way to the two new steps."""
    if not broken:
        return
    stmt = select(Alert.org_id, Alert.key).where(
        Alert.key.in_([str(k) for k in broken]), Alert.state != AlertState.RESOLVED
    )
    for org_id, key in session.execute(stmt).all():
        between = broken[AlertKey.parse(key)]
        note = (
            f"a late batch brought a scan between these two: {between.name} at "
            f"{between.at.isoformat()} (event {between.event_id}); each step is judged on its own"
        )
        alerts.clear(session, org_id, AlertKey.parse(key), note)
