"""What the endpoint forms send, read as the API's JSON body for an endpoint would hold it."""

import base64
import os
from typing import Any
from urllib.parse import unquote

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from server.api.common import patch_schema
from server.api.notify_endpoints.schemas import NotifyEndpointSchema, NotifyEndpointUpdateSchema
from server.domain.audit import redacted_url
from server.domain.models import AlertSeverity, EndpointKind, NotificationState, NotifyEndpoint
from server.web import words
from server.web.forms import Fields, load, number, typed

KINDS = {
    EndpointKind.WEBHOOK: _l("Webhook (signed, Standard Webhooks)"),
    EndpointKind.WECOM: _l("WeCom group robot"),
    EndpointKind.DINGTALK: _l("DingTalk group robot"),
}
LANGUAGES = {"zh": "中文", "en": "English"}
STATES = {
    NotificationState.PENDING: _l("Waiting to be sent"),
    NotificationState.SENDING: _l("Being sent"),
    NotificationState.DELIVERED: _l("Delivered"),
    NotificationState.DEAD: _l("Given up"),
    NotificationState.HELD: _l("Held for the digest"),
    NotificationState.DIGESTED: _l("Told in a digest"),
    NotificationState.CANCELLED: _l("Not sent: answered first"),
}
# A delivered or given-up notification may be sent again; one still queued will be anyway.
SENDABLE = (NotificationState.DELIVERED, NotificationState.DEAD)
# What the edit form changes: the URL only when one is typed (it is shown without its key).
EDITED = Fields(
    ("name", "site_id", "url", "min_severity", "language"),
    readers={"site_id": number},
)
CREATED = Fields(("kind", *EDITED.names), readers={"site_id": number})


def severities() -> list[tuple[str, str]]:
    """The severities, least urgent first, in the page's words."""
    return [(s.value, words.severity(s.value)) for s in AlertSeverity]


def new_secret() -> str:
    """A Standard Webhooks signing key: 'whsec_' and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def created(form: MultiDict[str, str]) -> tuple[dict[str, Any], str | None]:
    """The create form as the API's POST body, and the key Vigil made for a webhook left
    without one (shown once), if it made one."""
    data = typed(form, CREATED)
    secret = form.get("secret", "").strip()
    made = None
    if not secret and data.get("kind") == EndpointKind.WEBHOOK.value:
        secret = made = new_secret()
    data["secrets"] = [secret] if secret else []
    return load(NotifyEndpointSchema(), {k: v for k, v in data.items() if v is not None}), made


def changes(form: MultiDict[str, str]) -> dict[str, Any]:
    """The edit form as the API's PATCH body: a blank URL keeps the one stored."""
    data = typed(form, EDITED)
    if data.get("url") is None:
        data.pop("url", None)
    return load(patch_schema(NotifyEndpointUpdateSchema), data)


def values_of(endpoint: NotifyEndpoint) -> dict[str, Any]:
    """An endpoint's fields as the edit form shows them (never its URL's key, never secrets)."""
    return {
        "name": endpoint.name,
        "site_id": endpoint.site_id,
        "url": "",
        "min_severity": endpoint.min_severity.value,
        "language": endpoint.language,
    }


def as_typed(form: MultiDict[str, str]) -> dict[str, Any]:
    """What was typed, to show again beside a refusal (never a secret)."""
    shown = {name: form.get(name, "") for name in CREATED.names}
    return shown | {"site_id": number(shown["site_id"]) if shown["site_id"] else None}


def shown_url(endpoint: NotifyEndpoint) -> str:
    """The endpoint's address as the pages show it: a robot's key hidden ("key=…")."""
    return unquote(redacted_url(endpoint.url))
