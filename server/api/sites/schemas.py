"""Site and zone schemas."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, name_field
from server.domain.models import ZoneKind


class SiteSchema(RegistrySchema):
    """A property, with the IANA timezone its schedules run in."""

    org_id = Id(dump_only=True)
    name = name_field(required=True)
    address = ma.fields.String(validate=ma.validate.Length(max=500))
    timezone = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=64),
        metadata={"example": "Asia/Shanghai"},
    )
    inactivity_min = ma.fields.Integer(
        allow_none=True,
        validate=ma.validate.Range(min=5, max=1440),
        metadata={
            "description": "Lone-worker limit: minutes a clocked-in guard's handheld may stay "
            "silent before a guard_inactive alert; null turns the watch off",
            "example": 45,
        },
    )


class SiteUpdateSchema(SiteSchema):
    """Fields a PATCH may change."""


class ZoneSchema(RegistrySchema):
    """A building or area inside a site."""

    org_id = Id(dump_only=True)
    site_id = Id(required=True)
    name = name_field(required=True)
    kind = ma.fields.Enum(ZoneKind, by_value=True, required=True)


class ZoneUpdateSchema(ZoneSchema):
    """Fields a PATCH may change; a zone stays on its site."""

    class Meta:
        exclude = ("site_id",)


class ZoneListArgs(ListArgs):
    """Filters for the zone list."""

    site_id = Id()
    kind = ma.fields.Enum(ZoneKind, by_value=True)
