"""Escalation policy schemas: the shape of a ladder; the domain judges who is on it."""

import marshmallow as ma

from server.api.common import Id, ListArgs, RegistrySchema, Schema, name_field
from server.api.fields import Bool, Int, Text
from server.domain.actor import Role
from server.domain.models import AlertSeverity
from server.domain.notify import ladder, policies

MAX_RECIPIENTS = 200  # people or endpoints named in one step
DEFAULT_HOURS = ", ".join(f"{severity} {hours}" for severity, hours in ladder.RECTIFY_HOURS.items())


def _ids(what: str) -> ma.fields.List:
    return ma.fields.List(
        Id(), validate=ma.validate.Length(max=MAX_RECIPIENTS), metadata={"description": what}
    )


class StepSchema(Schema):
    """One step of the ladder: who is told, after how long, and how many times again."""

    after_min = Int(
        validate=ma.validate.Range(0, policies.MAX_WAIT_MIN),
        metadata={"description": "Minutes after the step before (the first: after the raise)"},
    )
    roles = ma.fields.List(
        Text(validate=ma.validate.OneOf([role.value for role in Role])),
        validate=ma.validate.Length(max=len(Role)),
        metadata={"description": "Everyone of these roles on the alert's site"},
    )
    user_ids = _ids("Active people of the organization")
    endpoint_ids = _ids("Active notify endpoints of the organization")
    repeat = Int(
        validate=ma.validate.Range(0, policies.MAX_REPEAT),
        metadata={"description": "Times the step is told again, after_min apart"},
    )


class EscalationPolicySchema(RegistrySchema):
    """Who hears of an unacknowledged alert and when, and the deadlines to rectify it."""

    active = Bool(dump_only=True, metadata={"description": "False once deactivated"})
    org_id = Id(dump_only=True)
    site_id = Id(
        allow_none=True,
        metadata={"description": "This site's alerts (its own policy wins); null: every site"},
    )
    name = name_field(required=True)
    min_severity = ma.fields.Enum(
        AlertSeverity,
        by_value=True,
        metadata={"description": "Alerts at or above this severity follow it (default low)"},
    )
    steps = ma.fields.List(
        ma.fields.Nested(StepSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=ladder.MAX_RUNGS),
        metadata={"description": f"At most {ladder.MAX_RUNGS} tellings, repeats included"},
    )
    rectify_hours = ma.fields.Dict(
        keys=Text(validate=ma.validate.OneOf([severity.value for severity in AlertSeverity])),
        values=Int(validate=ma.validate.Range(1, policies.MAX_RECTIFY_HOURS)),
        metadata={
            "description": "Hours to rectify by severity; one left out keeps its default "
            f"({DEFAULT_HOURS})"
        },
    )


class EscalationPolicyUpdateSchema(EscalationPolicySchema):
    """Fields a PATCH may change; ladders already climbing follow new steps from their next rung."""


class EscalationPolicyListArgs(ListArgs):
    """Filters for the policy list."""

    site_id = Id()
