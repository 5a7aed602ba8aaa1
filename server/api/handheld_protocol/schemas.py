"""Device protocol schemas (the full contract is docs/device-protocol.md)."""

import marshmallow as ma

from device_protocol.version import MAX_EVENTS
from server.api.common import Id, Schema


class EnrollSchema(Schema):
    """A one-time enrollment code and the handheld's identity."""

    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    serial = ma.fields.String(
        required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9._:-]{1,100}$")
    )
    label = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class EnrolledSchema(Schema):
    """The device's bearer token: keep it; it is shown once."""

    device_id = Id()
    token = ma.fields.String()
    site_ids = ma.fields.List(Id())
    server_time = ma.fields.AwareDateTime()


class SyncRequestSchema(Schema):
    """A batch envelope; each event is checked on its own (see the protocol document)."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _refuse_nul(self, data, **_kwargs):
        # device_protocol checks every text it keeps; walking 500 events twice is waste.
        return data

    sent_at = ma.fields.String(required=True, metadata={"description": "Device clock at sending"})
    boot_id = ma.fields.String(validate=ma.validate.Length(max=64))
    monotonic_ms = ma.fields.Integer()
    events = ma.fields.List(
        ma.fields.Raw(),
        required=True,
        validate=ma.validate.Length(max=MAX_EVENTS),
        metadata={"description": "scan, incident and shift events (docs/device-protocol.md)"},
    )


class EventResultSchema(Schema):
    """What became of one event."""

    uuid = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "accepted, duplicate, conflict, rejected"})
    reason = ma.fields.String(allow_none=True)
    flags = ma.fields.List(ma.fields.String())
    event_id = Id(
        allow_none=True,
        metadata={
            "description": "The server's id of the event stored with this uuid: the new one if "
            "accepted, the first copy for a duplicate or a conflict; null if rejected (or, for a "
            "duplicate, not known)"
        },
    )


class SyncResponseSchema(Schema):
    """Per-event results, in the order sent, and the clock as the server sees it."""

    server_time = ma.fields.AwareDateTime()
    clock_offset_ms = ma.fields.Integer(metadata={"description": "Server clock minus device clock"})
    results = ma.fields.List(ma.fields.Nested(EventResultSchema))


SHA256 = ma.validate.Regexp(r"^[0-9a-f]{64}$", error="lower-case hex SHA-256")


class HashesSchema(Schema):
    """Photo hashes the device holds."""

    sha256 = ma.fields.List(
        ma.fields.String(validate=SHA256), required=True, validate=ma.validate.Length(max=500)
    )


class MissingSchema(Schema):
    """Hashes to upload."""

    missing = ma.fields.List(ma.fields.String())


class PhotoSchema(Schema):
    """A stored photo."""

    sha256 = ma.fields.String()
    content_type = ma.fields.String()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    size_bytes = ma.fields.Integer()
    uploaded_at = ma.fields.AwareDateTime()
