"""An asset's own limits for inspection items: a maker's alarm and trip points, say."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import access, audit
from server.domain.actor import current_actor
from server.domain.errors import Invalid, NotFound
from server.domain.inspection.definition import Bounds, check_range, nesting_problems
from server.domain.models import AssetLimit
from server.domain.registry import assets

RANGES = ("normal", "warning", "critical")


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.found.setdefault(path, []).append(message)


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
