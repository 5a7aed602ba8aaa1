"""Patrol routes: which checkpoints a round visits, in what order, with what tasks."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import current_actor
from server.domain.errors import Invalid
from server.domain.listing import name_filter
from server.domain.models import Checkpoint, PatrolRoute, RouteStop
from server.domain.patrol import rounds_ahead
from server.domain.registry import sites
from server.domain.writes import Precondition

SORTABLE = ("name", "site_id", "created_at", "updated_at")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Routes on the current actor's sites."""
    stmt = access.scoped(select(PatrolRoute), PatrolRoute, current_actor())
    for name in ("site_id", "active"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(PatrolRoute, name) == filters[name])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], PatrolRoute.name))
    return stmt


def get(session: Session, route_id: int) -> PatrolRoute:
    """One route on the current actor's sites."""
    return access.get_scoped(session, PatrolRoute, route_id, current_actor())


def _stops(session: Session, site_id: int, raw: list[dict[str, Any]]) -> list[RouteStop]:
    """Stops numbered in list order; each checkpoint must be an active one of the route's site."""
    if not raw:
        raise Invalid("a route needs at least one checkpoint", {"stops": ["give the checkpoints"]})
    ids = {s["checkpoint_id"] for s in raw}
    found = set(
        session.scalars(
            select(Checkpoint.id).where(
                Checkpoint.id.in_(ids), Checkpoint.site_id == site_id, Checkpoint.active
            )
        )
    )
    unknown = sorted(ids - found)
    if unknown:
        raise Invalid(
            "checkpoints must be active checkpoints of the route's site",
            {"stops": [f"checkpoint {i}: not an active checkpoint of this site" for i in unknown]},
        )
    return [RouteStop(position=n, **stop) for n, stop in enumerate(raw, start=1)]


# Every rule a stop holds, so the audit trail shows a changed tolerance or photo requirement too.
STOP_RULES = (
    "checkpoint_id",
    "offset_min",
    "tolerance_min",
    "require_photo",
    "require_note",
    "min_gap_s",
    "optional",
)


def _stop_list(route: PatrolRoute) -> list[dict[str, Any]]:
    return [{name: getattr(s, name) for name in STOP_RULES} for s in route.stops]


def create(session: Session, data: dict[str, Any]) -> PatrolRoute:
    """Add a route to a site (admin, supervisor)."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    sites.site_for_write(session, actor, data["site_id"])
    data = dict(data)
    route = PatrolRoute(org_id=actor.org_id, **{k: v for k, v in data.items() if k != "stops"})
    route.stops = _stops(session, data["site_id"], data["stops"])
    session.add(route)
    writes.flush(session)  # the stops' defaults filled in, for the audit trail
    return writes.create(session, route, {"stops": _stop_list(route)})


def update(
    session: Session, route_id: int, data: dict[str, Any], precondition: Precondition = None
) -> PatrolRoute:
    """Change a route; stops, when given, replace the list. Rounds already begun keep theirs."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    route = get(session, route_id)
    writes.check(precondition, route)
    data = dict(data)
    extra = None
    if "stops" in data:
        before = _stop_list(route)
        route.stops = []
        writes.flush(session)  # old positions go before new ones take their numbers
        route.stops = _stops(session, route.site_id, data.pop("stops"))
        writes.flush(session)
        if before != _stop_list(route):
            extra = {"stops": [before, _stop_list(route)]}
    writes.update(session, route, data, extra)
    rounds_ahead.refresh_future(session, route)
    return route
