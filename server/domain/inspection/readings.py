"""An asset's readings over time: a series per item (thinned for long ranges) and CSV."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import access, exports
from server.domain.actor import current_actor
from server.domain.errors import Invalid
from server.domain.inspection.records import INSPECT
from server.domain.models import InspectionRecord, InspectionTemplate, Reading, Site, User
from server.domain.registry import assets

# More readings than this in one range are returned as time buckets of min, max and mean.
MAX_POINTS = 1000
# A CSV export covers at most this many readings; ask for a shorter range beyond it.
MAX_EXPORT = 200_000


def series(
    session: Session, asset_id: int, item: str, since: datetime, until: datetime, points: int
) -> dict[str, Any]:
    """One item's readings in [since, until); as `points` time buckets when there are more."""
    access.require_role(current_actor(), INSPECT)
    asset = assets.get(session, asset_id)
    if not since < until:
        raise Invalid("until must come after since", {"until": ["after since"]})
    stmt = (
        select(Reading.at, Reading.value, Reading.level, Reading.record_id)
        .where(
            Reading.asset_id == asset.id,
            Reading.item_key == item,
            Reading.at >= since,
            Reading.at < until,
        )
        .order_by(Reading.at)
    )
    rows = session.execute(stmt).all()
    found: dict[str, Any] = {"asset_id": asset.id, "item": item, "count": len(rows)}
    if len(rows) <= points:
        found["readings"] = [
            {"at": r.at, "value": r.value, "level": r.level, "record_id": r.record_id} for r in rows
        ]
        return found
    width = (until - since) / points
    buckets: dict[int, list[Any]] = {}
    for row in rows:
        buckets.setdefault(int((row.at - since) / width), []).append(row)
    found["buckets"] = [
        {
            "start": since + width * n,
            "end": since + width * (n + 1),
            "count": len(bucket),
            "min": min(r.value for r in bucket),
            "max": max(r.value for r in bucket),
            "mean": sum(r.value for r in bucket) / len(bucket),
            "last": bucket[-1].value,
            # The worst level inside the bucket, so thinning never hides an alarm.
            "level": _worst(r.level for r in bucket),
        }
        for n, bucket in sorted(buckets.items())
    ]
    return found


def _worst(levels: Any) -> str | None:
    order = {None: 0, "normal": 1, "warning": 2, "critical": 3}
    return max(levels, key=lambda level: order.get(level, 0), default=None)


def export(session: Session, asset_id: int, since: datetime, until: datetime) -> Iterator[str]:
    """Every reading of the asset in [since, until) as CSV lines, Excel-ready (UTF-8 with BOM)."""
    access.require_role(current_actor(), INSPECT)
    asset = assets.get(session, asset_id)
    if not since < until:
        raise Invalid("until must come after since", {"until": ["after since"]})
    zone = ZoneInfo(session.get_one(Site, asset.site_id).timezone)
    stmt = (
        select(
            Reading.at,
            Reading.item_key,
            Reading.value,
            Reading.level,
            Reading.record_id,
            InspectionTemplate.code,
            User.name,
        )
        .join(InspectionRecord, InspectionRecord.id == Reading.record_id)
        .join(InspectionTemplate, InspectionTemplate.id == InspectionRecord.template_id)
        .outerjoin(User, User.id == InspectionRecord.user_id)
        .where(Reading.asset_id == asset.id, Reading.at >= since, Reading.at < until)
        .order_by(Reading.at, Reading.item_key)
        .limit(MAX_EXPORT + 1)
    )
    rows = session.execute(stmt).all()
    if len(rows) > MAX_EXPORT:
        raise Invalid(
            f"more than {MAX_EXPORT} readings: export a shorter range", {"since": ["later"]}
        )

    header = [
        "at_utc",
        "at_local",
        "asset",
        "template",
        "item",
        "value",
        "level",
        "record_id",
        "inspector",
    ]
    return exports.lines(
        header,
        (
            [
                at.isoformat(),
                at.astimezone(zone).isoformat(timespec="minutes"),
                exports.cell(asset.name),
                template,
                item,
                value,
                level or "",
                record_id,
                exports.cell(inspector or ""),
            ]
            for at, item, value, level, record_id, template, inspector in rows
        ),
    )
