"""Console access rows: checkpoints and equipment, and the import from a sheet."""

import io
from typing import Any

from server.settings import TEST_OVERRIDES
from server.web.checkpoints.importing import seal_with
from server.web.checkpoints.sheet import Row
from tests.access.case import MANAGERS, Target, fixed
from tests.access.page import Page
from tests.world import Place, World


def of_site(path: str, form: dict[str, Any] | None = None) -> Target:
    return lambda place, world: (f"{path}?site_id={place.site.id}", form)


def checkpoint(action: str = "", form: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"/console/checkpoints/{p.checkpoint.id}{action}", form)


def asset(action: str = "", form: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"/console/checkpoints/equipment/{p.asset.id}{action}", form)


def renamed(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {"name": "改名", "code": place.checkpoint.code, "active": "true"}
    return f"/console/checkpoints/{place.checkpoint.id}", form


def asset_renamed(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {"kind": "generator", "name": "改名", "code": place.asset.code, "active": "true"}
    return f"/console/checkpoints/equipment/{place.asset.id}", form


def sheet(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    upload = (io.BytesIO("名称,编号\n北门,N-1\n".encode()), "points.csv")
    return f"/console/checkpoints/import?site_id={place.site.id}", {"sheet": upload}


def confirmed(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    rows = [Row(2, {"name": "北门", "code": "N-1"})]
    sealed = seal_with(TEST_OVERRIDES["SECRET_KEY"], place.site.id, "points.csv", rows)
    return "/console/checkpoints/import/confirm", {"sheet": sealed}


NEW = "/console/checkpoints/new"
NEW_ASSET = "/console/checkpoints/equipment/new"
ONE = "/console/checkpoints/<id:checkpoint_id>"
ONE_ASSET = "/console/checkpoints/equipment/<id:asset_id>"
IMPORT = "/console/checkpoints/import"

PAGES = [
    Page("GET", "/console/checkpoints", MANAGERS, fixed("/console/checkpoints")),
    Page("GET", NEW, MANAGERS, of_site(NEW), "site"),
    Page("POST", NEW, MANAGERS, of_site(NEW, {"name": "北门", "code": "N-1"}), "site", 302),
    Page("GET", ONE, MANAGERS, checkpoint(), "site"),
    Page("POST", ONE, MANAGERS, renamed, "site", 302),
    Page("POST", f"{ONE}/deactivate", MANAGERS, checkpoint("/deactivate", {}), "site", 302),
    Page("GET", IMPORT, MANAGERS, of_site(IMPORT), "site"),
    Page("POST", IMPORT, MANAGERS, sheet, "site"),  # the preview
    Page("POST", f"{IMPORT}/confirm", MANAGERS, confirmed, "site", 302),
    Page("GET", NEW_ASSET, MANAGERS, of_site(NEW_ASSET), "site"),
    Page(
        "POST",
        NEW_ASSET,
        MANAGERS,
        of_site(NEW_ASSET, {"kind": "ups", "name": "UPS", "code": "U-1"}),
        "site",
        302,
    ),
    Page("GET", ONE_ASSET, MANAGERS, asset(), "site"),
    Page("POST", ONE_ASSET, MANAGERS, asset_renamed, "site", 302),
    Page("POST", f"{ONE_ASSET}/deactivate", MANAGERS, asset("/deactivate", {}), "site", 302),
]
