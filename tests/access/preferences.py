"""Console access rows: My notifications (everyone's own) and a person's (an admin's).

A supervisor gets 403 on another person's before any object is looked at, so those rows carry
no site scope; tests/web/test_preferences_pages.py proves another tenant's person is not found.
"""

from typing import Any

from tests.access.case import EVERYONE, ONLY_ADMIN, fixed
from tests.access.page import Page
from tests.world import Place, World

FORM = {"email": "", "language": "en", "timezone": "Asia/Shanghai", "digest_at": "08:00"}


def the_guards(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    return f"/console/people/{place.guard.id}/notifications", FORM


PAGES = [
    Page("GET", "/console/me/notifications", EVERYONE, fixed("/console/me/notifications")),
    Page(
        "POST",
        "/console/me/notifications",
        EVERYONE,
        fixed("/console/me/notifications", FORM),
        success=302,
    ),
    Page("GET", "/console/people/<id:user_id>/notifications", ONLY_ADMIN, the_guards),
    Page("POST", "/console/people/<id:user_id>/notifications", ONLY_ADMIN, the_guards, success=302),
]
