"""An asset's numeric items over a period: each one's readings and limits, and the alerts raised."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.domain.alerts import handling
from server.domain.inspection import intake, limits, readings
from server.domain.inspection.definition import NUMERIC, Bounds, Definition, Item
from server.domain.inspection.history import History
from server.domain.models import (
    Alert,
    Asset,
    InspectionRecord,
    Site,
    TemplateVersion,
)
from server.domain.registry import assets

# The most alerts marked over one period; a year of a troubled asset stays readable.
MAX_ALERTS = 500


@dataclass(frozen=True)
class ItemTrend:
    """One numeric item: its form's label and unit, the limits now, and readings.series' answer."""

    item: Item
    bounds: Bounds
    series: dict[str, Any]


@dataclass(frozen=True)
class AssetTrends:
    """An asset over [since, until): each numeric item ever inspected on it, and its alerts."""

    asset: Asset
    site: Site
    since: datetime
    until: datetime
    items: list[ItemTrend]
    alerts: list[Alert]


def over(session: Session, asset_id: int, since: datetime, until: datetime) -> AssetTrends:
    """The asset's trends: one readings.series per numeric item of the forms filled in on it."""
    asset = assets.get(session, asset_id)
    own = {limit.item_key: limit for limit in limits.list_for(session, asset.id)}
    laid = History(limits={asset.id: own})
    items = []
    for item, form in numeric_items(session, asset.id):
        series = readings.series(session, asset.id, item.key, since, until, readings.MAX_POINTS)
        items.append(ItemTrend(item, laid.bounds(asset.id, form)[item.key], series))
    stmt = (
        handling.list_query({"asset_id": asset.id, "since": since, "until": until})
        .order_by(Alert.raised_at, Alert.id)
        .limit(MAX_ALERTS)
    )
    return AssetTrends(
        asset=asset,
        site=session.get_one(Site, asset.site_id),
        since=since,
        until=until,
        items=items,
        alerts=list(session.scalars(stmt)),
    )


def numeric_items(session: Session, asset_id: int) -> list[tuple[Item, Definition]]:
    """Numeric items of the forms filled in on the asset, once each, the latest used form first."""
    used = (
        select(InspectionRecord.version_id, func.max(InspectionRecord.at).label("last"))
        .where(InspectionRecord.asset_id == asset_id)
        .group_by(InspectionRecord.version_id)
        .subquery()
    )
    stmt = (
        select(TemplateVersion)
        .join(used, used.c.version_id == TemplateVersion.id)
        .order_by(used.c.last.desc(), TemplateVersion.id)
    )
    found: dict[str, tuple[Item, Definition]] = {}
    for version in session.scalars(stmt):
        form = intake.definition(version)
        for item in form.items:
            if item.type in NUMERIC and item.key not in found:
                found[item.key] = (item, form)
    return list(found.values())
