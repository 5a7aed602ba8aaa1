"""Field reports: incidents and shift notes from the handhelds, read by admins and supervisors."""

from typing import Any

from sqlalchemy.orm import object_session

from server.testing.factories import Factory
from tests.access.case import MANAGERS, Case, Target, fixed
from tests.world import Place, World

INCIDENT = {"category": "water_leak", "severity": "high", "text": "水管漏水", "photos": []}
SHIFT = {"kind": "handover", "note": "东门锁坏了"}


def reported(collection: str, kind: str, data: dict[str, Any]) -> Target:
    """A report of the place's handheld, made on the spot: the world holds none of its own."""

    def target(place: Place, world: World) -> tuple[str, None]:
        make = Factory(object_session(place.site))
        event = make.event(place.device, place.site, kind, data=data, user_id=place.guard.id)
        return f"/api/v1/{collection}/{event.id}", None

    return target


FIELD_REPORTS = [
    # Lists: another site's or tenant's reports are simply absent (tests/field_reports).
    Case("GET", "/api/v1/incidents", MANAGERS, fixed("/api/v1/incidents")),
    Case(
        "GET",
        "/api/v1/incidents/<id:incident_id>",
        MANAGERS,
        reported("incidents", "incident", INCIDENT),
        "site",
    ),
    Case("GET", "/api/v1/shift-notes", MANAGERS, fixed("/api/v1/shift-notes")),
    Case(
        "GET",
        "/api/v1/shift-notes/<id:note_id>",
        MANAGERS,
        reported("shift-notes", "shift", SHIFT),
        "site",
    ),
]
