"""Audit trail schemas."""

import marshmallow as ma


class AuditEventSchema(ma.Schema):
    """Who did what to which object, with each changed field as [before, after]."""

    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_label = ma.fields.String()
    action = ma.fields.String(metadata={"description": "create, update, deactivate, reactivate"})
    object_type = ma.fields.String()
    object_id = ma.fields.Integer()
    site_id = ma.fields.Integer(allow_none=True)
    changes = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.Raw()))
    request_id = ma.fields.String(allow_none=True)


class AuditListArgs(ma.Schema):
    """Filters for the audit trail."""

    object_type = ma.fields.String(validate=ma.validate.Length(max=32))
    object_id = ma.fields.Integer()
    site_id = ma.fields.Integer()
    actor_id = ma.fields.Integer()
    action = ma.fields.String(validate=ma.validate.Length(max=32))
    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
