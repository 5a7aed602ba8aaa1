"""Scan log schemas."""

from typing import Any

import marshmallow as ma

from device_protocol.events import EventType
from device_protocol.flags import Flag
from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Instant, Int, Text
from server.api.names import HANDHELD, PERSON, NameOf
from server.domain import events
from server.domain.errors import Invalid

_CORRECTED = "the device's time placed on the server clock; lists are ordered by it"


class EventSchema(Schema):
    """One event as a handheld reported it, with where and whose the server found it to be."""

    id = Id()
    uuid = Text(metadata={"description": "Made on the handheld: its idempotency key"})
    type = Text(metadata={"enum": [t.value for t in EventType]})
    device_time = Instant(metadata={"description": "The handheld's clock"})
    corrected_time = Instant(metadata={"description": _CORRECTED.capitalize()})
    time_source = Text(
        metadata={"description": "How it was corrected: monotonic (exact) or wall_clock"}
    )
    received_at = Instant(metadata={"description": "When the server got it"})
    site_id = Id(allow_none=True)
    checkpoint_id = Id(allow_none=True)
    qr_tag_id = Id(allow_none=True)
    device_id = Id(metadata={"description": "The handheld"})
    device_name = NameOf("device_id", HANDHELD)
    user_id = Id(allow_none=True, metadata={"description": "The guard the handheld named"})
    user_name = NameOf("user_id", PERSON)
    flags = ma.fields.List(
        Text(metadata={"enum": [f.value for f in Flag]}),
        metadata={"description": "Why to look twice (docs/device-protocol.md)"},
    )
    data = ma.fields.Dict(
        keys=Text(),
        values=ma.fields.Raw(),
        metadata={"description": "The type's own fields as received (method, payload, text...)"},
    )


class EventPageSchema(Schema):
    """A page of the scan log, newest first."""

    items = ma.fields.List(ma.fields.Nested(EventSchema))
    next_cursor = Text(
        allow_none=True,
        metadata={"description": "Send as `cursor` for the next page; null on the last page"},
    )


class EventListArgs(QueryArgs):
    """Filters for the scan log; each one given narrows it."""

    site_id = Id()
    device_id = Id(metadata={"description": "The handheld"})
    user_id = Id(metadata={"description": "The guard"})
    checkpoint_id = Id()
    type = ma.fields.Enum(EventType, by_value=True)
    flags = ma.fields.List(
        ma.fields.Enum(Flag, by_value=True),
        validate=ma.validate.Length(max=len(Flag)),
        metadata={"description": "Events carrying any of these flags (repeat the parameter)"},
    )
    since = Instant(metadata={"description": "Corrected time at or after"})
    until = Instant(metadata={"description": "Corrected time before"})

    @ma.post_load
    def _flag_set(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if "flags" in data:
            data["flags"] = frozenset(data["flags"])
        return data


class CursorField(ma.fields.String):
    """An opaque place in the scan log, as a page's next_cursor gave it."""

    MAX_LENGTH = 100

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> events.Cursor:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > self.MAX_LENGTH:
            raise ma.ValidationError(f"at most {self.MAX_LENGTH} characters")
        try:
            return events.Cursor.decode(text)
        except Invalid as error:
            raise ma.ValidationError(error.message) from error


class EventPageArgs(EventListArgs):
    """The filters, and which page."""

    cursor = CursorField(
        metadata={
            "description": "The previous page's next_cursor; none for the newest events",
            "maxLength": CursorField.MAX_LENGTH,
        }
    )
    limit = Int(
        load_default=50,
        validate=ma.validate.Range(1, events.MAX_LIMIT),
        metadata={"description": "Events per page"},
    )
