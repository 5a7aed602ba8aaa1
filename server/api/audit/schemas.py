"""Audit trail schemas."""

import marshmallow as ma

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Instant, Text
from server.api.names import PERSON, NameOf


class AuditEventSchema(Schema):
    """Who did what to which object, with each changed field as [before, after]."""

    id = Id()
    at = Instant()
    actor_id = Id(allow_none=True)
    actor_name = NameOf("actor_id", PERSON)
    actor_label = Text()
    action = Text(metadata={"description": "create, update, deactivate, reactivate"})
    object_type = Text()
    object_id = Id()
    site_id = Id(allow_none=True)
    changes = ma.fields.Dict(keys=Text(), values=ma.fields.List(ma.fields.Raw()))
    request_id = Text(allow_none=True)


class AuditListArgs(QueryArgs):
    """Filters for the audit trail."""

    object_type = Text(validate=ma.validate.Length(max=32))
    object_id = Id()
    site_id = Id()
    actor_id = Id()
    action = Text(validate=ma.validate.Length(max=32))
    since = Instant()
    until = Instant()
