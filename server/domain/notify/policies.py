"""Escalation policies: who hears of an unacknowledged alert and when, and the deadlines to
rectify by severity; admins manage them, and every change goes to the audit trail."""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import Role, current_actor
from server.domain.errors import Invalid
from server.domain.listing import name_filter
from server.domain.models import (
    AlertSeverity,
    EscalationPolicy,
    NotifyEndpoint,
    Site,
    User,
)
from server.domain.notify import ladder

FIELDS = ("site_id", "name", "min_severity", "steps", "rectify_hours")
SORTABLE = ("name", "created_at")
MAX_WAIT_MIN = 7 * 24 * 60  # a step waits at most a week after the one before
MAX_REPEAT = 20
MAX_RECTIFY_HOURS = 365 * 24


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """The actor's tenant's policies (admin), by name, site or active when asked."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    stmt = select(EscalationPolicy).where(EscalationPolicy.org_id == actor.org_id)
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], EscalationPolicy.name))
    if filters.get("site_id") is not None:
        stmt = stmt.where(EscalationPolicy.site_id == filters["site_id"])
    if filters.get("active") is not None:
        stmt = stmt.where(EscalationPolicy.active == filters["active"])
    return stmt


def get(session: Session, policy_id: int) -> EscalationPolicy:
    """One policy of the actor's tenant, for an admin."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    stmt = select(EscalationPolicy).where(
        EscalationPolicy.org_id == actor.org_id, EscalationPolicy.id == policy_id
    )
    return access.one_visible(session, stmt, f"escalation policy {policy_id}")


def create(session: Session, data: dict[str, Any]) -> EscalationPolicy:
    """Add a policy to the actor's tenant."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_NOTIFY)
    values = {k: v for k, v in data.items() if k in FIELDS}
    values.setdefault("rectify_hours", {})
    values.setdefault("min_severity", AlertSeverity.LOW)
    policy = EscalationPolicy(org_id=actor.org_id, **values)
    policy.steps = _checked(session, policy)
    return writes.create(session, policy)


def update(
    session: Session,
    policy_id: int,
    data: dict[str, Any],
    precondition: writes.Precondition = None,
) -> EscalationPolicy:
    """Change a policy; ladders already climbing follow the new steps from their next rung."""
    policy = get(session, policy_id)
    writes.check(precondition, policy)
    changes = {k: v for k, v in data.items() if k in FIELDS}
    current = {k: getattr(policy, k) for k in FIELDS}
    probe = EscalationPolicy(org_id=policy.org_id, **(current | changes))
    if "steps" in changes:
        changes["steps"] = _checked(session, probe)
    else:
        _checked(session, probe)
    return writes.update(session, policy, changes)


def deactivate(session: Session, policy_id: int) -> EscalationPolicy:
    """Stop a policy: new alerts no longer follow it, and its climbing ladders end."""
    return writes.update(session, get(session, policy_id), {"active": False})


def _checked(session: Session, policy: EscalationPolicy) -> list[dict[str, Any]]:
    """The policy's steps in their stored form, or Invalid naming what cannot be used."""
    errors: dict[str, list[str]] = {}
    if not (policy.name or "").strip():
        errors["name"] = ["a name is required"]
    if policy.min_severity not in set(AlertSeverity):
        errors["min_severity"] = [f"one of {', '.join(AlertSeverity)}"]
    if (
        policy.site_id is not None
        and session.scalar(
            select(Site.id).where(Site.id == policy.site_id, Site.org_id == policy.org_id)
        )
        is None
    ):
        errors["site_id"] = ["no such site"]
    for severity, hours in (policy.rectify_hours or {}).items():
        if severity not in set(AlertSeverity) or not (
            isinstance(hours, int) and 1 <= hours <= MAX_RECTIFY_HOURS
        ):
            errors.setdefault("rectify_hours", []).append(
                f"{severity}: a severity and 1 to {MAX_RECTIFY_HOURS} hours"
            )
    steps = _steps(session, policy, errors)
    if errors:
        raise Invalid("this escalation policy cannot be used", errors)
    return steps


def _steps(
    session: Session, policy: EscalationPolicy, errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    raw = policy.steps or []
    if not isinstance(raw, list) or not raw:
        errors["steps"] = ["at least one step"]
        return []
    users = set(session.scalars(select(User.id).where(User.org_id == policy.org_id, User.active)))
    endpoints = set(
        session.scalars(
            select(NotifyEndpoint.id).where(
                NotifyEndpoint.org_id == policy.org_id, NotifyEndpoint.active
            )
        )
    )
    stored: list[dict[str, Any]] = []
    told = 0
    for n, step in enumerate(raw):
        problems = _step_problems(step, users, endpoints)
        if problems:
            errors[f"steps.{n}"] = problems
            continue
        stored.append(
            {
                "after_min": step.get("after_min", 0),
                "roles": sorted(set(step.get("roles", ()))),
                "user_ids": sorted(set(step.get("user_ids", ()))),
                "endpoint_ids": sorted(set(step.get("endpoint_ids", ()))),
                "repeat": step.get("repeat", 0),
            }
        )
        told += 1 + step.get("repeat", 0)
    if told > ladder.MAX_RUNGS:
        errors["steps"] = [f"at most {ladder.MAX_RUNGS} tellings, repeats included"]
    return stored


def _step_problems(step: Any, users: set[int], endpoints: set[int]) -> list[str]:
    if not isinstance(step, dict):
        return ["a step is an object"]
    problems = []
    wait = step.get("after_min", 0)
    if not isinstance(wait, int) or not 0 <= wait <= MAX_WAIT_MIN:
        problems.append(f"after_min: 0 to {MAX_WAIT_MIN} minutes")
    repeat = step.get("repeat", 0)
    if not isinstance(repeat, int) or not 0 <= repeat <= MAX_REPEAT:
        problems.append(f"repeat: 0 to {MAX_REPEAT}")
    if repeat and not wait:
        problems.append("a repeated step waits at least a minute")
    roles = step.get("roles", [])
    if not isinstance(roles, list) or not set(roles) <= {r.value for r in Role}:
        problems.append(f"roles: some of {', '.join(Role)}")
    user_ids = step.get("user_ids", [])
    if not isinstance(user_ids, list) or not set(user_ids) <= users:
        problems.append("user_ids: active people of this organization")
    endpoint_ids = step.get("endpoint_ids", [])
    if not isinstance(endpoint_ids, list) or not set(endpoint_ids) <= endpoints:
        problems.append("endpoint_ids: active endpoints of this organization")
    if not problems and not (roles or user_ids or endpoint_ids):
        problems.append("a step tells someone: roles, user_ids or endpoint_ids")
    return problems
