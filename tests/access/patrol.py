"""Patrols: routes, their schedules, the rounds walked, and the alerts they raise."""

from tests.access.case import EVERYONE, MANAGERS, Case, by_id, fixed, registry_cases

PATROL = [
    *registry_cases(
        "routes",
        "route",
        lambda p: {
            "site_id": p.site.id,
            "name": "New route",
            "stops": [{"checkpoint_id": p.checkpoint.id}],
        },
    ),
    *registry_cases(
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
                "since": "2026-11-20T00:00:00Z",
                "until": "2026-11-23T00:00:00Z",
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
            "?since=2026-11-20T00:00:00Z&until=2026-11-23T00:00:00Z",
            None,
        ),
        "site",
    ),
    Case("GET", "/api/v1/rounds", EVERYONE, fixed("/api/v1/rounds")),
    Case("GET", "/api/v1/rounds/<id:round_id>", EVERYONE, by_id("rounds", "round"), "site"),
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
    Case("GET", "/api/v1/alerts/<id:alert_id>", MANAGERS, by_id("alerts", "alert"), "site"),
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
            ("acknowledge", {"note": "on it"}),
            ("resolve", {"note": "Guard retrained; round re-walked at 23:10"}),
        )
    ],
    Case(
        "POST",
        "/api/v1/alerts/<id:alert_id>/reopen",
        MANAGERS,
        lambda p, w: (f"/api/v1/alerts/{p.resolved_alert.id}/reopen", {"note": "not fixed"}),
        "site",
        success=200,
        outsider=404,
    ),
]
