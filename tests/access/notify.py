"""Notifications: where alerts are announced, the delivery log, sending again (admins only)."""

from tests.access.case import ONLY_ADMIN, Case, fixed

ENDPOINTS = "/api/v1/notify-endpoints"
ITEM = f"{ENDPOINTS}/<id:endpoint_id>"


def _at(suffix: str = "", body: dict | None = None):
    return lambda p, w: (f"{ENDPOINTS}/{p.notify_endpoint.id}{suffix}", body)


NOTIFY = [
    Case("GET", ENDPOINTS, ONLY_ADMIN, fixed(ENDPOINTS)),
    # Another tenant's site is as unknown as a made-up one: 422.
    Case(
        "POST",
        ENDPOINTS,
        ONLY_ADMIN,
        lambda p, w: (
            ENDPOINTS,
            {
                "name": "Duty group",
                "kind": "wecom",
                "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
                "site_id": p.site.id,
            },
        ),
        "tenant",
    ),
    Case("GET", ITEM, ONLY_ADMIN, _at(), "tenant"),
    Case("PATCH", ITEM, ONLY_ADMIN, _at("", {"name": "Renamed"}), "tenant"),
    Case(
        "POST",
        f"{ITEM}/rotate-secret",
        ONLY_ADMIN,
        _at("/rotate-secret", {"secret": "whsec_bmV3IGtleSBmb3IgdGhlIHRhYmxl"}),
        "tenant",
        success=200,
        outsider=404,
    ),
    Case(
        "POST",
        f"{ITEM}/deactivate",
        ONLY_ADMIN,
        _at("/deactivate"),
        "tenant",
        success=200,
        outsider=404,
    ),
    Case("GET", f"{ITEM}/deliveries", ONLY_ADMIN, _at("/deliveries"), "tenant"),
    Case(
        "POST",
        "/api/v1/notifications/<id:notification_id>/redeliver",
        ONLY_ADMIN,
        lambda p, w: (f"/api/v1/notifications/{p.notification.id}/redeliver", None),
        "tenant",
        success=200,
        outsider=404,
    ),
]
