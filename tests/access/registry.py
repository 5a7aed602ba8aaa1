"""Signing in, and the registry: tenants, sites, zones, checkpoints, assets, users, devices."""

from tests.access.case import (
    EVERYONE,
    MANAGERS,
    NOBODY,
    ONLY_ADMIN,
    Case,
    by_id,
    create,
    fixed,
    organization,
    registry_cases,
)

REGISTRY = [
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
    Case("GET", "/api/v1/organizations/<id:org_id>", EVERYONE, organization(), "tenant"),
    Case(
        "PATCH",
        "/api/v1/organizations/<id:org_id>",
        ONLY_ADMIN,
        organization({"name": "Renamed tenant"}),
        "tenant",
    ),
    Case("GET", "/api/v1/sites", EVERYONE, fixed("/api/v1/sites")),
    Case(
        "POST",
        "/api/v1/sites",
        ONLY_ADMIN,
        fixed("/api/v1/sites", {"name": "New", "timezone": "Asia/Shanghai"}),
    ),
    Case("GET", "/api/v1/sites/<id:site_id>", EVERYONE, by_id("sites", "site"), "site"),
    Case(
        "PATCH",
        "/api/v1/sites/<id:site_id>",
        ONLY_ADMIN,
        by_id("sites", "site", {"name": "Renamed"}),
        "site",
    ),
    *registry_cases(
        "zones", "zone", lambda p: {"site_id": p.site.id, "name": "Z", "kind": "floor"}
    ),
    *registry_cases(
        "checkpoints", "checkpoint", lambda p: {"site_id": p.site.id, "name": "C", "code": "NEW-1"}
    ),
    *registry_cases(
        "assets",
        "asset",
        lambda p: {"site_id": p.site.id, "name": "UPS", "kind": "ups", "code": "U1"},
    ),
    Case("GET", "/api/v1/users", MANAGERS, fixed("/api/v1/users")),
    Case(
        "POST",
        "/api/v1/users",
        ONLY_ADMIN,
        create(
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
    Case("GET", "/api/v1/users/<id:user_id>", MANAGERS, by_id("users", "guard"), "site"),
    Case(
        "PATCH",
        "/api/v1/users/<id:user_id>",
        ONLY_ADMIN,
        by_id("users", "guard", {"name": "Renamed"}),
        "site",
    ),
    Case("GET", "/api/v1/devices", MANAGERS, fixed("/api/v1/devices")),
    Case(
        "POST",
        "/api/v1/devices",
        MANAGERS,
        create("devices", lambda p: {"serial": "NEW-SN", "site_ids": [p.site.id]}),
        "site",
    ),
    Case("GET", "/api/v1/devices/<id:device_id>", MANAGERS, by_id("devices", "device"), "site"),
    Case(
        "PATCH",
        "/api/v1/devices/<id:device_id>",
        MANAGERS,
        by_id("devices", "device", {"label": "Renamed"}),
        "site",
    ),
    Case("GET", "/api/v1/audit-events", MANAGERS, fixed("/api/v1/audit-events")),
]
