"""Console access rows: notifications (endpoints, their delivery logs, escalation policies).

Every page is admin-only, as the API's: a supervisor gets 403 before any object is looked
at, so the rows carry no site scope; tests/web/test_notify_setup.py proves another tenant's
endpoints, notifications and policies are not found (404) by an admin.
"""

from typing import Any

from tests.access.case import ONLY_ADMIN, fixed
from tests.access.page import Page
from tests.world import Place, World


def new_endpoint(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {
        "name": "值班群",
        "kind": "wecom",
        "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        "site_id": str(place.site.id),
        "min_severity": "high",
        "language": "zh",
        "secret": "",
    }
    return "/console/notify/endpoints", form


def the_endpoint(action: str = "", form: dict[str, Any] | None = None) -> Any:
    def target(place: Place, world: World) -> tuple[str, dict[str, Any] | None]:
        return f"/console/notify/endpoints/{place.notify_endpoint.id}{action}", form

    return target


def endpoint_edit(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    form = {"name": "改名", "url": "", "site_id": "", "min_severity": "low", "language": "en"}
    return f"/console/notify/endpoints/{place.notify_endpoint.id}/edit", form


def redeliver(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    return f"/console/notify/notifications/{place.notification.id}/redeliver", {}


def ladder(place: Place) -> dict[str, Any]:
    return {
        "name": "夜间升级",
        "site_id": str(place.site.id),
        "min_severity": "medium",
        "step": "1",
        "s1-after_min": "0",
        "s1-roles": "supervisor",
        "rectify-critical": "",
    }


def new_policy(place: Place, world: World) -> tuple[str, dict[str, Any]]:
    return "/console/notify/policies/new", ladder(place)


def the_policy(action: str = "", with_form: bool = False) -> Any:
    def target(place: Place, world: World) -> tuple[str, dict[str, Any] | None]:
        form = ladder(place) if with_form else ({} if action else None)
        return f"/console/notify/policies/{place.escalation_policy.id}{action}", form

    return target


ENDPOINT = "/console/notify/endpoints/<id:endpoint_id>"
POLICY = "/console/notify/policies/<id:policy_id>"
PAGES = [
    Page("GET", "/console/notify", ONLY_ADMIN, fixed("/console/notify")),
    Page("POST", "/console/notify/endpoints", ONLY_ADMIN, new_endpoint, success=302),
    Page("GET", ENDPOINT, ONLY_ADMIN, the_endpoint()),
    Page("POST", f"{ENDPOINT}/edit", ONLY_ADMIN, endpoint_edit, success=302),
    # The factory's endpoint is a webhook: Vigil makes its new key and shows it once.
    Page("POST", f"{ENDPOINT}/rotate", ONLY_ADMIN, the_endpoint("/rotate", {})),
    Page("POST", f"{ENDPOINT}/deactivate", ONLY_ADMIN, the_endpoint("/deactivate", {}), None, 302),
    Page("GET", f"{ENDPOINT}/deliveries", ONLY_ADMIN, the_endpoint("/deliveries")),
    Page(
        "POST",
        "/console/notify/notifications/<id:notification_id>/redeliver",
        ONLY_ADMIN,
        redeliver,
        success=302,
    ),
    Page("GET", "/console/notify/policies/new", ONLY_ADMIN, fixed("/console/notify/policies/new")),
    Page("POST", "/console/notify/policies/new", ONLY_ADMIN, new_policy, success=302),
    Page("GET", POLICY, ONLY_ADMIN, the_policy()),
    Page("POST", POLICY, ONLY_ADMIN, the_policy(with_form=True), success=302),
    Page("POST", f"{POLICY}/deactivate", ONLY_ADMIN, the_policy("/deactivate"), success=302),
]
