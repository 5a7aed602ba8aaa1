"""Asset schemas."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Text
from server.domain.models import AssetKind


class RatingSchema(Schema):
    """One nameplate rating: a named value with its unit."""

    name = Text(required=True, validate=ma.validate.Length(min=1, max=100))
    value = ma.fields.Float(required=True, allow_nan=False)
    unit = Text(required=True, validate=ma.validate.Length(max=20))


class AssetSchema(RegistrySchema):
    """A piece of equipment."""

    org_id = Id(dump_only=True)
    site_id = Id(required=True)
    zone_id = Id(allow_none=True)
    kind = ma.fields.Enum(AssetKind, by_value=True, required=True)
    name = name_field(required=True)
    code = Text(
        required=True,
        validate=ma.validate.Regexp(r"^[A-Za-z0-9-]{1,32}$", error="1 to 32 letters, digits or -"),
        metadata={"description": "Short code printed on its tag for manual entry (G1, T1)"},
    )
    make = Text(validate=ma.validate.Length(max=200))
    model = Text(validate=ma.validate.Length(max=200))
    serial_number = Text(validate=ma.validate.Length(max=100))
    ratings = ma.fields.List(
        ma.fields.Nested(RatingSchema),
        validate=ma.validate.Length(max=50),
        metadata={"example": [{"name": "rated_power", "value": 500, "unit": "kW"}]},
    )


class AssetUpdateSchema(AssetSchema):
    """Fields a PATCH may change; an asset stays on its site."""

    class Meta:
        exclude = ("site_id",)


class AssetListArgs(ListArgs):
    """Filters for the asset list."""

    site_id = Id()
    zone_id = Id()
    kind = ma.fields.Enum(AssetKind, by_value=True)
