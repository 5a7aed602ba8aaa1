"""Console access rows: wand_imports. The check takes a file; the import takes a check the
page carried back (signed with the tests' secret), each aimed at a place's site."""

import io
from typing import Any

from server.settings import TEST_OVERRIDES
from server.web.wand_imports import carry
from tests.access.case import MANAGERS
from tests.access.page import Page
from tests.wand_exports import text
from tests.world import Place, World

EXPORT = text(("Wand", "Tag ID", "Time"), [("W-ACCESS", "01000000CCCC0001", "2026/11/21 22:03")])


def the_form(place: Place, world: World) -> tuple[str, None]:
    return f"/console/wand-imports?site_id={place.site.id}", None


def a_check(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    upload = (io.BytesIO(EXPORT), "export.csv")
    return "/console/wand-imports/preview", {"site_id": str(place.site.id), "file": upload}


def an_import(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    checked = carry.Checked(place.site.id, "export.csv", {}, EXPORT)
    token, content = carry.seal(TEST_OVERRIDES["SECRET_KEY"], checked)
    return "/console/wand-imports/import", {"token": token, "content": content}


PAGES = [
    Page("GET", "/console/wand-imports", MANAGERS, the_form, "site"),
    Page("POST", "/console/wand-imports/preview", MANAGERS, a_check, "site", 200),
    Page("POST", "/console/wand-imports/import", MANAGERS, an_import, "site", 302),
]
