"""Placing device times on the server's clock, and flagging the ones that cannot be right."""

from datetime import datetime, timedelta

from device_protocol.events import Batch, Event
from device_protocol.flags import Flag

# An event stamped after the batch that carried it was sent cannot be right; allow for a
# clock that ticked between stamping and sending.
FUTURE_TOLERANCE = timedelta(minutes=2)
# A device this far off is worth a flag on each event it sends (Sentry Relay uses 55 min).
SKEW_FLAG = timedelta(minutes=5)


def offset(batch: Batch, received_at: datetime) -> timedelta:
    """How far the server's clock is ahead of the device's (transit time included)."""
    return received_at - batch.sent_at


def corrected_time(event: Event, batch: Batch, received_at: datetime) -> tuple[datetime, str]:
    """The event's time on the server clock, and how it was found.

    Within the boot that sent the batch, the monotonic clock is exact whatever happened to the
    wall clock meanwhile; otherwise the wall clock is shifted by the batch's offset.
    """
    same_boot = event.boot_id is not None and event.boot_id == batch.boot_id
    if same_boot and event.monotonic_ms is not None and batch.monotonic_ms is not None:
        return received_at - timedelta(
            milliseconds=batch.monotonic_ms - event.monotonic_ms
        ), "monotonic"
    return event.device_time + offset(batch, received_at), "wall_clock"


def flags(
    corrected: datetime, received_at: datetime, skew: timedelta, enrolled_at: datetime | None
) -> list[Flag]:
    """Reasons to distrust an event's time."""
    found = []
    if corrected > received_at + FUTURE_TOLERANCE:
        found.append(Flag.TIME_IN_FUTURE)
    if enrolled_at is not None and corrected < enrolled_at - FUTURE_TOLERANCE:
        found.append(Flag.TIME_BEFORE_ENROLLMENT)
    if abs(skew) >= SKEW_FLAG:
        found.append(Flag.DEVICE_CLOCK_OFF)
    return found
