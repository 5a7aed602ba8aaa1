"""Inspection template schemas."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Instant, Int, Text
from server.api.names import PERSON, NameOf
from server.domain.models import AssetKind

_DEFINITION = {
    "description": (
        "Sections of typed items (number, meter, check, choice, text, photo, derived, audit) "
        "with units, normal ranges and warning and critical limits: see docs/inspections.md"
    )
}


class TemplateSchema(RegistrySchema):
    """A kind of inspection; its form is versioned, and records keep the version they used."""

    code = Text(
        required=True,
        validate=[ma.validate.Length(min=1, max=60), ma.validate.Regexp(r"^[a-z][a-z0-9_]*$")],
        metadata={"example": "generator_weekly"},
    )
    name = name_field(required=True)
    name_zh = Text(validate=ma.validate.Length(max=200))
    asset_kind = ma.fields.Enum(
        AssetKind,
        by_value=True,
        allow_none=True,
        metadata={"description": "The kind of asset it is for; null for a site-wide form"},
    )
    description = Text(validate=ma.validate.Length(max=4000))
    version = Int(dump_only=True, metadata={"description": "The current version"})
    definition = ma.fields.Dict(required=True, metadata=_DEFINITION)


class TemplateUpdateSchema(TemplateSchema):
    """Fields a PATCH may change; a changed definition becomes the next version."""

    class Meta:
        exclude = ("code",)


class TemplateListArgs(ListArgs):
    """Filters for the template list."""

    asset_kind = ma.fields.Enum(AssetKind, by_value=True)


class VersionSchema(Schema):
    """One version of a template's form."""

    template_id = Id()
    version = Int()
    definition = ma.fields.Dict(metadata=_DEFINITION)
    created_at = Instant()
    created_by = Id(allow_none=True)
    created_by_name = NameOf("created_by", PERSON)
