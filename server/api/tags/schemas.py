"""QR tag schemas."""

import marshmallow as ma

from server.api.common import Id, Schema
from server.domain.models import TagStatus, TagSubject
from server.domain.registry.tags import Problem

PAPERS = ("a4", "letter")
LAYOUTS = ("small", "large")


class QrTagSchema(Schema):
    """An issued tag with its status and history links."""

    id = Id(dump_only=True)
    site_id = Id(dump_only=True)
    subject = ma.fields.Enum(TagSubject, by_value=True, dump_only=True)
    checkpoint_id = Id(allow_none=True, dump_only=True)
    asset_id = Id(allow_none=True, dump_only=True)
    status = ma.fields.Enum(TagStatus, by_value=True, dump_only=True)
    key_number = ma.fields.Integer(dump_only=True, metadata={"description": "Signing key id"})
    payload = ma.fields.String(dump_only=True, metadata={"description": "Text the QR code holds"})
    issued_at = ma.fields.AwareDateTime(dump_only=True)
    issued_by = Id(allow_none=True, dump_only=True)
    ended_at = ma.fields.AwareDateTime(allow_none=True, dump_only=True)
    ended_by = Id(allow_none=True, dump_only=True)
    end_reason = ma.fields.String(dump_only=True)
    replaced_by_id = Id(allow_none=True, dump_only=True)


class IssueSchema(Schema):
    """What to tag: a checkpoint or an asset."""

    checkpoint_id = Id()
    asset_id = Id()


class EndSchema(Schema):
    """Why a tag is re-issued or revoked, for the record."""

    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class TagListArgs(Schema):
    """Filters for the tag list."""

    site_id = Id()
    subject = ma.fields.Enum(TagSubject, by_value=True)
    checkpoint_id = Id()
    asset_id = Id()
    status = ma.fields.Enum(TagStatus, by_value=True)
    sort = ma.fields.String(validate=ma.validate.Length(max=50))


class ImageArgs(Schema):
    """Print size of one code."""

    size_mm = ma.fields.Float(
        load_default=30.0, validate=ma.validate.Range(10, 300), metadata={"description": "Width"}
    )
    dpi = ma.fields.Integer(load_default=300, validate=ma.validate.Range(72, 1200))


class VerifyRequestSchema(Schema):
    """A scanned payload."""

    payload = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class VerificationSchema(Schema):
    """Whether a payload verifies and, if not, exactly why."""

    valid = ma.fields.Boolean()
    reason = ma.fields.Enum(Problem, by_value=True, allow_none=True)
    tag_id = Id(allow_none=True)
    subject = ma.fields.Enum(TagSubject, by_value=True, allow_none=True)
    checkpoint_id = Id(allow_none=True)
    asset_id = Id(allow_none=True)
    site_id = Id(allow_none=True)


class SheetArgs(Schema):
    """Which active tags to print, on what paper, in which layout."""

    site_id = Id()
    zone_id = Id()
    tag_id = ma.fields.List(Id(), validate=ma.validate.Length(max=2000))
    subject = ma.fields.Enum(TagSubject, by_value=True)
    paper = ma.fields.String(load_default="a4", validate=ma.validate.OneOf(PAPERS))
    layout = ma.fields.String(
        load_default="small",
        validate=ma.validate.OneOf(LAYOUTS),
        metadata={"description": "small: 21 indoor stickers a page; large: 6 outdoor plates"},
    )
