"""Report schedule schemas: the shape; the domain judges the recipients and the report."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Bool, Instant, Text
from server.domain.models import Cadence, ReportFormat, ReportKind
from server.domain.reports.library import LANGUAGES

MAX_RECIPIENTS = 200


def _ids(what: str) -> ma.fields.List:
    return ma.fields.List(
        Id(), validate=ma.validate.Length(max=MAX_RECIPIENTS), metadata={"description": what}
    )


class ScheduleParamsSchema(Schema):
    """What a kind needs beyond the site: an asset's month names the asset."""

    asset_id = Id()


class ReportScheduleSchema(RegistrySchema):
    """A report delivered on a schedule, through the notification channels."""

    org_id = Id(dump_only=True)
    site_id = Id(required=True)
    name = name_field(required=True)
    kind = ma.fields.Enum(ReportKind, by_value=True, required=True)
    format = ma.fields.Enum(ReportFormat, by_value=True)
    language = Text(validate=ma.validate.OneOf(LANGUAGES))
    cadence = ma.fields.Enum(
        Cadence,
        by_value=True,
        dump_only=True,
        metadata={"description": "shift: after each shift; month: on the 1st (from the kind)"},
    )
    at_local = Text(
        validate=ma.validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="HH:MM"),
        metadata={"description": "A month's report comes on the 1st at this site time"},
    )
    params = ma.fields.Nested(ScheduleParamsSchema)
    user_ids = _ids("People told by e-mail, the file attached")
    endpoint_ids = _ids("Notify endpoints told, with the file's link")
    send_empty = Bool(
        metadata={"description": "Also send a report with nothing in it (default: not)"}
    )
    done_until = Instant(dump_only=True, allow_none=True, metadata={
        "description": "The end of the last period asked for"})  # fmt: skip


class ReportScheduleUpdateSchema(ReportScheduleSchema):
    """Fields a PATCH may change; what a schedule covers (site, kind) stays."""

    class Meta:
        exclude = ("site_id", "kind")


class ReportScheduleListArgs(ListArgs):
    site_id = Id()
    kind = ma.fields.Enum(ReportKind, by_value=True)
