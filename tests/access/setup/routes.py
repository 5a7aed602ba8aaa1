"""Console access rows: routes (a site's list, creating one, the editor and saving it)."""

from typing import Any

from tests.access.case import MANAGERS
from tests.access.page import Page
from tests.world import Place, World


def of_site(place: Place, world: World) -> tuple[str, None]:
    return f"/console/routes?site_id={place.site.id}", None


def new_route(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {"site_id": str(place.site.id), "name": "新路线 New route", "order": "any"}
    return "/console/routes", form | {"checkpoint_ids": str(place.checkpoint.id)}


def editor(place: Place, world: World) -> tuple[str, None]:
    return f"/console/routes/{place.route.id}", None


def saved(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    key = "1"
    form = {"name": "Renamed", "order": "strict", "active": "true", "stop": key}
    return f"/console/routes/{place.route.id}", form | {
        f"s{key}-checkpoint_id": str(place.checkpoint.id),
        f"s{key}-tolerance_min": "5",
    }


PAGES = [
    Page("GET", "/console/routes", MANAGERS, of_site, "site"),
    Page("POST", "/console/routes", MANAGERS, new_route, "site", 302),
    Page("GET", "/console/routes/<id:route_id>", MANAGERS, editor, "site"),
    Page("POST", "/console/routes/<id:route_id>", MANAGERS, saved, "site", 302),
]
