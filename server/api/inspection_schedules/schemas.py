"""Inspection schedule schemas."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema
from server.api.fields import Bool, Instant, Int, Text
from server.api.names import PERSON, NameOf


class InspectionScheduleSchema(RegistrySchema):
    """When an asset is due an inspection: an RRULE in site-local time, a spacing, or both.

    A spacing is in days (min_days, max_days) or in hours (min_hours, max_hours), not both.
    """

    org_id = Id(dump_only=True)
    site_id = Id(dump_only=True)
    asset_id = Id(required=True)
    template_id = Id(required=True)
    rrule = Text(
        allow_none=True,
        validate=ma.validate.Length(max=500),
        metadata={
            "example": "FREQ=DAILY;BYHOUR=9",
            "description": "RFC 5545 in site-local time; an UNTIL ending in Z is UTC",
        },
    )
    start_local = Text(
        allow_none=True,
        validate=ma.validate.Length(max=19),
        metadata={
            "example": "2026-11-01T09:00",
            "description": (
                "Site-local start: the rule's first occurrence, or when a spacing begins (its "
                "first due date counts from it; null: from when the schedule was made)"
            ),
        },
    )
    min_days = Int(
        allow_none=True,
        validate=ma.validate.Range(0, 3660),
        metadata={"description": "Sooner than this after the last one is flagged as too soon"},
    )
    max_days = Int(
        allow_none=True,
        validate=ma.validate.Range(1, 3660),
        metadata={"description": "Due this many days after the last one ('monthly': 40)"},
    )
    min_hours = Int(
        allow_none=True,
        validate=ma.validate.Range(0, 8784),
        metadata={"description": "As min_days, in hours; a spacing is in days or in hours"},
    )
    max_hours = Int(
        allow_none=True,
        validate=ma.validate.Range(1, 8784),
        metadata={"description": "Due this many hours after the last one ('daily': 36)"},
    )
    grace_hours = Int(validate=ma.validate.Range(0, 720))
    assignee_id = Id(allow_none=True)
    assignee_name = NameOf("assignee_id", PERSON)
    paused = Bool()
    next_due_at = Instant(dump_only=True, allow_none=True)


class InspectionScheduleUpdateSchema(InspectionScheduleSchema):
    """Fields a PATCH may change; a schedule stays with its asset and template."""

    class Meta:
        exclude = ("asset_id", "template_id")


class InspectionScheduleListArgs(ListArgs):
    """Filters for the schedule list."""

    site_id = Id()
    asset_id = Id()
    template_id = Id()
    paused = Bool()
