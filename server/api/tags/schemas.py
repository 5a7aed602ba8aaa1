"""QR tag schemas."""

import marshmallow as ma

from qr import sheets
from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Bool, Instant, Int, Text
from server.domain.models import TagStatus, TagSubject
from server.domain.registry.tags import MAX_LABELS, Problem


class QrTagSchema(Schema):
    """An issued tag with its status and history links."""

    id = Id(dump_only=True)
    site_id = Id(dump_only=True)
    subject = ma.fields.Enum(TagSubject, by_value=True, dump_only=True)
    checkpoint_id = Id(allow_none=True, dump_only=True)
    asset_id = Id(allow_none=True, dump_only=True)
    status = ma.fields.Enum(TagStatus, by_value=True, dump_only=True)
    key_number = Int(dump_only=True, metadata={"description": "Signing key id"})
    payload = Text(dump_only=True, metadata={"description": "Text the QR code holds"})
    issued_at = Instant(dump_only=True)
    issued_by = Id(allow_none=True, dump_only=True)
    ended_at = Instant(allow_none=True, dump_only=True)
    ended_by = Id(allow_none=True, dump_only=True)
    end_reason = Text(dump_only=True)
    replaced_by_id = Id(allow_none=True, dump_only=True)


class IssueSchema(Schema):
    """What to tag: a checkpoint or an asset."""

    checkpoint_id = Id()
    asset_id = Id()


class EndSchema(Schema):
    """Why a tag is re-issued or revoked, for the record."""

    reason = Text(required=True, validate=ma.validate.Length(min=1, max=500))


class TagListArgs(QueryArgs):
    """Filters for the tag list."""

    site_id = Id()
    subject = ma.fields.Enum(TagSubject, by_value=True)
    checkpoint_id = Id()
    asset_id = Id()
    status = ma.fields.Enum(TagStatus, by_value=True)
    sort = Text(validate=ma.validate.Length(max=50))


class ImageArgs(QueryArgs):
    """Print size of one code."""

    size_mm = ma.fields.Float(
        load_default=30.0, validate=ma.validate.Range(10, 300), metadata={"description": "Width"}
    )
    dpi = Int(load_default=300, validate=ma.validate.Range(72, 1200))


class VerifyRequestSchema(Schema):
    """A scanned payload."""

    payload = Text(required=True, validate=ma.validate.Length(min=1, max=200))


class VerificationSchema(Schema):
    """Whether a payload verifies and, if not, exactly why."""

    valid = Bool()
    reason = ma.fields.Enum(Problem, by_value=True, allow_none=True)
    tag_id = Id(allow_none=True)
    subject = ma.fields.Enum(TagSubject, by_value=True, allow_none=True)
    checkpoint_id = Id(allow_none=True)
    asset_id = Id(allow_none=True)
    site_id = Id(allow_none=True)


class SheetChoices(Schema):
    """What to print and how: the active tags of a site or a zone (of one kind, if given)."""

    site_id = Id()
    zone_id = Id()
    subject = ma.fields.Enum(
        TagSubject, by_value=True, metadata={"description": "Only checkpoints, or only assets"}
    )
    paper = Text(load_default="a4", validate=ma.validate.OneOf(tuple(sheets.PAPERS)))
    layout = Text(
        load_default="small",
        validate=ma.validate.OneOf(tuple(sheets.LAYOUTS)),
        metadata={"description": "small: 21 indoor stickers a page; large: 6 outdoor plates"},
    )


class SheetArgs(QueryArgs, SheetChoices):
    """A site's or a zone's labels, as a link asks for them."""


class SheetRequestSchema(SheetChoices):
    """Labels for any choice, a selection of tags included (more ids than a URL can hold)."""

    tag_ids = ma.fields.List(
        Id(),
        validate=ma.validate.Length(min=1, max=MAX_LABELS),
        metadata={"description": "Only these tags (with site_id or zone_id, those among them)"},
    )
