"""Schedule schemas."""

import marshmallow as ma

from server.api.common import Id, ListArgs, QueryArgs, RegistrySchema, Schema, name_field
from server.api.fields import Bool, Instant, Int, Text
from server.api.names import PERSON, NameOf
from server.domain.patrol import rounds_ahead
from server.domain.recurrence import GapPolicy

_RULE = {
    "description": "RFC 5545 RRULE in site-local time, e.g. FREQ=DAILY;BYHOUR=22,0,2,4;BYMINUTE=0; "
    "UNTIL ending in Z is UTC, without Z site-local, a date (YYYYMMDD) that whole local day",
    "example": "FREQ=DAILY;BYHOUR=22;BYMINUTE=0",
}
_START = {"description": "Site-local start (DTSTART), no offset", "example": "2026-11-01T22:00"}
_EXDATES = {"description": "Local dates (whole day off) or local times (one round off)"}
_GAP = {"description": "A start in the spring-forward gap: shift (RFC 5545) or skip"}


class RuleSchema(Schema):
    """A recurrence: rule, local start, exceptions, and what the spring-forward gap does."""

    rrule = Text(required=True, validate=ma.validate.Length(min=1, max=500), metadata=_RULE)
    start_local = Text(required=True, validate=ma.validate.Length(max=19), metadata=_START)
    exdates = ma.fields.List(
        Text(validate=ma.validate.Length(max=19)),
        validate=ma.validate.Length(max=500),
        metadata=_EXDATES,
    )
    gap_policy = ma.fields.Enum(GapPolicy, by_value=True, metadata=_GAP)


class ScheduleSchema(RuleSchema, RegistrySchema):
    """When a route is walked and by whom."""

    org_id = Id(dump_only=True)
    site_id = Id(dump_only=True)
    route_id = Id(required=True)
    name = name_field(required=True)
    window_min = Int(
        required=True,
        validate=ma.validate.Range(1, rounds_ahead.MAX_WINDOW_MIN),
        metadata={"description": "Minutes the round may take"},
    )
    early_min = Int(validate=ma.validate.Range(0, rounds_ahead.MAX_EDGE_MIN))
    late_min = Int(validate=ma.validate.Range(0, rounds_ahead.MAX_EDGE_MIN))
    grace_min = Int(
        validate=ma.validate.Range(0, rounds_ahead.MAX_EDGE_MIN),
        metadata={
            "description": "Minutes after the start before a round not begun is flagged; "
            "a new schedule without it takes its site's default_grace_min"
        },
    )
    assignee_id = Id(allow_none=True)
    assignee_name = NameOf("assignee_id", PERSON)
    team = Text(allow_none=True, validate=ma.validate.Length(max=100))
    paused = Bool()


class ScheduleUpdateSchema(ScheduleSchema):
    """Fields a PATCH may change; edits remake only rounds not yet begun."""

    class Meta:
        exclude = ("route_id",)


class ScheduleListArgs(ListArgs):
    """Filters for the schedule list."""

    site_id = Id()
    route_id = Id()
    assignee_id = Id()
    paused = Bool()


class RangeArgs(QueryArgs):
    """Two instants; occurrences at or after 'since' and before 'until'."""

    since = Instant(required=True)
    until = Instant(required=True)


class PreviewSchema(RuleSchema):
    """A rule to try before saving it."""

    site_id = Id(required=True)
    since = Instant(required=True)
    until = Instant(required=True)


class OccurrenceSchema(Schema):
    """One start of a round, in UTC and site-local time."""

    at = Instant(metadata={"description": "UTC"})
    local = Text(metadata={"description": "Site-local, with its UTC offset"})
    planned_local = Text(metadata={"description": "The wall-clock time the rule made"})
    shifted = Bool(metadata={"description": "Planned in the spring-forward gap"})
    ambiguous = Bool(metadata={"description": "In the repeated hour; first used"})


class OccurrencesSchema(Schema):
    """A schedule's occurrences in a range."""

    timezone = Text()
    occurrences = ma.fields.List(ma.fields.Nested(OccurrenceSchema))


class PreviewAnswerSchema(OccurrencesSchema):
    """A rule's occurrences in a range, and where the rule ends."""

    ends = Bool(metadata={"description": "COUNT or UNTIL ends the rule"})
    last = ma.fields.Nested(
        OccurrenceSchema,
        allow_none=True,
        metadata={"description": "The rule's last occurrence; null if it never ends or makes none"},
    )
