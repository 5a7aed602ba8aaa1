"""Round schemas."""

import marshmallow as ma

from server.api.common import Id, Schema
from server.domain.models import RoundStatus, RouteOrder


class RoundStopSchema(Schema):
    """A checkpoint of the round and what became of it."""

    position = ma.fields.Integer()
    checkpoint_id = Id()
    name = ma.fields.String()
    status = ma.fields.String(
        metadata={
            "description": "pending, on_time, early, late, out_of_order, incomplete_task, "
            "missed, skipped (an optional stop not scanned)"
        }
    )
    timing = ma.fields.String()
    event_id = Id(allow_none=True)
    scanned_at = ma.fields.String(allow_none=True)
    minutes_off = ma.fields.Float(allow_none=True)
    out_of_order = ma.fields.Boolean()
    optional = ma.fields.Boolean()
    task_missing = ma.fields.List(ma.fields.String())
    gap_s = ma.fields.Integer()
    rushed = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())


class RoundSchema(Schema):
    """One walk of a route, with its window and what was expected."""

    id = Id()
    site_id = Id()
    route_id = Id()
    schedule_id = Id(allow_none=True)
    voluntary = ma.fields.Boolean(metadata={"description": "Left out of compliance figures"})
    device_id = Id(
        allow_none=True, metadata={"description": "The handheld that began a voluntary round"}
    )
    due_at = ma.fields.AwareDateTime()
    window_start = ma.fields.AwareDateTime()
    window_end = ma.fields.AwareDateTime()
    grace_min = ma.fields.Integer()
    assignee_id = Id(allow_none=True)
    team = ma.fields.String(allow_none=True)
    order = ma.fields.Enum(RouteOrder, by_value=True)
    expected = ma.fields.List(
        ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw()),
        metadata={"description": "The stops as they were when the round was made, walk order"},
    )
    status = ma.fields.Enum(RoundStatus, by_value=True)
    late_start = ma.fields.Boolean()
    started_at = ma.fields.AwareDateTime(allow_none=True)
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    stops = ma.fields.List(ma.fields.Nested(RoundStopSchema))
    evaluated_at = ma.fields.AwareDateTime(allow_none=True)


class RoundListArgs(Schema):
    """Filters for the round list."""

    site_id = Id()
    route_id = Id()
    schedule_id = Id()
    assignee_id = Id()
    status = ma.fields.Enum(RoundStatus, by_value=True)
    voluntary = ma.fields.Boolean()
    since = ma.fields.AwareDateTime(metadata={"description": "Due at or after"})
    until = ma.fields.AwareDateTime(metadata={"description": "Due before"})
    sort = ma.fields.String(validate=ma.validate.Length(max=50))


class RoundSummaryArgs(Schema):
    """The period and the rounds a compliance summary covers."""

    since = ma.fields.AwareDateTime(required=True, metadata={"description": "Due at or after"})
    until = ma.fields.AwareDateTime(
        required=True, metadata={"description": "Due before; at most 92 days after since"}
    )
    site_id = Id()
    route_id = Id()
    schedule_id = Id()
    assignee_id = Id()


class MissedCheckpointSchema(Schema):
    """A checkpoint and how many settled scheduled rounds missed it."""

    checkpoint_id = Id()
    name = ma.fields.String()
    missed = ma.fields.Integer()


class RoundSummarySchema(Schema):
    """Were the rounds walked: scheduled rounds only; voluntary ones are counted apart."""

    since = ma.fields.AwareDateTime()
    until = ma.fields.AwareDateTime()
    rounds = ma.fields.Integer(metadata={"description": "Scheduled rounds due in the period"})
    by_status = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    late_starts = ma.fields.Integer()
    completed_pct = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Completed among settled rounds (completed, incomplete, missed)"},
    )
    missed_checkpoints = ma.fields.List(ma.fields.Nested(MissedCheckpointSchema))
    skipped_optional = ma.fields.List(
        ma.fields.Nested(MissedCheckpointSchema),
        metadata={"description": "Optional stops left out, counted apart (`missed` is how often)"},
    )
    voluntary_rounds = ma.fields.Integer(metadata={"description": "Not in any figure above"})
