"""A per-device sync rate limit, counted in the database so every process sees the same count."""

from datetime import datetime, timedelta

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from device_protocol.version import BATCHES_PER_MINUTE
from server.domain.errors import Throttled
from server.domain.models import Device

WINDOW = timedelta(minutes=1)


def check(session: Session, device_id: int, now: datetime) -> None:
    """Count this batch in the device's current minute; Throttled past the limit."""
    fresh = (Device.rate_window_start.is_(None)) | (Device.rate_window_start <= now - WINDOW)
    count, started = session.execute(
        update(Device)
        .where(Device.id == device_id)
        .values(
            rate_count=case((fresh, 1), else_=Device.rate_count + 1),
            rate_window_start=case((fresh, now), else_=Device.rate_window_start),
        )
        .returning(Device.rate_count, Device.rate_window_start)
    ).one()
    if count > BATCHES_PER_MINUTE:
        wait = max(1, int((started + WINDOW - now).total_seconds()) + 1)
        raise Throttled(f"more than {BATCHES_PER_MINUTE} batches a minute; wait and resend", wait)
