"""Console access rows: tags (the API's MANAGE_REGISTRY roles on every page and action)."""

from typing import Any

from sqlalchemy.orm import object_session

from server.testing.factories import Factory
from tests.access.case import MANAGERS
from tests.access.page import Page
from tests.world import Place, World


def of_site(path: str) -> Any:
    return lambda place, world: (f"{path}?site_id={place.site.id}", None)


def of_tag(action: str = "", form: dict[str, Any] | None = None) -> Any:
    return lambda place, world: (f"/console/tags/{place.tag.id}{action}", form)


def untagged(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    """A checkpoint made when the row is aimed: the place's own already has its tag."""
    checkpoint = Factory(object_session(place.site)).checkpoint(place.site)
    return "/console/tags/issue", {"site_id": place.site.id, "checkpoint_id": checkpoint.id}


def sheet(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {"site_id": place.site.id, "which": "all", "layout": "small", "paper": "a4", "do": "pdf"}
    return "/console/tags/print", form


PAGES = [
    Page("GET", "/console/tags", MANAGERS, of_site("/console/tags"), "site"),
    Page("POST", "/console/tags/issue", MANAGERS, untagged, "site", 302),
    Page("GET", "/console/tags/<id:tag_id>", MANAGERS, of_tag(), "site"),
    Page(
        "POST",
        "/console/tags/<id:tag_id>/reissue",
        MANAGERS,
        of_tag("/reissue", {"reason": "torn"}),
        "site",
        302,
    ),
    Page(
        "POST",
        "/console/tags/<id:tag_id>/revoke",
        MANAGERS,
        of_tag("/revoke", {"reason": "lost", "confirm": "yes"}),
        "site",
        302,
    ),
    Page("GET", "/console/tags/<id:tag_id>/image.png", MANAGERS, of_tag("/image.png"), "site"),
    Page("GET", "/console/tags/<id:tag_id>/image.svg", MANAGERS, of_tag("/image.svg"), "site"),
    Page("GET", "/console/tags/<id:tag_id>/label.pdf", MANAGERS, of_tag("/label.pdf"), "site"),
    Page("GET", "/console/tags/print", MANAGERS, of_site("/console/tags/print"), "site"),
    Page("POST", "/console/tags/print", MANAGERS, sheet, "site"),
]
