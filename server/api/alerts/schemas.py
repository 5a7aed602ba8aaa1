"""Alert schemas."""

import marshmallow as ma

from server.api.common import Id, Schema
from server.domain.models import AlertSeverity, AlertState

_EVIDENCE = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())


class AlertEntrySchema(Schema):
    """One line of the alert's history."""

    at = ma.fields.AwareDateTime()
    action = ma.fields.String(
        metadata={
            "description": "raised, updated, reopened, acknowledged, resolved, auto_resolved, "
            "rectified (waiting for a reading back within bounds), follow_up_ok"
        }
    )
    user_id = Id(allow_none=True)
    note = ma.fields.String()
    severity = ma.fields.Enum(AlertSeverity, by_value=True)
    evidence = _EVIDENCE


class AlertSchema(Schema):
    """A problem found, and how it was dealt with."""

    id = Id()
    site_id = Id()
    kind = ma.fields.String()
    severity = ma.fields.Enum(AlertSeverity, by_value=True)
    state = ma.fields.Enum(AlertState, by_value=True)
    title = ma.fields.String()
    round_id = Id(allow_none=True)
    checkpoint_id = Id(allow_none=True)
    device_id = Id(allow_none=True)
    user_id = Id(allow_none=True, metadata={"description": "The guard, when one is known"})
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
    awaiting_reading = ma.fields.Boolean(
        metadata={"description": "Rectified; closes when a reading back within bounds arrives"}
    )
    evidence = _EVIDENCE
    raised_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()
    resolved_at = ma.fields.AwareDateTime(allow_none=True)
    resolved_by = Id(allow_none=True)
    resolution = ma.fields.String(allow_none=True)
    resolution_photo = ma.fields.String(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(AlertEntrySchema))


class AlertListArgs(Schema):
    """Filters for the alert list."""

    site_id = Id()
    kind = ma.fields.String(validate=ma.validate.Length(max=40))
    severity = ma.fields.Enum(AlertSeverity, by_value=True)
    state = ma.fields.Enum(AlertState, by_value=True)
    round_id = Id()
    checkpoint_id = Id()
    asset_id = Id()
    since = ma.fields.AwareDateTime(metadata={"description": "Raised at or after"})
    until = ma.fields.AwareDateTime(metadata={"description": "Raised before"})
    sort = ma.fields.String(validate=ma.validate.Length(max=50))


class CommentSchema(Schema):
    """A comment on an acknowledgement or a reopening."""

    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=4000))


class ResolveSchema(Schema):
    """The rectification: what was done, and a photo of it if there is one."""

    note = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))
    photo = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Regexp(r"^[0-9a-f]{64}$"),
        metadata={"description": "SHA-256 of an uploaded photo"},
    )
