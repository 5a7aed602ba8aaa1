"""The access table: every protected endpoint, who may call it, and how to aim it at a place."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.world import Place, World

ADMIN, SUP, GUARD, ENG = "admin", "supervisor", "guard", "engineer"
EVERYONE = frozenset({ADMIN, SUP, GUARD, ENG})
MANAGERS = frozenset({ADMIN, SUP})
ONLY_ADMIN = frozenset({ADMIN})
INSPECT = frozenset({ADMIN, SUP, ENG})
NOBODY: frozenset[str] = frozenset()
SUCCESS = {"GET": 200, "POST": 201, "PATCH": 200, "DELETE": 204}

# Endpoints anyone may call, and the pages of the API's own documentation.
PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("GET", "/api/health"),
    ("POST", "/api/v1/device/enroll"),  # the one-time code is the credential
}
# Called by handhelds with a device token; user tokens do not open them.
DEVICE = {
    ("GET", "/api/v1/device/config"),
    ("POST", "/api/v1/device/sync"),
    ("GET", "/api/v1/device/photos/missing"),
    ("POST", "/api/v1/device/photos/missing"),
    ("PUT", "/api/v1/device/photos/<sha256:sha256>"),
}
DOCS = {
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/assets/<path:filename>"),
}

Target = Callable[[Place, World], tuple[str, dict[str, Any] | None]]


@dataclass(frozen=True)
class Case:
    """One endpoint: who may call it, and how to aim it at a place's objects."""

    method: str
    rule: str
    allowed: frozenset[str]
    target: Target
    # "site": bound to a place's site; "tenant": to its organization; None: to nothing.
    scope: str | None = None
    success: int | None = None  # when not the method's usual code
    multipart: bool = False  # the body is a form with a file
    # What an outsider (another tenant, or staff of another site) gets, when not the usual:
    # 404 for an object, 422 for a create naming a site as unknown.
    outsider: int | None = None

    def outsider_code(self) -> int:
        return self.outsider or (422 if self.method == "POST" else 404)

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"


def fixed(path: str, body: dict[str, Any] | None = None) -> Target:
    return lambda place, world: (path, body)


def _item(collection: str, attr: str, body: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"/api/v1/{collection}/{getattr(p, attr).id}", body)


def _create(collection: str, body: Callable[[Place], dict[str, Any]]) -> Target:
    return lambda p, w: (f"/api/v1/{collection}", body(p))


def _registry(collection: str, attr: str, body: Callable[[Place], dict[str, Any]]) -> list[Case]:
    rule = f"/api/v1/{collection}"
    item = f"{rule}/<id:{attr}_id>"
    return [
        Case("GET", rule, EVERYONE, fixed(rule)),
        Case("POST", rule, MANAGERS, _create(collection, body), "site"),
        Case("GET", item, EVERYONE, _item(collection, attr), "site"),
        Case("PATCH", item, MANAGERS, _item(collection, attr, {"name": "Renamed"}), "site"),
    ]


def _org_item(body: dict[str, Any] | None = None) -> Target:
    return lambda p, w: (f"/api/v1/organizations/{p.site.org_id}", body)


