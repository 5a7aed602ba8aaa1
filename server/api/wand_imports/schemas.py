"""Wand import schemas: the upload with how to read it, and the report."""

import marshmallow as ma
from flask_smorest.fields import Upload

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Bool, Int, Text
from server.ingest import wand

_COLUMN_NAME = {"validate": ma.validate.Length(min=1, max=100)}


class ImportForm(QueryArgs):
    """The export, where its reads belong, and how to read it when the headers do not say."""

    file = Upload(
        required=True,
        metadata={
            "description": ".xlsx, or text (CSV, tab-separated, .txt, a text .xls) in UTF-8, "
            "UTF-16 or GB18030/GBK"
        },
    )
    site_id = Id(required=True)
    kind = Text(load_default="ibutton", validate=ma.validate.OneOf(wand.WAND_KINDS))
    wand_serial = Text(
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "The wand's serial, when the file has no wand column"},
    )
    clock_offset_seconds = ma.fields.Float(
        load_default=0.0,
        validate=ma.validate.Range(-366 * 86400, 366 * 86400),
        metadata={"description": "PC time minus wand time at download (cradle software shows it)"},
    )
    tag_column = Text(
        **_COLUMN_NAME,
        metadata={"description": "The chip id column: its header, 1-based number or letter"},
    )
    time_column = Text(
        **_COLUMN_NAME,
        metadata={"description": "The time column; `日期+时间` joins a date and a time column"},
    )
    wand_column = Text(**_COLUMN_NAME, metadata={"description": "The wand column"})
    guard_column = Text(
        **_COLUMN_NAME,
        metadata={"description": "The guard column: names, staff numbers (logins) or person tags"},
    )
    time_format = Text(
        validate=ma.validate.Length(min=1, max=50),
        metadata={
            "description": "A strptime format, for times no known format reads",
            "example": "%d-%m-%Y %Hh%M",
        },
    )
    dry_run = Bool(
        load_default=False,
        metadata={
            "description": "Report the columns, the first reads and the counts; store nothing"
        },
    )


class ColumnSchema(Schema):
    """A column of the file chosen for one part of the reads."""

    column = Int(metadata={"description": "1-based"})
    header = Text()
    found_by = Text(
        validate=ma.validate.OneOf(("option", "header", "content")),
        metadata={"description": "Named by an option, by its header, or by its cells"},
    )


class MappingSchema(Schema):
    """The columns the import used."""

    header_line = Int(metadata={"description": "0 when the file has no header"})
    tag = ma.fields.Nested(ColumnSchema)
    time = ma.fields.Nested(ColumnSchema)
    date = ma.fields.Nested(ColumnSchema, metadata={"description": "When the date is apart"})
    wand = ma.fields.Nested(ColumnSchema)
    guard = ma.fields.Nested(ColumnSchema)
    checkpoint = ma.fields.Nested(ColumnSchema, metadata={"description": "Checkpoint names"})
    wand_serial = Text()


class ReadSchema(Schema):
    """A read as parsed: the wand's local time, before any clock correction."""

    line = Int()
    wand = Text()
    tag = Text()
    time = Text(metadata={"example": "2026-11-21T22:05:10"})
    guard = Text(allow_none=True)
    checkpoint = Text(allow_none=True)


class UnmatchedSchema(Schema):
    """A new scan of a chip no checkpoint has."""

    line = Int()
    tag = Text()
    checkpoint = Text(allow_none=True, metadata={"description": "As the file names it"})


class UnknownGuardSchema(Schema):
    """A guard cell that names no active user; its reads are stored without a guard."""

    guard = Text()
    reason = Text()
    first_line = Int()
    reads = Int()


class BadRowSchema(Schema):
    """A row that was not stored, and why."""

    line = Int()
    reason = Text()


class ReportSchema(Schema):
    """What the import stored (or, in a dry run, would store); nothing is ever stored twice."""

    dry_run = Bool()
    mapping = ma.fields.Nested(MappingSchema)
    preview = ma.fields.List(
        ma.fields.Nested(ReadSchema), metadata={"description": f"The first {wand.PREVIEW} reads"}
    )
    reads = Int()
    imported = Int(metadata={"description": "New scans"})
    duplicates = Int(metadata={"description": "Already stored; nothing to add"})
    completed = Int(
        metadata={"description": "Already stored without a guard; given this file's guard"}
    )
    conflicts = Int(metadata={"description": "Already stored with another guard, which is kept"})
    person_reads = Int()
    unmatched = ma.fields.List(ma.fields.Nested(UnmatchedSchema))
    unknown_guards = ma.fields.List(ma.fields.Nested(UnknownGuardSchema))
    bad_rows = ma.fields.List(ma.fields.Nested(BadRowSchema))
    wands = ma.fields.List(Text())
    flags = ma.fields.Dict(keys=Text(), values=Int())
