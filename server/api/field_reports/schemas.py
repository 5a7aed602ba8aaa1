"""Incident and shift note schemas: a report's own fields typed, with names, times and photos."""

from typing import Any

import marshmallow as ma
from flask import url_for

from device_protocol.events import INCIDENT_CATEGORIES, SHIFT_KINDS, Severity
from device_protocol.flags import Flag
from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Bool, Instant, Text
from server.api.names import HANDHELD, PERSON, NameOf
from server.domain.field_reports import PhotoOf

_CATEGORY = {"enum": list(INCIDENT_CATEGORIES)}
_KIND = {"enum": list(SHIFT_KINDS)}


def _ref(path: str, what: str, **metadata: Any) -> ma.fields.Function:
    """One part (id or name) of what the report names, flat as every response has it."""
    ref, part = path.split(".")
    kind = {"type": "integer"} if part == "id" else {"type": "string"}

    def read(report: Any) -> Any:
        named = getattr(report, ref)
        return None if named is None else getattr(named, part)

    description = f"The {what}'s {'id' if part == 'id' else 'name'}"
    return ma.fields.Function(read, metadata=kind | {"description": description} | metadata)


class ReportPhotoSchema(Schema):
    """A photo of the report, with where to get it."""

    sha256 = Text(validate=ma.validate.Length(equal=64))
    received = Bool(
        metadata={"description": "False until the handheld uploads it; till then the links 404"}
    )
    thumbnail = Text(metadata={"description": "320 px JPEG, upright, no EXIF"})
    display = Text(metadata={"description": "1600 px JPEG, upright, no EXIF"})
    original = Text(metadata={"description": "The bytes as sent, GPS included (admins only)"})

    @ma.pre_dump
    def _links(self, photo: PhotoOf, **_kwargs: Any) -> dict[str, Any]:
        sha = photo.sha256
        return {
            "sha256": sha,
            "received": photo.received,
            "thumbnail": url_for("photos.Derived", sha256=sha, size="thumbnail"),
            "display": url_for("photos.Derived", sha256=sha, size="display"),
            "original": url_for("photos.Original", sha256=sha),
        }


class PositionSchema(Schema):
    """The handheld's GPS fix when it reported."""

    latitude = ma.fields.Float()
    longitude = ma.fields.Float()
    accuracy_m = ma.fields.Float(allow_none=True)


class ReportSchema(Schema):
    """What every field report carries."""

    id = Id(metadata={"description": "Also its id in the scan log (GET /api/v1/events)"})
    uuid = Text(metadata={"description": "Made on the handheld: its idempotency key"})
    site_id = _ref("site.id", "site", nullable=True)
    site_name = _ref("site.name", "site", nullable=True)
    user_id = Id(allow_none=True, metadata={"description": "The guard signed in on the handheld"})
    user_name = NameOf("user_id", PERSON)
    device_id = Id(metadata={"description": "The handheld"})
    device_name = NameOf("device_id", HANDHELD)
    device_time = Instant(
        metadata={"description": "The handheld's own clock when it happened, as sent (may be off)"}
    )
    corrected_time = Instant(
        metadata={
            "description": "When it happened on the server's clock: the handheld's time corrected "
            "by its measured clock offset; lists are ordered and filtered (since, until) by it"
        }
    )
    time_source = Text(
        metadata={
            "description": "How corrected_time was found: monotonic (exact, from the handheld's "
            "uptime clock) or wall_clock (its clock, shifted by the offset seen at sync)",
            "enum": ["monotonic", "wall_clock"],
        }
    )
    received_at = Instant(
        metadata={"description": "When the server got it: later when the handheld was offline"}
    )
    flags = ma.fields.List(
        Text(metadata={"enum": [f.value for f in Flag]}),
        metadata={"description": "Why to look twice (docs/device-protocol.md)"},
    )


class IncidentSchema(ReportSchema):
    """Something a guard saw and reported from the handheld."""

    category = Text(metadata=_CATEGORY)
    severity = ma.fields.Enum(Severity, by_value=True)
    text = Text()
    checkpoint_id = _ref("checkpoint.id", "checkpoint the guard named", nullable=True)
    checkpoint_name = _ref("checkpoint.name", "checkpoint the guard named", nullable=True)
    position = ma.fields.Nested(PositionSchema, allow_none=True)
    photos = ma.fields.List(ma.fields.Nested(ReportPhotoSchema))


class ShiftNoteSchema(ReportSchema):
    """A guard coming on duty, going off, or handing the handheld over, and what they wrote."""

    kind = Text(metadata=_KIND)
    note = Text(metadata={"description": "Empty when nothing was written"})


class _ReportListArgs(QueryArgs):
    site_id = Id()
    user_id = Id(metadata={"description": "The guard"})
    device_id = Id(metadata={"description": "The handheld"})
    since = Instant(metadata={"description": "Corrected time at or after"})
    until = Instant(metadata={"description": "Corrected time before"})


class IncidentListArgs(_ReportListArgs):
    """Filters for incidents; each one given narrows the list."""

    checkpoint_id = Id()
    category = Text(validate=ma.validate.OneOf(INCIDENT_CATEGORIES), metadata=_CATEGORY)
    severity = ma.fields.Enum(Severity, by_value=True)


class ShiftNoteListArgs(_ReportListArgs):
    """Filters for shift notes; each one given narrows the list."""

    kind = Text(validate=ma.validate.OneOf(SHIFT_KINDS), metadata=_KIND)
    has_note = Bool(
        metadata={"description": "true: only those with something written; false: none written"}
    )
