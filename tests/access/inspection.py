"""Inspections: templates, inspection schedules, records, and asset limits and readings."""

from tests.access.case import EVERYONE, INSPECT, MANAGERS, Case, by_id, fixed

INSPECTION = [
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
        by_id("inspection-templates", "template"),
        "tenant",
    ),
    Case(
        "PATCH",
        "/api/v1/inspection-templates/<id:template_id>",
        MANAGERS,
        by_id("inspection-templates", "template", {"name": "Renamed 改名"}),
        "tenant",
    ),
    Case(
        "GET",
        "/api/v1/inspection-templates/<id:template_id>/versions/<id:version>",
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
        by_id("inspection-schedules", "inspection_schedule"),
        "site",
    ),
    Case(
        "PATCH",
        "/api/v1/inspection-schedules/<id:schedule_id>",
        MANAGERS,
        by_id("inspection-schedules", "inspection_schedule", {"paused": True}),
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
        by_id("inspections", "inspection"),
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
]
