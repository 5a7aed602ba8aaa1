"""A per-device sync rate limit, counted in the database so every process sees the same count."""

from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, func, update
from sqlalchemy.orm import Session

from device_protocol.version import BATCHES_PER_MINUTE
from server.domain.errors import Throttled
from server.domain.models import Device

WINDOW = timedelta(minutes=1)


_DEVICES = Device.__table__.c
_NOW = bindparam("now", type_=_DEVICES.last_seen_at.type)
_FRESH = _DEVICES.rate_window_start.is_(None) | (
    _DEVICES.rate_window_start <= bindparam("stale_before", type_=_DEVICES.rate_window_start.type)
)
# Built once (every sync runs it); Core, since the ORM's bulk-update bookkeeping is not needed.
_CHECK_IN = (
    update(Device.__table__)
    .where(_DEVICES.id == bindparam("device_id"))
    .values(
        rate_count=case((_FRESH, 1), else_=_DEVICES.rate_count + 1),
        rate_window_start=case((_FRESH, _NOW), else_=_DEVICES.rate_window_start),
        last_seen_at=_NOW,
        # NULL (no Vigil-App header, or a bad one) keeps the version the handheld stated before.
        app_version=func.coalesce(
            bindparam("app_version", type_=_DEVICES.app_version.type), _DEVICES.app_version
        ),
    )
    .returning(_DEVICES.rate_count, _DEVICES.rate_window_start)
)


def check_in(
    session: Session, device_id: int, now: datetime, app_version: str | None = None
) -> None:
    """Count this batch in the device's current minute and mark it seen; Throttled past the limit.

    One statement on the device's row: the count, the last-seen time and the app version (when
    stated) are written on every sync, so noting the version costs no statement of its own. A
    throttled batch rolls back, so it counts only as the refusal it gets.
    """
    params = {
        "device_id": device_id,
        "now": now,
        "stale_before": now - WINDOW,
        "app_version": app_version,
    }
    count, started = session.execute(_CHECK_IN, params).one()
    if count > BATCHES_PER_MINUTE:
        wait = max(1, int((started + WINDOW - now).total_seconds()) + 1)
        raise Throttled(f"more than {BATCHES_PER_MINUTE} batches a minute; wait and resend", wait)
