"""Handheld devices registered to an organization and its sites."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import current_actor
from server.domain.errors import Invalid
from server.domain.listing import name_filter
from server.domain.models import Device, DeviceEvent, device_sites
from server.domain.registry import sites
from server.domain.writes import Precondition

SORTABLE = ("serial", "label", "last_seen_at", "created_at", "updated_at")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Devices on the current actor's sites."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    stmt = select(Device).where(Device.org_id == actor.org_id)
    if not actor.all_sites:
        shared = select(device_sites.c.device_id).where(device_sites.c.site_id.in_(actor.site_ids))
        stmt = stmt.where(Device.id.in_(shared))
    if filters.get("site_id") is not None:
        on_site = select(device_sites.c.device_id).where(
            device_sites.c.site_id == filters["site_id"]
        )
        stmt = stmt.where(Device.id.in_(on_site))
    if filters.get("active") is not None:
        stmt = stmt.where(Device.active == filters["active"])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], Device.serial, Device.label))
    return stmt


def get(session: Session, device_id: int) -> Device:
    """One device the current actor manages."""
    return access.one_visible(
        session, list_query({}).where(Device.id == device_id), f"device {device_id}"
    )


def _assign(session: Session, site_ids: list[int]) -> list[Any]:
    actor = current_actor()
    if not site_ids and not actor.all_sites:
        raise Invalid("a device needs a site", {"site_ids": ["at least one of your sites"]})
    return sites.sites_for_assignment(session, actor, site_ids)


def create(session: Session, data: dict[str, Any]) -> Device:
    """Register a handheld by its serial number."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    data = dict(data)
    assigned = _assign(session, data.pop("site_ids", []))
    device = Device(org_id=actor.org_id, **data)
    device.sites = assigned
    return writes.create(session, device, {"site_ids": [s.id for s in assigned]})


def update(
    session: Session, device_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Device:
    """Relabel, move between sites, or deactivate a device."""
    device = get(session, device_id)
    writes.check(precondition, device)
    data = dict(data)
    extra = {}
    if "site_ids" in data:
        before = [s.id for s in device.sites]
        device.sites = _assign(session, data.pop("site_ids"))
        after = [s.id for s in device.sites]
        if sorted(before) != sorted(after):
            extra["site_ids"] = [before, after]
    return writes.update(session, device, data, extra)


@dataclass(frozen=True)
class ClockReading:
    """How far a handheld's clock was off at its latest event."""

    at: datetime  # the event's time on the server's clock
    offset: timedelta  # the server's clock minus the handheld's: positive when it runs behind


def clock_readings(session: Session, device_ids: Collection[int]) -> dict[int, ClockReading]:
    """Each device's clock offset, read from its latest event (none before it sent one).

    An event's corrected time is the server's view of when it happened; its device time is
    the handheld's, so their difference is the handheld's error then.
    """
    if not device_ids:
        return {}
    latest = (
        select(DeviceEvent.id)
        .where(DeviceEvent.device_id == Device.id)
        .order_by(DeviceEvent.corrected_time.desc())
        .limit(1)
        .correlate(Device)
        .scalar_subquery()
    )
    stmt = (
        select(Device.id, DeviceEvent.device_time, DeviceEvent.corrected_time)
        .join(DeviceEvent, DeviceEvent.id == latest)
        .where(Device.id.in_(device_ids))
    )
    return {
        device_id: ClockReading(corrected, corrected - device_time)
        for device_id, device_time, corrected in session.execute(stmt)
    }
