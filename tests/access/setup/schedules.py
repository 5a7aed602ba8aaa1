"""Console access rows: schedules (the list and builder, the live preview, a schedule's page,
its edit, pause, resume, end and start again)."""

from typing import Any

from tests.access.case import MANAGERS, Target
from tests.access.page import Page
from tests.world import Place, World

STATES = "/console/schedules/<id:schedule_id>/<any(pause, resume, end, restore):action>"


def form(place: Place, **more: Any) -> dict[str, Any]:
    """A night patrol of the place's route, as the builder sends it."""
    return {
        "site_id": str(place.site.id),
        "name": "夜巡 access",
        "route_id": str(place.route.id),
        "shape": "daily",
        "hours": ["22", "0", "2", "4"],
        "minute": "0",
        "starts": "2026-12-01",
        "gap_policy": "shift",
        "window_min": "60",
    } | more


def of_site(place: Place, world: World) -> tuple[str, None]:
    return f"/console/schedules?site_id={place.site.id}", None


def posted(path: str) -> Target:
    return lambda place, world: (path, form(place))


def schedule(action: str = "", with_form: bool = False) -> Target:
    def target(place: Place, world: World) -> tuple[str, dict[str, Any] | None]:
        return f"/console/schedules/{place.schedule.id}{action}", form(place) if with_form else None

    return target


PAGES = [
    Page("GET", "/console/schedules", MANAGERS, of_site, "site"),
    Page("POST", "/console/schedules", MANAGERS, posted("/console/schedules"), "site", 302),
    Page(
        "POST", "/console/schedules/preview", MANAGERS, posted("/console/schedules/preview"), "site"
    ),
    Page("GET", "/console/schedules/<id:schedule_id>", MANAGERS, schedule(), "site"),
    Page(
        "POST",
        "/console/schedules/<id:schedule_id>",
        MANAGERS,
        schedule(with_form=True),
        "site",
        302,
    ),
    Page("POST", STATES, MANAGERS, schedule("/pause"), "site", 302),
]
