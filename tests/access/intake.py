"""What comes in from the field: enrollment codes for handhelds, photos, wand imports, and the
scan log of what the handhelds reported."""

import hashlib
import io
from functools import cache

from PIL import Image

from tests.access.case import INSPECT, MANAGERS, ONLY_ADMIN, Case, create, fixed


@cache
def png() -> bytes:
    """A photo someone takes to attach to a resolution or a record."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 140, 60)).save(buffer, "PNG")
    return buffer.getvalue()


INTAKE = [
    Case("GET", "/api/v1/enrollment-codes", MANAGERS, fixed("/api/v1/enrollment-codes")),
    # Lists: another site's or tenant's events are simply absent (tests/events).
    Case("GET", "/api/v1/events", MANAGERS, fixed("/api/v1/events")),
    Case("GET", "/api/v1/events.csv", MANAGERS, fixed("/api/v1/events.csv")),
    Case(
        "POST",
        "/api/v1/enrollment-codes",
        MANAGERS,
        create("enrollment-codes", lambda p: {"site_id": p.site.id}),
        "site",
    ),
    Case(
        "POST",
        "/api/v1/enrollment-codes/<id:code_id>/revoke",
        MANAGERS,
        lambda p, w: (f"/api/v1/enrollment-codes/{p.enrollment_code.id}/revoke", None),
        "site",
        success=200,
        outsider=404,
    ),
    Case(
        "GET",
        "/api/v1/photos/<sha256:sha256>/<any(thumbnail, display):size>.jpg",
        MANAGERS,
        lambda p, w: (f"/api/v1/photos/{p.photo}/thumbnail.jpg", None),
        "site",
    ),
    Case(
        "GET",
        "/api/v1/photos/<sha256:sha256>/original",
        ONLY_ADMIN,
        lambda p, w: (f"/api/v1/photos/{p.photo}/original", None),
        "site",
    ),
    # People upload photos as handhelds do; a new one is 201 (the same bytes again, 200).
    Case(
        "PUT",
        "/api/v1/photos/<sha256:sha256>",
        INSPECT,
        lambda p, w: (f"/api/v1/photos/{hashlib.sha256(png()).hexdigest()}", png()),
        success=201,
        upload="image/png",
    ),
    Case(
        "POST",
        "/api/v1/wand-imports",
        MANAGERS,
        lambda p, w: (
            "/api/v1/wand-imports",
            {
                "site_id": str(p.site.id),
                "wand_serial": "W1",
                "file": (io.BytesIO(b"Tag,Time\n0100000000000001,2026-11-21 22:00:00\n"), "x.csv"),
            },
        ),
        "site",
        success=200,
        multipart=True,
    ),
]
