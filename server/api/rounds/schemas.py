"""Round schemas."""

import marshmallow as ma

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Bool, Instant, Int, Text
from server.api.names import HANDHELD, PERSON, NameOf
from server.domain.models import RoundStatus, RouteOrder


class RoundStopSchema(Schema):
    """A checkpoint of the round and what became of it."""

    position = Int()
    checkpoint_id = Id()
    name = Text()
    status = Text(
        metadata={
            "description": "pending, on_time, early, late, out_of_order, incomplete_task, "
            "missed, skipped (an optional stop not scanned)"
        }
    )
    timing = Text()
    event_id = Id(allow_none=True)
    scanned_at = Text(allow_none=True)
    minutes_off = ma.fields.Float(allow_none=True)
    out_of_order = Bool()
    optional = Bool()
    task_missing = ma.fields.List(Text())
    gap_s = Int()
    rushed = ma.fields.Dict(keys=Text(), values=ma.fields.Raw())


class RoundSchema(Schema):
    """One walk of a route, with its window and what was expected."""

    id = Id()
    site_id = Id()
    route_id = Id()
    schedule_id = Id(allow_none=True)
    voluntary = Bool(metadata={"description": "Left out of compliance figures"})
    device_id = Id(
        allow_none=True, metadata={"description": "The handheld that began a voluntary round"}
    )
    device_name = NameOf("device_id", HANDHELD)
    due_at = Instant()
    window_start = Instant()
    window_end = Instant()
    grace_min = Int()
    assignee_id = Id(allow_none=True)
    assignee_name = NameOf("assignee_id", PERSON)
    team = Text(allow_none=True)
    order = ma.fields.Enum(RouteOrder, by_value=True)
    expected = ma.fields.List(
        ma.fields.Dict(keys=Text(), values=ma.fields.Raw()),
        metadata={"description": "The stops as they were when the round was made, walk order"},
    )
    status = ma.fields.Enum(RoundStatus, by_value=True)
    late_start = Bool()
    started_at = Instant(allow_none=True)
    finished_at = Instant(allow_none=True)
    stops = ma.fields.List(ma.fields.Nested(RoundStopSchema))
    evaluated_at = Instant(allow_none=True)


class RoundListArgs(QueryArgs):
    """Filters for the round list."""

    site_id = Id()
    route_id = Id()
    schedule_id = Id()
    assignee_id = Id()
    status = ma.fields.Enum(RoundStatus, by_value=True)
    voluntary = Bool()
    since = Instant(metadata={"description": "Due at or after"})
    until = Instant(metadata={"description": "Due before"})
    sort = Text(validate=ma.validate.Length(max=50))


class RoundSummaryArgs(QueryArgs):
    """The period and the rounds a compliance summary covers; no period is today in site time."""

    since = Instant(
        metadata={
            "description": "Due at or after; give both since and until, or neither for today "
            "(local midnight to midnight at the site, or at your sites if they share a timezone)"
        }
    )
    until = Instant(
        metadata={"description": "Due before; at most 92 days after since; with since or neither"}
    )
    site_id = Id()
    route_id = Id()
    schedule_id = Id()
    assignee_id = Id()


class MissedCheckpointSchema(Schema):
    """A checkpoint and how many settled scheduled rounds missed it."""

    checkpoint_id = Id()
    name = Text()
    missed = Int()


class ComplianceFiguresSchema(Schema):
    """How a set of scheduled rounds went: the figures the summary gives overall and per group."""

    rounds = Int(metadata={"description": "Scheduled rounds due in the period"})
    by_status = ma.fields.Dict(keys=Text(), values=Int())
    late_starts = Int(metadata={"description": "Rounds begun late (a missed round is not)"})
    completed_pct = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Completed among settled rounds (completed, incomplete, missed)"},
    )


class GuardComplianceSchema(ComplianceFiguresSchema):
    """The rounds assigned to one guard: the round's assignee, not whoever scanned."""

    user_id = Id(
        allow_none=True,
        metadata={"description": "The assignee; null for rounds given to a team or nobody"},
    )
    name = Text(allow_none=True, metadata={"description": "The assignee's display name"})


class RouteComplianceSchema(ComplianceFiguresSchema):
    """The rounds of one route."""

    route_id = Id()
    name = Text()


class RoundSummarySchema(Schema):
    """Were the rounds walked: scheduled rounds only; voluntary ones are counted apart."""

    since = Instant(metadata={"description": "The period used: given, or today's local midnight"})
    until = Instant(metadata={"description": "Its end (exclusive): given, or the next midnight"})
    timezone = Text(
        allow_none=True,
        metadata={
            "description": "The IANA timezone of the sites covered, today's when no period was "
            "given; null when a given period covers sites in several"
        },
    )
    rounds = Int(metadata={"description": "Scheduled rounds due in the period"})
    by_status = ma.fields.Dict(keys=Text(), values=Int())
    late_starts = Int()
    completed_pct = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Completed among settled rounds (completed, incomplete, missed)"},
    )
    missed_checkpoints = ma.fields.List(ma.fields.Nested(MissedCheckpointSchema))
    skipped_optional = ma.fields.List(
        ma.fields.Nested(MissedCheckpointSchema),
        metadata={"description": "Optional stops left out, counted apart (`missed` is how often)"},
    )
    by_guard = ma.fields.List(
        ma.fields.Nested(GuardComplianceSchema),
        metadata={"description": "Per assignee, by name; rounds with none last"},
    )
    by_route = ma.fields.List(
        ma.fields.Nested(RouteComplianceSchema), metadata={"description": "Per route, by name"}
    )
    voluntary_rounds = Int(metadata={"description": "Not in any figure above"})
