"""The console's access table: every page and action, who may use it, how to aim it at a place.

Pages answer a person in a browser: a signed-out visitor is sent to sign in (302), a role
without the page gets 403, another tenant's or site's object is 404, like the API's.
"""

from typing import Any

from sqlalchemy.orm import object_session

from server.testing.factories import Factory
from tests.access.case import EVERYONE, MANAGERS, Target, fixed
from tests.access.page import Page
from tests.access.preferences import PAGES as PREFERENCE_PAGES
from tests.access.report_pages import PAGES as REPORT_PAGES
from tests.access.setup import SETUP_PAGES
from tests.world import Place, World


def alert(attr: str = "alert", action: str = "", form: dict[str, Any] | None = None) -> Target:
    def target(place: Place, world: World) -> tuple[str, dict[str, Any] | None]:
        return f"/console/alerts/{getattr(place, attr).id}{action}", form

    return target


def photo(place: Place, world: World) -> tuple[str, None]:
    return f"/console/photos/{place.photo}/thumbnail.jpg", None


def a_site_card(place: Place, world: World) -> tuple[str, None]:
    return f"/console/today/sites/{place.site.id}", None


def a_round(place: Place, world: World) -> tuple[str, None]:
    return f"/console/rounds/{place.round.id}", None


def report(kind: str) -> Target:
    """An incident or shift note of the place's handheld, made when the row is aimed."""
    data = {
        "incident": {"category": "fire", "severity": "high", "text": "烟味", "photos": []},
        "shift": {"kind": "handover", "note": "交班"},
    }[kind]
    path = {"incident": "incidents", "shift": "shift-notes"}[kind]

    def target(place: Place, world: World) -> tuple[str, None]:
        event = Factory(object_session(place.site)).event(place.device, place.site, kind, data=data)
        return f"/console/field-reports/{path}/{event.id}", None

    return target


def of_site(path: str) -> Target:
    return lambda place, world: (f"{path}?site_id={place.site.id}", None)


def a_record(place: Place, world: World) -> tuple[str, None]:
    return f"/console/inspections/{place.inspection.id}", None


def an_asset(place: Place, world: World) -> tuple[str, None]:
    return f"/console/inspections/assets/{place.asset.id}", None


def ticked(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    return "/console/alerts/acknowledge", {"alert_ids": str(place.alert.id), "note": "on it"}


PAGES = [
    Page("GET", "/console/today", MANAGERS, fixed("/console/today")),
    Page("GET", "/console/today/sites/<id:site_id>", MANAGERS, a_site_card, "site"),
    Page("GET", "/console/alerts", MANAGERS, fixed("/console/alerts")),
    # Ticking another site's alert acknowledges nothing: the queue says it was skipped.
    Page("POST", "/console/alerts/acknowledge", MANAGERS, ticked, success=302),
    Page("GET", "/console/alerts/<id:alert_id>", MANAGERS, alert(), "site"),
    Page(
        "POST",
        "/console/alerts/<id:alert_id>/acknowledge",
        MANAGERS,
        alert(action="/acknowledge", form={"note": "on it"}),
        "site",
        302,
    ),
    Page(
        "POST",
        "/console/alerts/<id:alert_id>/resolve",
        MANAGERS,
        alert(action="/resolve", form={"note": "gate fixed"}),
        "site",
        302,
    ),
    Page(
        "POST",
        "/console/alerts/<id:alert_id>/reopen",
        MANAGERS,
        alert("resolved_alert", "/reopen", {"note": "back again"}),
        "site",
        302,
    ),
    Page("GET", "/console/rounds", MANAGERS, fixed("/console/rounds")),
    Page("GET", "/console/rounds/<id:round_id>", MANAGERS, a_round, "site"),
    Page("GET", "/console/inspections", MANAGERS, of_site("/console/inspections"), "site"),
    Page("GET", "/console/inspections/<id:record_id>", MANAGERS, a_record, "site"),
    Page("GET", "/console/inspections/assets/<id:asset_id>", MANAGERS, an_asset, "site"),
    Page("GET", "/console/scans", MANAGERS, of_site("/console/scans"), "site"),
    Page("GET", "/console/scans.csv", MANAGERS, of_site("/console/scans.csv"), "site"),
    Page("GET", "/console/field-reports", MANAGERS, of_site("/console/field-reports"), "site"),
    Page(
        "GET",
        "/console/field-reports/incidents/<id:event_id>",
        MANAGERS,
        report("incident"),
        "site",
    ),
    Page(
        "GET",
        "/console/field-reports/shift-notes/<id:event_id>",
        MANAGERS,
        report("shift"),
        "site",
    ),
    Page(
        "GET",
        "/console/photos/<sha256:sha256>/<any(thumbnail, display):size>.jpg",
        MANAGERS,
        photo,
        "site",
    ),
    Page("POST", "/console/sign-out", EVERYONE, fixed("/console/sign-out"), success=302),
    # Unknown console paths are a page saying so, for anyone signed in.
    Page("GET", "/console/<path:anything>", EVERYONE, fixed("/console/no-such-page"), success=404),
]
PAGES += SETUP_PAGES
PAGES += PREFERENCE_PAGES
PAGES += REPORT_PAGES
# Open to anyone: the way in, the language switch, the console's front door.
PUBLIC_PAGES = {
    ("GET", "/console/sign-in"),
    ("POST", "/console/sign-in"),
    ("GET", "/console/language/<code>"),
    ("GET", "/console/"),
    ("GET", "/console/static/<path:filename>"),
}
