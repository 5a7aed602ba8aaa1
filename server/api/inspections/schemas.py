"""Inspection record schemas."""

import marshmallow as ma

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Instant, Int, Text
from server.api.names import HANDHELD, PERSON, NameOf

STATUSES = ("normal", "abnormal", "incomplete")
_SHA256 = Text(validate=ma.validate.Regexp(r"^[0-9a-f]{64}$"))


class FindingSchema(Schema):
    """Something abnormal the record showed; its alert carries the evidence."""

    code = Text()
    item = Text(allow_none=True)
    level = Text()


class RecordSchema(Schema):
    """One inspection of one asset (or site, for a site-wide form), as checked."""

    id = Id(dump_only=True)
    uuid = ma.fields.UUID(
        metadata={"description": "Yours, to resend safely: the same uuid is stored once"}
    )
    site_id = Id(metadata={"description": "For a site-wide form only; otherwise the asset's"})
    asset_id = Id(allow_none=True)
    template_id = Id(required=True)
    version = Int(
        validate=ma.validate.Range(1, 100_000),
        metadata={"description": "The template version filled in; the current one by default"},
    )
    at = Instant(required=True, metadata={"description": "When it was done"})
    values = ma.fields.Dict(
        keys=Text(validate=ma.validate.Length(max=40)),
        values=ma.fields.Raw(allow_none=True),
        validate=ma.validate.Length(max=200),
        metadata={"description": "Item key to value; see docs/inspections.md for each type"},
    )
    photos = ma.fields.Dict(
        keys=Text(validate=ma.validate.Length(max=40)),
        values=ma.fields.List(_SHA256, validate=ma.validate.Length(max=10)),
        validate=ma.validate.Length(max=200),
        metadata={"description": "Item key to SHA-256 of photos already uploaded"},
    )
    note = Text(validate=ma.validate.Length(max=4000))
    received_at = Instant(dump_only=True)
    user_id = Id(dump_only=True, allow_none=True)
    user_name = NameOf("user_id", PERSON)
    device_id = Id(dump_only=True, allow_none=True)
    device_name = NameOf("device_id", HANDHELD)
    errors = ma.fields.Dict(dump_only=True, metadata={"description": "Item key: why refused"})
    missing = ma.fields.List(Text(), dump_only=True)
    status = Text(dump_only=True, metadata={"description": ", ".join(STATUSES)})
    findings = ma.fields.List(ma.fields.Nested(FindingSchema), dump_only=True)
    score = ma.fields.Float(dump_only=True, allow_none=True)
    grade = Text(dump_only=True, allow_none=True)


class RecordListArgs(QueryArgs):
    """Filters for the record list."""

    site_id = Id()
    asset_id = Id()
    template_id = Id()
    user_id = Id()
    status = Text(validate=ma.validate.OneOf(STATUSES))
    since = Instant(metadata={"description": "Done at or after"})
    until = Instant(metadata={"description": "Done before"})
    sort = Text(validate=ma.validate.Length(max=50))
