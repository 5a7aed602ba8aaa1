"""Notifications: where alerts are announced, the delivery log, sending again, escalation
policies (admins only); each person's preferences; an alert's notification log (its handlers)."""

from tests.access.case import EVERYONE, MANAGERS, ONLY_ADMIN, Case, fixed

ENDPOINTS = "/api/v1/notify-endpoints"
ITEM = f"{ENDPOINTS}/<id:endpoint_id>"
POLICIES = "/api/v1/escalation-policies"
POLICY = f"{POLICIES}/<id:policy_id>"
MINE = "/api/v1/users/me/notify-preferences"
# The place's guard's: they may read and set their own, an admin anyone's.
THEIRS = "/api/v1/users/<id:user_id>/notify-preferences"
GUARD_AND_ADMIN = frozenset({"admin", "guard"})


def _at(suffix: str = "", body: dict | None = None):
    return lambda p, w: (f"{ENDPOINTS}/{p.notify_endpoint.id}{suffix}", body)


def _policy(suffix: str = "", body: dict | None = None):
    return lambda p, w: (f"{POLICIES}/{p.escalation_policy.id}{suffix}", body)


def _theirs(body: dict | None = None):
    return lambda p, w: (f"/api/v1/users/{p.guard.id}/notify-preferences", body)


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
    Case("GET", POLICIES, ONLY_ADMIN, fixed(POLICIES)),
    # Another tenant's site is as unknown as a made-up one: 422.
    Case(
        "POST",
        POLICIES,
        ONLY_ADMIN,
        lambda p, w: (
            POLICIES,
            {"name": "Night ladder", "site_id": p.site.id, "steps": [{"roles": ["supervisor"]}]},
        ),
        "tenant",
    ),
    Case("GET", POLICY, ONLY_ADMIN, _policy(), "tenant"),
    Case("PATCH", POLICY, ONLY_ADMIN, _policy("", {"name": "Renamed"}), "tenant"),
    Case(
        "POST",
        f"{POLICY}/deactivate",
        ONLY_ADMIN,
        _policy("/deactivate"),
        "tenant",
        success=200,
        outsider=404,
    ),
    Case("GET", MINE, EVERYONE, fixed(MINE)),
    Case("PUT", MINE, EVERYONE, fixed(MINE, {"language": "en"}), success=200),
    Case("GET", THEIRS, GUARD_AND_ADMIN, _theirs(), "tenant"),
    Case("PUT", THEIRS, GUARD_AND_ADMIN, _theirs({"quiet_start": None}), "tenant", success=200),
    Case(
        "GET",
        "/api/v1/alerts/<id:alert_id>/notifications",
        MANAGERS,
        lambda p, w: (f"/api/v1/alerts/{p.alert.id}/notifications", None),
        "site",
    ),
]
