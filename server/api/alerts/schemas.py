"""Alert schemas."""

import marshmallow as ma

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Bool, Instant, Int, Text
from server.api.names import HANDHELD, PERSON, NameOf
from server.domain.models import AlertSeverity, AlertState, NotificationState

_EVIDENCE = ma.fields.Dict(keys=Text(), values=ma.fields.Raw())


class AlertEntrySchema(Schema):
    """One line of the alert's history."""

    at = Instant()
    action = Text(
        metadata={
            "description": "raised, updated, reopened, acknowledged, resolved, auto_resolved, "
            "rectified (waiting for a reading back within bounds), follow_up_ok"
        }
    )
    user_id = Id(allow_none=True)
    user_name = NameOf("user_id", PERSON)
    note = Text()
    severity = ma.fields.Enum(AlertSeverity, by_value=True)
    evidence = _EVIDENCE


class AlertSchema(Schema):
    """A problem found, and how it was dealt with."""

    id = Id()
    site_id = Id()
    kind = Text()
    severity = ma.fields.Enum(AlertSeverity, by_value=True)
    state = ma.fields.Enum(AlertState, by_value=True)
    title = Text()
    round_id = Id(allow_none=True)
    checkpoint_id = Id(allow_none=True)
    device_id = Id(allow_none=True)
    device_name = NameOf("device_id", HANDHELD)
    user_id = Id(allow_none=True, metadata={"description": "The guard, when one is known"})
    user_name = NameOf("user_id", PERSON)
    event_id = Id(allow_none=True)
    asset_id = Id(allow_none=True)
    event_ids = ma.fields.List(
        Id(),
        metadata={
            "description": "The handhelds' events it was found from: ids in GET /api/v1/events"
        },
    )
    device_ids = ma.fields.List(
        Id(), metadata={"description": "The handhelds that reported those events"}
    )
    previous_id = Id(
        allow_none=True,
        metadata={"description": "The same problem's earlier alert, when this is a new episode"},
    )
    awaiting_reading = Bool(
        metadata={"description": "Rectified; closes when a reading back within bounds arrives"}
    )
    evidence = _EVIDENCE
    raised_at = Instant()
    updated_at = Instant()
    resolved_at = Instant(allow_none=True)
    resolved_by = Id(allow_none=True)
    resolved_by_name = NameOf("resolved_by", PERSON)
    resolution = Text(allow_none=True)
    resolution_photo = Text(allow_none=True)
    due_at = Instant(
        allow_none=True,
        metadata={"description": "The deadline to rectify it by, from its escalation policy"},
    )
    overdue_at = Instant(
        allow_none=True, metadata={"description": "When its passed deadline was announced"}
    )
    history = ma.fields.List(ma.fields.Nested(AlertEntrySchema))


class ToldSchema(Schema):
    """One line of an alert's notification log: who was told, how, and what came of it."""

    id = Id(attribute="notification.id", metadata={"description": "The notification"})
    recipient = Text(metadata={"description": "The endpoint's or the person's name"})
    channel = Text(metadata={"description": "webhook, wecom, dingtalk or email"})
    endpoint_id = Id(attribute="notification.endpoint_id", allow_none=True)
    user_id = Id(attribute="notification.user_id", allow_none=True)
    step = Int(
        attribute="notification.step",
        metadata={"description": "0: the endpoints that follow the site; 1 and up: the ladder"},
    )
    change = Text(
        attribute="notification.change",
        metadata={
            "description": "raised, severity_up, reopened, auto_resolved, unacknowledged, overdue"
        },
    )
    state = ma.fields.Enum(NotificationState, attribute="notification.state", by_value=True)
    attempts = Int(attribute="notification.attempts")
    first_at = Instant(attribute="notification.first_at")
    delivered_at = Instant(attribute="notification.delivered_at", allow_none=True)
    last_at = Instant(attribute="last.at", allow_none=True, dump_default=None)
    last_status = Int(
        attribute="last.status",
        allow_none=True,
        dump_default=None,
        metadata={"description": "The last attempt's HTTP status, if one came"},
    )
    last_error = Text(attribute="last.error", allow_none=True, dump_default=None)
    last_latency_ms = Int(attribute="last.latency_ms", allow_none=True, dump_default=None)


class AlertListArgs(QueryArgs):
    """Filters for the alert list."""

    site_id = Id()
    kind = Text(validate=ma.validate.Length(max=40))
    severity = ma.fields.Enum(AlertSeverity, by_value=True)
    state = ma.fields.Enum(AlertState, by_value=True)
    round_id = Id()
    checkpoint_id = Id()
    asset_id = Id()
    since = Instant(metadata={"description": "Raised at or after"})
    until = Instant(metadata={"description": "Raised before"})
    sort = Text(
        validate=ma.validate.Length(max=50),
        metadata={
            "description": "raised_at, updated_at, severity (most severe last: '-severity' puts"
            " critical first), kind or state; several separated by commas; '-' for descending"
        },
    )


class NoteSchema(Schema):
    """A note on an acknowledgement or a reopening: who is on it, why it is back."""

    note = Text(load_default="", validate=ma.validate.Length(max=4000))


class ResolveSchema(Schema):
    """The rectification: what was done, and a photo of it if there is one."""

    note = Text(required=True, validate=ma.validate.Length(min=1, max=4000))
    photo = Text(
        allow_none=True,
        validate=ma.validate.Regexp(r"^[0-9a-f]{64}$"),
        metadata={"description": "SHA-256 of an uploaded photo"},
    )
