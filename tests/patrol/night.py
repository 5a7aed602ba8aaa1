"""A night shift to replay: a site, a route of four checkpoints, a 22:00 round, two handhelds."""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import worker
from server.domain.clock import set_clock
from server.domain.models import Alert, PatrolRoute, Round, RouteStop, Schedule
from server.domain.registry import tags
from server.testing.factories import Factory

# 22:00 in Shanghai (UTC+8, no DST) on 2026-11-20 is 14:00 UTC.
DUE = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
# Checkpoints 120 m apart along a line of latitude (0.0011 deg at 31.2 N is about 105 m).
_BASE = (31.2000, 121.5000)


@dataclass
class Night:
    """The site, its route, schedule and devices; helpers to scan, sync and sweep as of a time."""

    db: Session
    client: FlaskClient
    site: Any
    guard: Any
    checkpoints: list[Any]
    payloads: list[str]
    devices: list[dict[str, str]]
    route: PatrolRoute
    schedule: Schedule
    queued: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def scan(self, stop: int, at: datetime, device: int = 0, **extra: Any) -> None:
        """The guard scans checkpoint `stop` (0-based) at `at`; the device keeps it until sync."""
        payload = extra.pop("payload", None) or self.payloads[stop]
        self.record("scan", at, device, method="qr", payload=payload, **extra)

    def record(self, event_type: str, at: datetime, device: int = 0, **fields: Any) -> None:
        """Any event the guard makes at `at` (a shift, a round start...), kept until sync."""
        event = {
            "uuid": str(uuid.uuid4()),
            "type": event_type,
            "device_time": at.isoformat(),
            "user_id": self.guard.id,
            **fields,
        }
        self.queued.setdefault(device, []).append(event)

    def sync(self, at: datetime, device: int = 0) -> dict[str, Any]:
        """The device sends what it holds at `at` (its clock is right)."""
        set_clock(lambda: at)
        events, self.queued[device] = self.queued.get(device, []), []
        response = self.client.post(
            "/api/v1/device/sync",
            json={"sent_at": at.isoformat(), "events": events},
            headers=self.devices[device],
        )
        assert response.status_code == 200, response.json
        assert all(r["status"] == "accepted" for r in response.json["results"]), response.json
        return response.json

    def sweep(self, at: datetime) -> worker.PassCounts:
        """One evaluator pass as of `at`."""
        set_clock(lambda: at)
        counts = worker.sweep(self.db, at)
        assert not counts.failed, counts
        return counts

    def round(self) -> Round:
        """The 22:00 round."""
        found = self.db.scalar(select(Round).where(Round.due_at == DUE))
        assert found is not None
        self.db.refresh(found)
        return found

    def rounds(self) -> list[Round]:
        """Every round made, by due time."""
        return list(self.db.scalars(select(Round).order_by(Round.due_at)))

    def alerts(self, **filters: Any) -> list[Alert]:
        """Alerts, oldest first, filtered by column values."""
        stmt = select(Alert).order_by(Alert.id)
        for name, value in filters.items():
            stmt = stmt.where(getattr(Alert, name) == value)
        found = list(self.db.scalars(stmt))
        for alert in found:
            self.db.refresh(alert)
        return found


def build_night(db: Session, client: FlaskClient, make: Factory, **route: Any) -> Night:
    """Everything above; the schedule was created at 09:00 on the day of the round."""
    org = make.org()
    site = make.site(org, name="湖畔花园")
    guard = make.user(org, sites=[site], name="王伟")
    names = ["北门岗亭", "地下车库B1", "配电房", "南门"]
    checkpoints = [
        make.checkpoint(
            site,
            name=name,
            latitude=_BASE[0],
            longitude=_BASE[1] + 0.0011 * n,
            radius_m=30,
        )
        for n, name in enumerate(names)
    ]
    payloads = []
    for checkpoint in checkpoints:
        tag = make.qr_tag(checkpoint)
        payloads.append(tags.payload_of(tag, tags.key_of(db, tag)))
    devices = []
    for _ in range(2):
        device = make.device(org, [site])
        device.enrolled_at = DUE - timedelta(days=30)
        devices.append(make.device_auth(device))
    stops = route.pop("stops", None) or [{} for _ in checkpoints]
    patrol = PatrolRoute(org_id=org.id, site_id=site.id, name="夜间巡逻 Night patrol", **route)
    patrol.stops = [
        RouteStop(position=n, checkpoint_id=c.id, **stop)
        for n, (c, stop) in enumerate(zip(checkpoints, stops, strict=True), start=1)
    ]
    db.add(patrol)
    db.flush()
    schedule = Schedule(
        org_id=org.id,
        site_id=site.id,
        route_id=patrol.id,
        name="Nightly 22:00",
        rrule="FREQ=DAILY",
        start_local="2026-11-01T22:00",
        exdates=[],
        window_min=60,
        grace_min=15,
        assignee_id=guard.id,
        effective_from=DUE - timedelta(hours=21),
    )
    db.add(schedule)
    db.flush()
    return Night(db, client, site, guard, checkpoints, payloads, devices, patrol, schedule)
