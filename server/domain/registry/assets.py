"""Equipment on a site."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import current_actor
from server.domain.listing import name_filter
from server.domain.models import Asset
from server.domain.registry import sites
from server.domain.writes import Precondition

SORTABLE = ("name", "kind", "site_id", "zone_id", "created_at", "updated_at")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Assets on the current actor's sites."""
    stmt = access.scoped(select(Asset), Asset, current_actor())
    for field in ("site_id", "zone_id", "kind", "active"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(Asset, field) == filters[field])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], Asset.name, Asset.make, Asset.model))
    return stmt


def get(session: Session, asset_id: int) -> Asset:
    """One asset on the current actor's sites."""
    return access.get_scoped(session, Asset, asset_id, current_actor())


def create(session: Session, data: dict[str, Any]) -> Asset:
    """Register a piece of equipment."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    sites.site_for_write(session, actor, data["site_id"])
    sites.check_zone(session, data["site_id"], data.get("zone_id"))
    return writes.create(session, Asset(org_id=actor.org_id, **data))


def update(
    session: Session, asset_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Asset:
    """Change or deactivate an asset."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    asset = get(session, asset_id)
    writes.check(precondition, asset)
    if "zone_id" in data:
        sites.check_zone(session, asset.site_id, data["zone_id"])
    return writes.update(session, asset, data)
