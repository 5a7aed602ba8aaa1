"""Report schemas."""

import marshmallow as ma

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Instant, Int, Text
from server.api.names import PERSON, NameOf
from server.domain.models import ReportFormat, ReportKind, ReportState
from server.domain.reports.library import LANGUAGES

_SHIFT = {"description": "A daily activity report's shift, by its start time in site time"}
_DAY = {"description": "A daily activity report's day: the local date its shift starts"}


class ReportAskSchema(Schema):
    """The report wanted; a daily activity report names its day and shift."""

    site_id = Id(required=True)
    kind = ma.fields.Enum(ReportKind, by_value=True, required=True)
    format = ma.fields.Enum(ReportFormat, by_value=True, load_default=ReportFormat.PDF)
    language = Text(validate=ma.validate.OneOf(LANGUAGES), load_default="zh")
    day = ma.fields.Date(metadata=_DAY)
    shift = Text(validate=ma.validate.Regexp(r"^\d{2}:\d{2}$"), metadata=_SHIFT)
    since = ma.fields.Date(metadata={"description": "A compliance report's first local day"})
    until = ma.fields.Date(
        metadata={"description": "A compliance report's last local day (included; 92 at most)"}
    )
    asset_id = Id(metadata={"description": "An asset report's asset"})
    month = Text(
        validate=ma.validate.Regexp(r"^\d{4}-\d{2}$"),
        metadata={"description": "An asset report's month, in site time: 2026-11"},
    )
    record_id = Id(metadata={"description": "An audit report's scored inspection record"})


class ReportVersionSchema(Schema):
    """Another version of the same report."""

    id = Id()
    version = Int()
    state = ma.fields.Enum(ReportState, by_value=True)
    made_at = Instant(allow_none=True)
    changes = ma.fields.List(Text())


class MadeReportSchema(Schema):
    """One version of a report: made once by the worker, never rewritten."""

    id = Id()
    site_id = Id()
    kind = ma.fields.Enum(ReportKind, by_value=True)
    subject = Text(metadata={"description": "What it covers, as people say it"})
    format = ma.fields.Enum(ReportFormat, by_value=True)
    language = Text()
    since = Instant(metadata={"description": "The period covered, from (UTC)"})
    until = Instant(metadata={"description": "to (UTC, not included)"})
    version = Int()
    state = ma.fields.Enum(ReportState, by_value=True)
    requested_by = Id(allow_none=True, metadata={"description": "None: made on a schedule"})
    requested_by_name = NameOf("requested_by", PERSON)
    requested_at = Instant()
    made_at = Instant(allow_none=True)
    sha256 = Text(allow_none=True, metadata={"description": "The file's SHA-256: its name"})
    size = Int(allow_none=True)
    figures = ma.fields.Dict(keys=Text(), values=Int())
    amends_id = Id(
        allow_none=True, metadata={"description": "The version this one amends (late data)"}
    )
    changes = ma.fields.List(Text(), metadata={"description": "What the amendment changed"})
    error = Text(allow_none=True)


class ReportListArgs(QueryArgs):
    """Filters; each one given narrows the list."""

    site_id = Id()
    kind = ma.fields.Enum(ReportKind, by_value=True)
    state = ma.fields.Enum(ReportState, by_value=True)
    since = Instant(metadata={"description": "Covering time after"})
    until = Instant(metadata={"description": "Covering time before"})
    sort = Text(validate=ma.validate.Length(max=50))
