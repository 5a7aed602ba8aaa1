"""Enrollment code schemas."""

import marshmallow as ma

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Instant, Int, Text
from server.api.names import HANDHELD, PERSON, NameOf


class CodeRequestSchema(Schema):
    """Which site the new handheld joins, and how long the code lives."""

    site_id = Id(required=True)
    ttl_minutes = Int(load_default=30, validate=ma.validate.Range(5, 24 * 60))


class EnrollmentCodeSchema(Schema):
    """An enrollment code's state; the code itself is only in the creation response."""

    id = Id()
    site_id = Id()
    created_at = Instant()
    created_by = Id(allow_none=True)
    created_by_name = NameOf("created_by", PERSON)
    expires_at = Instant()
    used_at = Instant(allow_none=True)
    revoked_at = Instant(allow_none=True)
    device_id = Id(allow_none=True)
    device_name = NameOf("device_id", HANDHELD)


class NewCodeSchema(EnrollmentCodeSchema):
    """A new code: type it on the handheld, or let it scan qr_png."""

    code = Text(metadata={"example": "K7QF-3MZP-X2WD"})
    qr_payload = Text(metadata={"example": "VE1:K7QF3MZPX2WD"})
    qr_png = Text(metadata={"description": "data: URI of a PNG of the QR code"})


class CodeListArgs(QueryArgs):
    """Filters for the code list."""

    site_id = Id()
