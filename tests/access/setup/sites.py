"""Console access rows: sites and zones.

A site's own settings are an admin's (access.MANAGE_SITES), so a supervisor is refused them by
role (403) before any site is looked at; these rows carry no site scope, and
tests/web/test_sites_setup.py shows another tenant's admin gets 404 from them.
"""

from typing import Any

from tests.access.case import MANAGERS, ONLY_ADMIN, Target, fixed
from tests.access.page import Page
from tests.world import Place, World

SETTINGS = {
    "name": "湖畔花园 二期",
    "address": "",
    "timezone": "Asia/Shanghai",
    "inactivity_min": "60",
    "max_speed_mps": "3.5",
    "twin_window_s": "60",
    "geofence_radii": "2",
    "default_grace_min": "15",
}


def site(action: str = "", form: dict[str, Any] | None = None) -> Target:
    def target(place: Place, world: World) -> tuple[str, dict[str, Any] | None]:
        return f"/console/sites/{place.site.id}{action}", form

    return target


def zone(action: str, form: dict[str, Any]) -> Target:
    def target(place: Place, world: World) -> tuple[str, dict[str, Any]]:
        return f"/console/sites/zones/{place.zone.id}{action}", form

    return target


PAGES = [
    Page("GET", "/console/sites", MANAGERS, fixed("/console/sites")),
    Page(
        "POST",
        "/console/sites/new",
        ONLY_ADMIN,
        fixed("/console/sites/new", {"name": "新项目", "timezone": "Asia/Shanghai"}),
        success=302,
    ),
    Page("GET", "/console/sites/<id:site_id>", MANAGERS, site(), "site"),
    Page(
        "POST",
        "/console/sites/<id:site_id>/settings",
        ONLY_ADMIN,
        site("/settings", SETTINGS),
        success=302,
    ),
    Page(
        "POST",
        "/console/sites/<id:site_id>/active",
        ONLY_ADMIN,
        site("/active", {"active": "false"}),
        success=302,
    ),
    Page(
        "POST",
        "/console/sites/<id:site_id>/zones",
        MANAGERS,
        site("/zones", {"name": "三号楼", "kind": "building"}),
        "site",
        302,
    ),
    Page(
        "POST",
        "/console/sites/zones/<id:zone_id>",
        MANAGERS,
        zone("", {"name": "三号楼 东", "kind": "floor"}),
        "site",
        302,
    ),
    Page(
        "POST",
        "/console/sites/zones/<id:zone_id>/active",
        MANAGERS,
        zone("/active", {"active": "false"}),
        "site",
        302,
    ),
]
