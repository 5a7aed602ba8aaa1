"""Device protocol schemas (the full contract is docs/device-protocol.md)."""

import marshmallow as ma

from device_protocol.version import MAX_EVENTS
from server.api.common import Id, Schema
from server.api.fields import Instant, Int, Text


class EnrollSchema(Schema):
    """A one-time enrollment code and the handheld's identity."""

    code = Text(required=True, validate=ma.validate.Length(min=1, max=40))
    serial = Text(required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9._:-]{1,100}$"))
    label = Text(load_default="", validate=ma.validate.Length(max=200))


class EnrolledSchema(Schema):
    """The device's bearer token: keep it; it is shown once."""

    device_id = Id()
    token = Text()
    site_ids = ma.fields.List(Id())
    server_time = Instant()


class SyncRequestSchema(Schema):
    """A batch envelope; each event is checked on its own (see the protocol document)."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _refuse_unstorable(self, data, **_kwargs):
        # device_protocol checks each event's text on its own: one bad event is rejected alone.
        return data

    sent_at = Text(
        required=True, metadata={"description": "Device clock at sending", "format": "date-time"}
    )
    boot_id = Text(validate=ma.validate.Length(max=64))
    monotonic_ms = Int()
    events = ma.fields.List(
        ma.fields.Raw(),
        required=True,
        validate=ma.validate.Length(max=MAX_EVENTS),
        metadata={"description": "scan, incident and shift events (docs/device-protocol.md)"},
    )


class EventResultSchema(Schema):
    """What became of one event."""

    uuid = Text(allow_none=True)
    status = Text(metadata={"description": "accepted, duplicate, conflict, rejected"})
    reason = Text(allow_none=True)
    flags = ma.fields.List(Text())
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

    server_time = Instant()
    clock_offset_ms = Int(metadata={"description": "Server clock minus device clock"})
    results = ma.fields.List(ma.fields.Nested(EventResultSchema))


SHA256 = ma.validate.Regexp(r"^[0-9a-f]{64}$", error="lower-case hex SHA-256")


class HashesSchema(Schema):
    """Photo hashes the device holds."""

    sha256 = ma.fields.List(
        Text(validate=SHA256), required=True, validate=ma.validate.Length(max=500)
    )


class MissingSchema(Schema):
    """Hashes to upload."""

    missing = ma.fields.List(Text())


class PhotoSchema(Schema):
    """A stored photo."""

    sha256 = Text()
    content_type = Text()
    width = Int()
    height = Int()
    size_bytes = Int()
    uploaded_at = Instant()
