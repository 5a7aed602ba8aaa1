"""Route schemas."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Bool, Int, Text
from server.domain.models import RouteOrder


class StopSchema(Schema):
    """A checkpoint on the route; stops are walked in list order (position 1, 2, ...)."""

    position = Int(dump_only=True)
    checkpoint_id = Id(required=True)
    offset_min = Int(
        allow_none=True,
        validate=ma.validate.Range(0, 1440),
        metadata={"description": "Minutes after the round starts; null: anywhere in the round"},
    )
    tolerance_min = Int(validate=ma.validate.Range(0, 240))
    require_photo = Bool()
    require_note = Bool()
    min_gap_s = Int(
        allow_none=True,
        validate=ma.validate.Range(1, 86400),
        metadata={"description": "Least seconds after the previous checkpoint (rushing below)"},
    )
    optional = Bool(
        metadata={"description": "Skipping it raises nothing; counted apart in compliance"}
    )


class RouteSchema(RegistrySchema):
    """An ordered list of one site's checkpoints."""

    org_id = Id(dump_only=True)
    site_id = Id(required=True)
    name = name_field(required=True)
    order = ma.fields.Enum(
        RouteOrder,
        by_value=True,
        metadata={"description": "strict, any, or random (shuffled per round)"},
    )
    description = Text(validate=ma.validate.Length(max=2000))
    stops = ma.fields.List(
        ma.fields.Nested(StopSchema), required=True, validate=ma.validate.Length(min=1, max=200)
    )


class RouteUpdateSchema(RouteSchema):
    """Fields a PATCH may change; a route stays on its site."""

    class Meta:
        exclude = ("site_id",)


class RouteListArgs(ListArgs):
    """Filters for the route list."""

    site_id = Id()
