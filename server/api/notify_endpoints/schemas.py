"""Notify endpoint, delivery log and notification schemas: secrets go in, never come out."""

from typing import Any

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Bool, Instant, Int, Text
from server.domain.audit import redacted_url
from server.domain.models import AlertSeverity, EndpointKind, NotificationState
from server.domain.notify.endpoints import LANGUAGES, MAX_SECRETS

SECRET_MAX = 200  # a Standard Webhooks key ("whsec_" and base64 of up to 64 bytes) fits easily


def _secret(**kwargs: Any) -> ma.fields.String:
    return Text(validate=ma.validate.Length(min=1, max=SECRET_MAX), **kwargs)


class RedactedUrl(Text):
    """A URL read as given and shown without its query values (robots' keys live there)."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else redacted_url(value)


class SecretCount(Int):
    """How many signing keys are active: the keys themselves are never shown."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        # apispec serialises the range's bounds through here too: numbers pass as they are.
        count = len(value) if isinstance(value, list | tuple) else value
        return super()._serialize(count, attr, obj, **kwargs)


class NotifyEndpointSchema(RegistrySchema):
    """A webhook or group robot told of the tenant's alerts (of one site, or all)."""

    active = Bool(dump_only=True, metadata={"description": "False once deactivated"})
    org_id = Id(dump_only=True)
    site_id = Id(allow_none=True, metadata={"description": "Only this site's alerts; null: all"})
    name = name_field(required=True)
    kind = ma.fields.Enum(EndpointKind, by_value=True, required=True)
    url = RedactedUrl(
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"description": "http(s) URL; shown with its query values hidden"},
    )
    secrets = ma.fields.List(
        _secret(),
        load_only=True,
        validate=ma.validate.Length(max=MAX_SECRETS),
        metadata={
            "description": "Signing keys (a webhook needs one; a DingTalk robot may have one); "
            "never shown"
        },
    )
    secrets_active = SecretCount(
        attribute="secrets",
        dump_only=True,
        validate=ma.validate.Range(0, MAX_SECRETS),
        metadata={"description": "Signing keys in use"},
    )
    min_severity = ma.fields.Enum(AlertSeverity, by_value=True)
    language = Text(validate=ma.validate.OneOf(LANGUAGES))


class NotifyEndpointUpdateSchema(NotifyEndpointSchema):
    """Fields a PATCH may change; secrets sent here replace the old ones."""


class NotifyEndpointListArgs(ListArgs):
    """Filters for the endpoint list."""


class RotateSecretSchema(Schema):
    """The new signing key; the newest old one stays valid beside it."""

    secret = _secret(required=True, load_only=True)


class DeliverySchema(Schema):
    """One attempt at one notification, and what the endpoint answered."""

    id = Id()
    notification_id = Id()
    alert_id = Id()
    at = Instant()
    delivered = Bool()
    status = Int(allow_none=True, metadata={"description": "HTTP status, if one came"})
    latency_ms = Int()
    excerpt = Text(metadata={"description": "The start of the answer"})
    error = Text(allow_none=True)


class NotificationSchema(Schema):
    """An outbox row: one alert change to announce at one endpoint."""

    id = Id()
    alert_id = Id()
    endpoint_id = Id()
    step = Int()
    change = Text(validate=ma.validate.Length(max=20))
    state = ma.fields.Enum(NotificationState, by_value=True)
    attempts = Int()
    first_at = Instant()
    next_at = Instant()
    delivered_at = Instant(allow_none=True)
    last_error = Text(allow_none=True)
