"""Sites and the zones inside them."""

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access
from server.domain import writes as registry
from server.domain.actor import current_actor
from server.domain.errors import Invalid
from server.domain.models import Site, Zone
from server.domain.text import name_filter
from server.domain.writes import Precondition

SORTABLE = ("name", "created_at", "updated_at")


@cache
def _zones() -> frozenset[str]:
    # Geographic Area/Location names only: system aliases such as 'localtime' are not zones, and
    # fixed offsets ('Etc/GMT-8', sign inverted) cannot follow a site through daylight saving.
    return frozenset(
        name
        for name in available_timezones()
        if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/"))
    ) | {"UTC"}


def check_timezone(name: str) -> None:
    """Accept only IANA zone names: schedules are computed in the site's local time."""
    if name not in _zones():
        raise Invalid(
            f"'{name}' is not an IANA timezone",
            {"timezone": ["an IANA name such as Asia/Shanghai"]},
        )


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Sites the current actor works on."""
    actor = current_actor()
    stmt = select(Site).where(Site.org_id == actor.org_id)
    if not actor.all_sites:
        stmt = stmt.where(Site.id.in_(actor.site_ids))
    if filters.get("active") is not None:
        stmt = stmt.where(Site.active == filters["active"])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], Site.name, Site.address))
    return stmt


def get(session: Session, site_id: int) -> Site:
    """One site the current actor works on."""
    return access.one_visible(session, list_query({}).where(Site.id == site_id), f"site {site_id}")


def create(session: Session, data: dict[str, Any]) -> Site:
    """Add a site to the actor's organization."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_SITES)
    check_timezone(data["timezone"])
    return registry.create(session, Site(org_id=actor.org_id, **data))


def update(
    session: Session, site_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Site:
    """Change or deactivate a site."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_SITES)
    site = get(session, site_id)
    registry.check(precondition, site)
    if "timezone" in data:
        check_timezone(data["timezone"])
    return registry.update(session, site, data)


ZONE_SORTABLE = ("name", "kind", "site_id", "created_at", "updated_at")


def zones_query(filters: dict[str, Any]) -> Select[Any]:
    """Zones on the current actor's sites."""
    stmt = access.scoped(select(Zone), Zone, current_actor())
    for field in ("site_id", "kind", "active"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(Zone, field) == filters[field])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], Zone.name))
    return stmt


def get_zone(session: Session, zone_id: int) -> Zone:
    """One zone on the current actor's sites."""
    return access.get_scoped(session, Zone, zone_id, current_actor())


def create_zone(session: Session, data: dict[str, Any]) -> Zone:
    """Add a building or area to a site."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    registry.site_for_write(session, actor, data["site_id"])
    return registry.create(session, Zone(org_id=actor.org_id, **data))


def update_zone(
    session: Session, zone_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Zone:
    """Rename, re-kind or deactivate a zone."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    zone = get_zone(session, zone_id)
    registry.check(precondition, zone)
    return registry.update(session, zone, data)
