"""Device schemas."""

import marshmallow as ma

from server.api.common import MAX_SITES, Id, ListArgs, RegistrySchema
from server.api.fields import Instant, Text


class DeviceSchema(RegistrySchema):
    """A handheld."""

    org_id = Id(dump_only=True)
    serial = Text(
        required=True,
        validate=ma.validate.Regexp(
            r"^[A-Za-z0-9._:-]{1,100}$", error="1 to 100 letters, digits or . _ : -"
        ),
    )
    label = Text(validate=ma.validate.Length(max=200))
    site_ids = ma.fields.List(
        Id(),
        validate=ma.validate.Length(max=MAX_SITES),
        metadata={"description": "Sites it works on"},
    )
    last_seen_at = Instant(dump_only=True, allow_none=True)
    enrolled_at = Instant(
        dump_only=True, allow_none=True, metadata={"description": "Last enrollment (handhelds)"}
    )
    app_version = Text(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The app version the handheld last stated (Vigil-App header)"},
    )


class DeviceUpdateSchema(DeviceSchema):
    """Fields a PATCH may change; the serial identifies the hardware and stays."""

    class Meta:
        exclude = ("serial",)


class DeviceListArgs(ListArgs):
    """Filters for the device list."""

    site_id = Id()
