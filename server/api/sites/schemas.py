"""Site and zone schemas."""

from typing import Any

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Int, Text
from server.domain.models import ZoneKind
from server.domain.registry.sites import DETECTION_LIMITS, MAX_SHIFTS


def _setting(
    field: type[ma.fields.Number], name: str, description: str, example: float, **kw: Any
) -> Any:
    """A detection setting, within the limits the domain checks (docs/patrols.md)."""
    least, most = DETECTION_LIMITS[name]
    metadata = {"description": description, "example": example}
    return field(validate=ma.validate.Range(least, most), metadata=metadata, **kw)


class ShiftSchema(Schema):
    """A guards' shift: from its start (site time) until the next shift's start."""

    name = Text(validate=ma.validate.Length(min=1, max=40), metadata={"example": "夜班"})
    start = Text(
        required=True,
        validate=ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="HH:MM, 00:00 to 23:59"),
        metadata={"example": "20:00"},
    )


class SiteSchema(RegistrySchema):
    """A property, with the IANA timezone its schedules run in."""

    org_id = Id(dump_only=True)
    name = name_field(required=True)
    address = Text(validate=ma.validate.Length(max=500))
    timezone = Text(
        required=True,
        validate=ma.validate.Length(min=1, max=64),
        metadata={"example": "Asia/Shanghai"},
    )
    inactivity_min = _setting(
        Int,
        "inactivity_min",
        "Lone-worker limit: minutes a clocked-in guard's handheld may stay silent before a "
        "guard_inactive alert; null (the default) turns the watch off",
        45,
        allow_none=True,
    )
    max_speed_mps = _setting(
        ma.fields.Float,
        "max_speed_mps",
        "Metres a second: one handheld's two scans further apart than this speed allows are "
        "not walking (default 3.0)",
        3.0,
    )
    twin_window_s = _setting(
        Int,
        "twin_window_s",
        "Seconds: one checkpoint scanned by two handhelds this close together is a copied tag "
        "(default 60)",
        60,
    )
    geofence_radii = _setting(
        ma.fields.Float,
        "geofence_radii",
        "A scan farther than this many of its checkpoint's radii, GPS accuracy allowed for, "
        "is a far scan (default 2.0)",
        2.0,
    )
    shifts = ma.fields.List(
        ma.fields.Nested(ShiftSchema),
        validate=ma.validate.Length(min=1, max=MAX_SHIFTS),
        metadata={
            "description": "The guards' shifts, each until the next one's start; the daily "
            "activity report covers one (default: 白班 08:00, 夜班 20:00)"
        },
    )
    default_grace_min = _setting(
        Int,
        "default_grace_min",
        "Grace minutes a new schedule on this site gets when it does not give its own "
        "grace_min (default 15)",
        15,
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
