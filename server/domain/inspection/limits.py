"""An asset's own limits for inspection items: a maker's alarm and trip points, say."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import access, audit
from server.domain.actor import current_actor
from server.domain.errors import Invalid, NotFound
from server.domain.inspection.definition import (
    NUMERIC,
    Bounds,
    check_range,
    nesting_problems,
    parse,
)
from server.domain.models import AssetLimit, InspectionTemplate, TemplateVersion
from server.domain.registry import assets

RANGES = ("normal", "warning", "critical")


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.found.setdefault(path, []).append(message)


def numeric_item_keys(session: Session, org_id: int) -> set[str]:
    """Keys of the readings (number, meter, derived) in the tenant's templates as they are now."""
    stmt = (
        select(TemplateVersion.definition)
        .join(InspectionTemplate, InspectionTemplate.id == TemplateVersion.template_id)
        .where(
            InspectionTemplate.org_id == org_id,
            InspectionTemplate.active.is_(True),
            TemplateVersion.version == InspectionTemplate.version,
        )
    )
    return {
        item.key
        for raw in session.scalars(stmt)
        for item in parse(raw).items
        if item.type in NUMERIC
    }


def list_for(session: Session, asset_id: int) -> list[AssetLimit]:
    """The asset's own limits, by item."""
    asset = assets.get(session, asset_id)
    stmt = select(AssetLimit).where(AssetLimit.asset_id == asset.id).order_by(AssetLimit.item_key)
    return list(session.scalars(stmt))


def put(session: Session, asset_id: int, item_key: str, data: dict[str, Any]) -> AssetLimit:
    """Set the asset's limits for one item; ranges left out keep the template's."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    asset = assets.get(session, asset_id)
    if item_key not in numeric_item_keys(session, asset.org_id):
        raise Invalid(
            f"no inspection template has a numeric item '{item_key}': limits are for readings",
            {"item_key": ["not a numeric item of any current template"]},
        )
    if all(data.get(name) is None for name in RANGES):
        raise Invalid(
            "send at least one of normal, warning, critical; DELETE goes back to the template's",
            {"limits": ["no range given"]},
        )
    errors = _Errors()
    ranges = {name: check_range(data.get(name), name, errors) for name in RANGES}
    for problem in nesting_problems(Bounds(**ranges)):
        errors.add("limits", problem)
    if errors.found:
        raise Invalid("the limits are not valid", errors.found)
    limit = session.scalar(
        select(AssetLimit).where(AssetLimit.asset_id == asset.id, AssetLimit.item_key == item_key)
    )
    before = audit.snapshot(limit) if limit else {}
    if limit is None:
        limit = AssetLimit(
            org_id=asset.org_id, asset_id=asset.id, site_id=asset.site_id, item_key=item_key
        )
        session.add(limit)
    for name in RANGES:
        setattr(limit, name, data.get(name))
    limit.note = data.get("note", "")
    session.flush()
    audit.record(session, "set_limits", limit, audit.diff(before, audit.snapshot(limit)))
    return limit


def delete(session: Session, asset_id: int, item_key: str) -> None:
    """Go back to the template's limits for this item."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    asset = assets.get(session, asset_id)
    limit = session.scalar(
        select(AssetLimit).where(AssetLimit.asset_id == asset.id, AssetLimit.item_key == item_key)
    )
    if limit is None:
        raise NotFound(f"asset {asset_id} has no limits of its own for '{item_key}'")
    audit.record(
        session, "clear_limits", limit, {k: [v, None] for k, v in audit.snapshot(limit).items()}
    )
    session.delete(limit)
    session.flush()
