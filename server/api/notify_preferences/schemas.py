"""Notification preference schemas: times of day as "HH:MM" on the person's own clock."""

import re
from datetime import time
from typing import Any

import marshmallow as ma

from server.api.common import Id, Schema
from server.api.fields import Bool, Instant, Text
from server.domain.notify.preferences import LANGUAGES

HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class ClockTime(ma.fields.String):
    """A time of day, "HH:MM" on the 24-hour clock."""

    default_error_messages = {"format": 'a time of day as "HH:MM", from 00:00 to 23:59'}

    def __init__(self, **kwargs: Any) -> None:
        shape = {"pattern": HH_MM, "maxLength": 5, "example": "22:00"}
        super().__init__(metadata=shape | kwargs.pop("metadata", {}), **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else value.strftime("%H:%M")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> time:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(HH_MM, text):
            raise self.make_error("format")
        return time(int(text[:2]), int(text[3:]))


class NotifyPreferenceSchema(Schema):
    """How one person is told: their e-mail address, language, quiet hours and daily digest.

    Quiet hours hold low and medium alerts for the digest (high and critical always go out);
    a span past midnight (22:00 to 07:00) wraps.
    """

    user_id = Id(dump_only=True)
    email = Text(
        allow_none=True,
        validate=ma.validate.Length(max=254),
        metadata={"description": "Where alerts are e-mailed; null: not by e-mail"},
    )
    language = Text(validate=ma.validate.OneOf(LANGUAGES))
    timezone = Text(
        validate=ma.validate.Length(min=1, max=64),
        metadata={"description": "IANA timezone the times are on", "example": "Asia/Shanghai"},
    )
    quiet_start = ClockTime(allow_none=True, metadata={"description": "Quiet hours begin"})
    quiet_end = ClockTime(
        allow_none=True, metadata={"description": "Quiet hours end", "example": "07:00"}
    )
    digest = Bool(metadata={"description": "A daily digest, sent only when it holds something"})
    digest_at = ClockTime(
        metadata={"description": "When the daily digest is sent", "example": "08:00"}
    )
    updated_at = Instant(
        dump_only=True, allow_none=True, metadata={"description": "Null: never set, the defaults"}
    )


class NotifyPreferenceUpdateSchema(NotifyPreferenceSchema):
    """Fields a PUT may set; those left out keep their values."""