CASES = [
    Case("DELETE", "/api/v1/auth/token", EVERYONE, fixed("/api/v1/auth/token")),
    Case("GET", "/api/v1/auth/me", EVERYONE, fixed("/api/v1/auth/me")),
    Case(
        "POST",
        "/api/v1/auth/password",
        EVERYONE,
        fixed(
            "/api/v1/auth/password",
            {"current_password": "correct horse battery", "new_password": "a new long password"},
        ),
        success=204,
    ),
    Case("GET", "/api/v1/organizations", EVERYONE, fixed("/api/v1/organizations")),
    Case("POST", "/api/v1/organizations", NOBODY, fixed("/api/v1/organizations", {"name": "T"})),
    Case("GET", "/api/v1/organizations/<id:org_id>", EVERYONE, _org_item(), "tenant"),
    Case(
        "PATCH",
        "/api/v1/organizations/<id:org_id>",
        ONLY_ADMIN,
        _org_item({"name": "Renamed tenant"}),
        "tenant",
    ),
    Case("GET", "/api/v1/sites", EVERYONE, fixed("/api/v1/sites")),
    Case(
        "POST",
        "/api/v1/sites",
        ONLY_ADMIN,
        fixed("/api/v1/sites", {"name": "New", "timezone": "Asia/Shanghai"}),
    ),
    Case("GET", "/api/v1/sites/<id:site_id>", EVERYONE, _item("sites", "site"), "site"),
    Case(
        "PATCH",
        "/api/v1/sites/<id:site_id>",
        ONLY_ADMIN,
        _item("sites", "site", {"name": "Renamed"}),
        "site",
    ),
    *_registry("zones", "zone", lambda p: {"site_id": p.site.id, "name": "Z", "kind": "floor"}),
    *_registry(
        "checkpoints", "checkpoint", lambda p: {"site_id": p.site.id, "name": "C", "code": "NEW-1"}
    ),
    *_registry(
        "assets",
        "asset",
        lambda p: {"site_id": p.site.id, "name": "UPS", "kind": "ups", "code": "U1"},
    ),
    Case("GET", "/api/v1/users", MANAGERS, fixed("/api/v1/users")),
    Case(
        "POST",
        "/api/v1/users",
        ONLY_ADMIN,
        _create(
            "users",
            lambda p: {
                "name": "N",
                "login": "new.guard",
                "role": "guard",
                "password": "long enough password",
                "site_ids": [p.site.id],
            },
        ),
        "site",
    ),
    Case("GET", "/api/v1/users/<id:user_id>", MANAGERS, _item("users", "guard"), "site"),
    Case(
        "PATCH",
        "/api/v1/users/<id:user_id>",
        ONLY_ADMIN,
        _item("users", "guard", {"name": "Renamed"}),
        "site",
    ),
    Case("GET", "/api/v1/devices", MANAGERS, fixed("/api/v1/devices")),
    Case(
        "POST",
        "/api/v1/devices",
        MANAGERS,
        _create("devices", lambda p: {"serial": "NEW-SN", "site_ids": [p.site.id]}),
        "site",
    ),
    Case("GET", "/api/v1/devices/<id:device_id>", MANAGERS, _item("devices", "device"), "site"),
    Case(
        "PATCH",
        "/api/v1/devices/<id:device_id>",
        MANAGERS,
        _item("devices", "device", {"label": "Renamed"}),
        "site",
    ),
    Case("GET", "/api/v1/audit-events", MANAGERS, fixed("/api/v1/audit-events")),
    Case("GET", "/api/v1/qr-tags", MANAGERS, fixed("/api/v1/qr-tags")),
    Case(
        "POST",
        "/api/v1/qr-tags",
        MANAGERS,
        _create("qr-tags", lambda p: {"asset_id": p.asset.id}),
        "site",
        outsider=404,
    ),
    Case("GET", "/api/v1/qr-tags/<id:tag_id>", MANAGERS, _item("qr-tags", "tag"), "site"),
    *(
        Case(
            "GET",
            f"/api/v1/qr-tags/<id:tag_id>/{image}",
            MANAGERS,
            lambda p, w, image=image: (f"/api/v1/qr-tags/{p.tag.id}/{image}", None),
            "site",
        )
        for image in ("image.png", "image.svg")
    ),
    Case(
        "POST",
        "/api/v1/qr-tags/<id:tag_id>/reissue",
        MANAGERS,
        lambda p, w: (f"/api/v1/qr-tags/{p.tag.id}/reissue", {"reason": "sticker torn"}),
        "site",
        outsider=404,
    ),
    Case(
        "POST",
        "/api/v1/qr-tags/<id:tag_id>/revoke",
        MANAGERS,
        lambda p, w: (f"/api/v1/qr-tags/{p.tag.id}/revoke", {"reason": "checkpoint moved"}),
        "site",
        success=200,
        outsider=404,
    ),
    Case(
        "POST",
        "/api/v1/qr-tags/verify",
        EVERYONE,
        fixed("/api/v1/qr-tags/verify", {"payload": "V1:C:1:1:1:AAAAAAAAAAAAAAAA"}),
        success=200,
    ),
    Case(
        "GET",
        "/api/v1/label-sheets",
        MANAGERS,
        lambda p, w: (f"/api/v1/label-sheets?site_id={p.site.id}", None),
        "site",
    ),
    Case("GET", "/api/v1/enrollment-codes", MANAGERS, fixed("/api/v1/enrollment-codes")),
    Case(
        "POST",
        "/api/v1/enrollment-codes",
        MANAGERS,
        _create("enrollment-codes", lambda p: {"site_id": p.site.id}),
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
    *_registry(
        "routes",
        "route",
        lambda p: {
            "site_id": p.site.id,
            "name": "New route",
            "stops": [{"checkpoint_id": p.checkpoint.id}],
        },
    ),
    *_registry(
        "schedules",
        "schedule",
        lambda p: {
            "route_id": p.route.id,
            "name": "Nightly",
            "rrule": "FREQ=DAILY",
            "start_local": "2026-11-01T22:00",
            "window_min": 60,
        },
    ),
    Case(
        "POST",
        "/api/v1/schedules/preview",
        MANAGERS,
        lambda p, w: (
            "/api/v1/schedules/preview",
            {
                "site_id": p.site.id,
                "rrule": "FREQ=DAILY",
                "start_local": "2026-11-01T22:00",
                "from": "2026-11-20T00:00:00Z",
                "to": "2026-11-23T00:00:00Z",
            },
        ),
        "site",
        success=200,
    ),
    Case(
        "GET",
        "/api/v1/schedules/<id:schedule_id>/occurrences",
        EVERYONE,
        lambda p, w: (
            f"/api/v1/schedules/{p.schedule.id}/occurrences"
            "?from=2026-11-20T00:00:00Z&to=2026-11-23T00:00:00Z",
            None,
        ),
        "site",
    ),
    Case("GET", "/api/v1/rounds", EVERYONE, fixed("/api/v1/rounds")),
    Case("GET", "/api/v1/rounds/<id:round_id>", EVERYONE, _item("rounds", "round"), "site"),
    Case(
        "GET",
        "/api/v1/rounds/summary",
        EVERYONE,
        lambda p, w: (
            f"/api/v1/rounds/summary?site_id={p.site.id}"
            "&since=2026-11-01T00:00:00Z&until=2026-12-01T00:00:00Z",
            None,
        ),
        "site",
    ),
    Case("GET", "/api/v1/alerts", MANAGERS, fixed("/api/v1/alerts")),
    Case("GET", "/api/v1/alerts/<id:alert_id>", MANAGERS, _item("alerts", "alert"), "site"),
    *[
        Case(
            "POST",
            f"/api/v1/alerts/<id:alert_id>/{action}",
            MANAGERS,
            lambda p, w, action=action, body=body: (f"/api/v1/alerts/{p.alert.id}/{action}", body),
            "site",
            success=200,
            outsider=404,
        )
        for action, body in (
            ("acknowledge", {"comment": "on it"}),
            ("resolve", {"note": "Guard retrained; round re-walked at 23:10"}),
        )
    ],
    Case(
        "POST",
        "/api/v1/alerts/<id:alert_id>/reopen",
        MANAGERS,
        lambda p, w: (f"/api/v1/alerts/{p.resolved_alert.id}/reopen", {"comment": "not fixed"}),
        "site",
        success=200,
        outsider=404,
    ),
    Case("GET", "/api/v1/inspection-templates", EVERYONE, fixed("/api/v1/inspection-templates")),
    Case(
        "POST",
        "/api/v1/inspection-templates",
        MANAGERS,
        fixed(
            "/api/v1/inspection-templates",
            {
                "code": "pump_weekly",
                "name": "Fire pump weekly",
                "definition": {
                    "sections": [
                        {
                            "key": "main",
                            "title": {"en": "Pump", "zh": "水泵"},
                            "items": [
                                {"key": "p_bar", "type": "number", "unit": "bar", "label": "P"}
                            ],
                        }
                    ]
                },
            },
        ),
    ),
    Case(
        "POST",
        "/api/v1/inspection-templates/starters",
        MANAGERS,
        fixed("/api/v1/inspection-templates/starters"),
        success=200,
    ),
    Case(
        "GET",
        "/api/v1/inspection-templates/<id:template_id>",
        EVERYONE,
        _item("inspection-templates", "template"),
        "tenant",
    ),
    Case(
        "PATCH",
        "/api/v1/inspection-templates/<id:template_id>",
        MANAGERS,
        _item("inspection-templates", "template", {"name": "Renamed 改名"}),
        "tenant",
    ),
    Case(
        "GET",
        "/api/v1/inspection-templates/<id:template_id>/versions/<int:version>",
        EVERYONE,
        lambda p, w: (f"/api/v1/inspection-templates/{p.template.id}/versions/1", None),
        "tenant",
    ),
    Case("GET", "/api/v1/inspection-schedules", EVERYONE, fixed("/api/v1/inspection-schedules")),
    Case(
        "POST",
        "/api/v1/inspection-schedules",
        MANAGERS,
        lambda p, w: (
            "/api/v1/inspection-schedules",
            {"asset_id": p.asset.id, "template_id": p.spare_template.id, "max_days": 40},
        ),
        "site",
    ),
    Case(
        "GET",
        "/api/v1/inspection-schedules/<id:schedule_id>",
        EVERYONE,
        _item("inspection-schedules", "inspection_schedule"),
        "site",
    ),
    Case(
        "PATCH",
        "/api/v1/inspection-schedules/<id:schedule_id>",
        MANAGERS,
        _item("inspection-schedules", "inspection_schedule", {"paused": True}),
        "site",
    ),
    Case("GET", "/api/v1/inspections", INSPECT, fixed("/api/v1/inspections")),
    Case(
        "POST",
        "/api/v1/inspections",
        INSPECT,
        lambda p, w: (
            "/api/v1/inspections",
            {
                "asset_id": p.asset.id,
                "template_id": p.template.id,
                "at": "2026-11-20T01:00:00Z",
                "values": {"temp_c": 41.5},
            },
        ),
        "site",
    ),
    Case("GET", "/api/v1/inspections/latest", INSPECT, fixed("/api/v1/inspections/latest")),
    Case(
        "GET",
        "/api/v1/inspections/<id:record_id>",
        INSPECT,
        _item("inspections", "inspection"),
        "site",
    ),
    Case(
        "GET",
        "/api/v1/assets/<id:asset_id>/limits",
        EVERYONE,
        lambda p, w: (f"/api/v1/assets/{p.asset.id}/limits", None),
        "site",
    ),
    Case(
        "PUT",
        "/api/v1/assets/<id:asset_id>/limits/<string(maxlength=40):item_key>",
        MANAGERS,
        lambda p, w: (f"/api/v1/assets/{p.asset.id}/limits/temp_c", {"warning": [None, 75]}),
        "site",
        success=200,
        outsider=404,
    ),
    Case(
        "DELETE",
        "/api/v1/assets/<id:asset_id>/limits/<string(maxlength=40):item_key>",
        MANAGERS,
        lambda p, w: (f"/api/v1/assets/{p.asset.id}/limits/temp_c", None),
        "site",
    ),
    Case(
        "GET",
        "/api/v1/assets/<id:asset_id>/readings",
        INSPECT,
        lambda p, w: (
            f"/api/v1/assets/{p.asset.id}/readings?item=temp_c"
            "&since=2026-11-01T00:00:00Z&until=2026-12-01T00:00:00Z",
            None,
        ),
        "site",
    ),
    Case(
        "GET",
        "/api/v1/assets/<id:asset_id>/readings.csv",
        INSPECT,
        lambda p, w: (
            f"/api/v1/assets/{p.asset.id}/readings.csv"
            "?since=2026-11-01T00:00:00Z&until=2026-12-01T00:00:00Z",
            None,
        ),
        "site",
    ),
    Case("GET", "/api/v1/tag-keys", ONLY_ADMIN, fixed("/api/v1/tag-keys")),
    Case("POST", "/api/v1/tag-keys", ONLY_ADMIN, fixed("/api/v1/tag-keys")),
    Case(
        "POST",
        "/api/v1/tag-keys/<id:key_id>/retire",
        ONLY_ADMIN,
        lambda p, w: (f"/api/v1/tag-keys/{p.tag.key_id}/retire", None),
        "tenant",
        success=200,
        outsider=404,
    ),
]
PROTECTED = {(c.method, c.rule) for c in CASES}
