"""Audit trail schemas."""

import marshmallow as ma

from server.api.common import Id, Schema


class AuditEventSchema(Schema):
    """Who did what to which object, with each changed field as [before, after]."""

    id = Id()
    at = ma.fields.AwareDateTime()
    actor_id = Id(allow_none=True)
    actor_label = ma.fields.String()
    action = ma.fields.String(metadata={"description": "create, update, deactivate, reactivate"})
    object_type = ma.fields.String()
    object_id = Id()
    site_id = Id(allow_none=True)
    changes = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Raw()))
    request_id = ma.fields.String(allow_none=True)


class AuditListArgs(Schema):
    """Filters for the audit trail."""

    object_type = ma.fields.String(validate=ma.validate.Length(max=32))
    object_id = Id()
    site_id = Id()
    actor_id = Id()
    action = ma.fields.String(validate=ma.validate.Length(max=32))
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
