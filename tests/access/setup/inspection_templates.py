"""Console access rows: inspection templates, asset limits and inspection schedules.

Templates belong to the tenant, not to a site: their rows have no site scope (a supervisor of
one site edits the tenant's forms, as through the API), and another tenant's template is
refused in tests/web/test_inspection_templates_setup.py.
"""

from typing import Any

from tests.access.case import MANAGERS, Target, fixed
from tests.access.page import Page
from tests.world import Place, World

ROOT = "/console/inspection-templates"
LIMIT = f"{ROOT}/assets/<id:asset_id>/limits/<string(maxlength=40):item_key>"
SCHEDULE = f"{ROOT}/schedules/<id:schedule_id>"


def template(attr: str = "template", form: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"{ROOT}/{getattr(p, attr).id}", form)


def clone(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    return f"{ROOT}/new", {"from": str(place.template.id), "code": "copied", "name": "Copy"}


def limits(action: str = "", form: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"{ROOT}/assets/{p.asset.id}/limits{action}", form)


def schedules(form: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"{ROOT}/schedules?site_id={p.site.id}", form)


def schedule(action: str = "", form: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"{ROOT}/schedules/{p.inspection_schedule.id}{action}", form)


def new_schedule(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {"asset_id": place.asset.id, "template_id": place.spare_template.id, "most": "30"}
    return f"{ROOT}/schedules?site_id={place.site.id}", form


SAVE = {
    "name": "Renamed",
    "active": "true",
    "section": "s0",
    "s-s0-was": "main",
    "s-s0-key": "main",
    "s-s0-title_en": "Main",
    "row": "r0",
    "r-r0-was": "temp_c",
    "r-r0-section": "s0",
    "r-r0-key": "temp_c",
    "r-r0-type": "number",
    "r-r0-label_en": "Temperature",
    "r-r0-required": "true",
    "r-r0-warning_high": "75",
    "op": "save",
}
WHEN = {"most": "20", "spacing_unit": "days", "active": "true"}

PAGES = [
    Page("GET", ROOT, MANAGERS, fixed(ROOT)),
    Page("GET", f"{ROOT}/new", MANAGERS, fixed(f"{ROOT}/new?starter=generator_weekly")),
    Page("POST", f"{ROOT}/new", MANAGERS, clone, success=302),
    Page("GET", f"{ROOT}/<id:template_id>", MANAGERS, template()),
    Page("POST", f"{ROOT}/<id:template_id>", MANAGERS, template(form=SAVE), success=302),
    Page("GET", f"{ROOT}/assets/<id:asset_id>/limits", MANAGERS, limits(), "site"),
    Page(
        "POST",
        LIMIT,
        MANAGERS,
        limits("/temp_c", {"warning_high": "72", "note": "maker"}),
        "site",
        302,
    ),
    Page("POST", f"{LIMIT}/clear", MANAGERS, limits("/temp_c/clear"), "site", 302),
    Page("GET", f"{ROOT}/schedules", MANAGERS, schedules(), "site"),
    Page("POST", f"{ROOT}/schedules", MANAGERS, new_schedule, "site", 302),
    Page("GET", SCHEDULE, MANAGERS, schedule(), "site"),
    Page("POST", SCHEDULE, MANAGERS, schedule(form=WHEN), "site", 302),
    Page(
        "POST", f"{SCHEDULE}/pause", MANAGERS, schedule("/pause", {"paused": "true"}), "site", 302
    ),
]
