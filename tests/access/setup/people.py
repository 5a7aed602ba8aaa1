"""Console access rows: people (the list, a person, create, change, password, deactivation).

Writes are admin-only, as the API's: a supervisor gets 403 before any object is looked at,
so those rows carry no site scope; tests/web/test_people_setup.py proves another tenant's
person is not found (404) by an admin.
"""

import itertools
from typing import Any

from tests.access.case import MANAGERS, ONLY_ADMIN
from tests.access.page import Page
from tests.world import Place, World

_logins = itertools.count(1)


def of_site(place: Place, world: World) -> tuple[str, None]:
    return f"/console/people?site_id={place.site.id}", None


def new_person(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {
        "name": "新保安",
        "login": f"access-new-{next(_logins)}",
        "role": "guard",
        "site_ids": str(place.site.id),
        "person_tags": "",
        "password": "",
    }
    return "/console/people/new", form


def the_guard(action: str = "", form: dict[str, Any] | None = None) -> Any:
    def target(place: Place, world: World) -> tuple[str, dict[str, Any] | None]:
        return f"/console/people/{place.guard.id}{action}", form

    return target


def edit_form(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    guard = place.guard
    form = {
        "name": "改名",
        "login": guard.login,
        "role": "guard",
        "site_ids": str(place.site.id),
        "person_tags": "",
    }
    return f"/console/people/{guard.id}/edit", form


PAGES = [
    Page("GET", "/console/people", MANAGERS, of_site, "site"),
    Page("POST", "/console/people/new", ONLY_ADMIN, new_person, success=201),
    Page("GET", "/console/people/<id:user_id>", MANAGERS, the_guard(), "site"),
    Page("POST", "/console/people/<id:user_id>/edit", ONLY_ADMIN, edit_form, success=302),
    Page("POST", "/console/people/<id:user_id>/password", ONLY_ADMIN, the_guard("/password", {})),
    Page(
        "POST",
        "/console/people/<id:user_id>/deactivate",
        ONLY_ADMIN,
        the_guard("/deactivate", {}),
        success=302,
    ),
    Page(
        "POST",
        "/console/people/<id:user_id>/reactivate",
        ONLY_ADMIN,
        the_guard("/reactivate", {}),
        success=302,
    ),
]
