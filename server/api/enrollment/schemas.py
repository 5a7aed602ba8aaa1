"""Enrollment code schemas."""

import marshmallow as ma

from server.api.common import Id, Schema


class CodeRequestSchema(Schema):
    """Which site the new handheld joins, and how long the code lives."""

    site_id = Id(required=True)
    ttl_minutes = ma.fields.Integer(load_default=30, validate=ma.validate.Range(5, 24 * 60))


class EnrollmentCodeSchema(Schema):
    """An enrollment code's state; the code itself is only in the creation response."""

    id = Id()
    site_id = Id()
    created_at = ma.fields.AwareDateTime()
    created_by = Id(allow_none=True)
    expires_at = ma.fields.AwareDateTime()
    used_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    device_id = Id(allow_none=True)


class NewCodeSchema(EnrollmentCodeSchema):
    """A new code: type it on the handheld, or let it scan qr_png."""

    code = ma.fields.String(metadata={"example": "K7QF-3MZP-X2WD"})
    qr_payload = ma.fields.String(metadata={"example": "VE1:K7QF3MZPX2WD"})
    qr_png = ma.fields.String(metadata={"description": "data: URI of a PNG of the QR code"})


class CodeListArgs(Schema):
    """Filters for the code list."""

    site_id = Id()
