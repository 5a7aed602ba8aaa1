"""Checkpoint schemas."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Int, Text
from server.domain.models import PhysicalTagKind


class PhysicalTagSchema(Schema):
    """A chip fixed at the checkpoint; separators and case in uid are normalised."""

    kind = ma.fields.Enum(PhysicalTagKind, by_value=True, required=True)
    uid = Text(
        required=True,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"example": "04:A2:1F:9C"},
    )


class CheckpointSchema(RegistrySchema):
    """A place on a patrol route."""

    org_id = Id(dump_only=True)
    site_id = Id(required=True)
    zone_id = Id(allow_none=True)
    name = name_field(required=True)
    code = Text(
        required=True,
        validate=ma.validate.Regexp(r"^[A-Za-z0-9-]{1,32}$", error="1 to 32 letters, digits or -"),
        metadata={"description": "Short code for manual entry when a tag is damaged"},
    )
    latitude = ma.fields.Float(allow_none=True, validate=ma.validate.Range(-90, 90))
    longitude = ma.fields.Float(allow_none=True, validate=ma.validate.Range(-180, 180))
    radius_m = Int(
        allow_none=True,
        validate=ma.validate.Range(1, 5000),
        metadata={"description": "How far from the position a scan still counts as here"},
    )
    instructions = Text(validate=ma.validate.Length(max=2000))
    physical_tags = ma.fields.List(
        ma.fields.Nested(PhysicalTagSchema), validate=ma.validate.Length(max=10)
    )


class CheckpointUpdateSchema(CheckpointSchema):
    """Fields a PATCH may change; a checkpoint stays on its site."""

    class Meta:
        exclude = ("site_id",)


class CheckpointListArgs(ListArgs):
    """Filters for the checkpoint list."""

    site_id = Id()
    zone_id = Id()
