"""Console access rows: handhelds (enroll by QR code, the list, revoke)."""

from tests.access.case import MANAGERS
from tests.access.page import Page
from tests.world import Place, World


def of_site(place: Place, world: World) -> tuple[str, None]:
    return f"/console/handhelds?site_id={place.site.id}", None


def new_code(place: Place, world: World) -> tuple[str, dict[str, str]]:
    # Another tenant's or site's site is refused as unknown (422), as the API's create is:
    # tests/web/test_handhelds_setup.py proves it.
    return "/console/handhelds/codes", {"site_id": str(place.site.id), "ttl_minutes": "30"}


def a_code(action: str = "") -> object:
    return lambda place, world: (f"/console/handhelds/codes/{place.enrollment_code.id}{action}", {})


def the_device(place: Place, world: World) -> tuple[str, dict[str, str]]:
    return f"/console/handhelds/{place.device.id}/revoke", {}


PAGES = [
    Page("GET", "/console/handhelds", MANAGERS, of_site, "site"),
    Page("POST", "/console/handhelds/codes", MANAGERS, new_code, success=201),
    Page("GET", "/console/handhelds/codes/<id:code_id>", MANAGERS, a_code(), "site"),
    Page(
        "POST",
        "/console/handhelds/codes/<id:code_id>/revoke",
        MANAGERS,
        a_code("/revoke"),
        "site",
        302,
    ),
    Page("POST", "/console/handhelds/<id:device_id>/revoke", MANAGERS, the_device, "site", 302),
]
