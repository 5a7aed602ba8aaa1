"""Console access rows: the report pages (the API's are in tests/access/reports.py)."""

from typing import Any

from tests.access.case import MANAGERS
from tests.access.page import Page
from tests.world import Place, World

ITEM = "/console/reports/<id:report_id>"


def of_site(place: Place, world: World) -> tuple[str, None]:
    return f"/console/reports?site_id={place.site.id}", None


def ask_form(place: Place, world: World) -> tuple[str, None]:
    return f"/console/reports/new?site_id={place.site.id}", None


def asked(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    """Asking for the place's made report again: its page (302). Another site's is refused in
    the form (422), as unknown as a made-up one."""
    form = {"site_id": place.site.id, "kind": "daily_activity", "day": "2026-12-01"}
    return "/console/reports/new", form | {"shift": "20:00", "language": "zh", "format": "pdf"}


def at(suffix: str = ""):
    return lambda place, world: (f"/console/reports/{place.report.id}{suffix}", None)


PAGES = [
    Page("GET", "/console/reports", MANAGERS, of_site, "site"),
    Page("GET", "/console/reports/new", MANAGERS, ask_form, "site"),
    Page("POST", "/console/reports/new", MANAGERS, asked, success=302),
    Page("GET", ITEM, MANAGERS, at(), "site"),
    Page("GET", f"{ITEM}/file", MANAGERS, at("/file"), "site"),
]
