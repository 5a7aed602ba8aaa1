"""Sites and the zones inside them."""

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import Actor, current_actor
from server.domain.errors import Invalid
from server.domain.listing import name_filter
from server.domain.models import Site, Zone
from server.domain.writes import Precondition

SORTABLE = ("name", "created_at", "updated_at")
MAX_SHIFTS = 6  # a day cut into more pieces than this is not a guards' roster
# A site's detection settings (docs/patrols.md), each from its least to its most.
DETECTION_LIMITS: dict[str, tuple[float, float]] = {
    "inactivity_min": (5, 1440),  # may also be None: no lone-worker watch
    "max_speed_mps": (0.5, 50),
    "twin_window_s": (1, 3600),
    "geofence_radii": (1, 20),
    "default_grace_min": (0, 240),  # as a schedule's grace_min (rounds_ahead.MAX_EDGE_MIN)
}


@cache
def timezone_names() -> frozenset[str]:
    """The IANA zones a site may take (what check_timezone accepts), for a picker to offer."""
    # Geographic Area/Location names only: system aliases such as 'localtime' are not zones, and
    # fixed offsets ('Etc/GMT-8', sign inverted) cannot follow a site through daylight saving.
    return frozenset(
        name
        for name in available_timezones()
        if "/" in name and not name.startswith(("Etc/", "posix/", "right/", "SystemV/"))
    ) | {"UTC"}


def check_timezone(name: str) -> None:
    """Accept only IANA zone names: schedules are computed in the site's local time."""
    if name not in timezone_names():
        raise Invalid(
            f"'{name}' is not an IANA timezone",
            {"timezone": ["an IANA name such as Asia/Shanghai"]},
        )


def check_detection(data: dict[str, Any]) -> None:
    """Detection settings given are within their limits; only inactivity_min may be None."""
    for name, (least, most) in DETECTION_LIMITS.items():
        if name not in data or (name == "inactivity_min" and data[name] is None):
            continue
        if data[name] is None or not least <= data[name] <= most:
            raise Invalid(
                f"{name} must be from {least:g} to {most:g}",
                {name: [f"from {least:g} to {most:g}"]},
            )


def check_shifts(data: dict[str, Any]) -> None:
    """Shifts given have distinct starts; they are kept in the order of the day."""
    if "shifts" not in data:
        return
    starts = [shift["start"] for shift in data["shifts"]]
    if len(set(starts)) != len(starts):
        raise Invalid("two shifts start at the same time", {"shifts": ["starts must differ"]})
    data["shifts"] = sorted(
        ({"name": s.get("name") or s["start"], "start": s["start"]} for s in data["shifts"]),
        key=lambda s: s["start"],
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
    check_detection(data)
    check_shifts(data)
    return writes.create(session, Site(org_id=actor.org_id, **data))


def update(
    session: Session, site_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Site:
    """Change or deactivate a site."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_SITES)
    site = get(session, site_id)
    writes.check(precondition, site)
    if "timezone" in data:
        check_timezone(data["timezone"])
    check_detection(data)
    check_shifts(data)
    return writes.update(session, site, data)


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


def zone_counts(session: Session) -> dict[int, int]:
    """Active zones per site the current actor works on, in one query (sites without any are
    absent)."""
    stmt = zones_query({"active": True}).with_only_columns(Zone.site_id, func.count(Zone.id))
    return {site_id: count for site_id, count in session.execute(stmt.group_by(Zone.site_id))}


def get_zone(session: Session, zone_id: int) -> Zone:
    """One zone on the current actor's sites."""
    return access.get_scoped(session, Zone, zone_id, current_actor())


def create_zone(session: Session, data: dict[str, Any]) -> Zone:
    """Add a building or area to a site."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    site_for_write(session, actor, data["site_id"])
    return writes.create(session, Zone(org_id=actor.org_id, **data))


def update_zone(
    session: Session, zone_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Zone:
    """Rename, re-kind or deactivate a zone."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    zone = get_zone(session, zone_id)
    writes.check(precondition, zone)
    return writes.update(session, zone, data)


def site_for_write(session: Session, actor: Actor, site_id: int) -> Site:
    """The active site an actor may add things to."""
    site = session.scalar(select(Site).where(Site.id == site_id, Site.org_id == actor.org_id))
    if site is None or not (actor.all_sites or site.id in actor.site_ids):
        raise Invalid(f"site {site_id} not found", {"site_id": ["unknown site"]})
    if not site.active:
        raise Invalid(f"site {site_id} is deactivated", {"site_id": ["site is deactivated"]})
    return site


def check_zone(session: Session, site_id: int, zone_id: int | None) -> None:
    """A zone, when given, must belong to the same site."""
    if zone_id is None:
        return
    zone = session.get(Zone, zone_id)
    if zone is None or zone.site_id != site_id:
        raise Invalid(
            f"zone {zone_id} is not in site {site_id}", {"zone_id": ["not a zone of this site"]}
        )


def sites_for_assignment(session: Session, actor: Actor, site_ids: list[int]) -> list[Site]:
    """Sites to assign to a user or device; any outside the actor's scope are unknown to them."""
    stmt = select(Site).where(Site.org_id == actor.org_id, Site.id.in_(site_ids))
    if not actor.all_sites:
        stmt = stmt.where(Site.id.in_(actor.site_ids))
    sites = list(session.scalars(stmt))
    missing = set(site_ids) - {s.id for s in sites}
    if missing:
        raise Invalid(
            "unknown site(s)", {"site_ids": [f"unknown site {i}" for i in sorted(missing)]}
        )
    return sites
