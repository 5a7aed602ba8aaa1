"""Escalation policies read as ladders: which policy an alert follows, its rungs, its deadline."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from server.domain.actor import Role
from server.domain.models import (
    AlertSeverity,
    EscalationPolicy,
    NotifyPreference,
    User,
    user_sites,
)

# Rectification deadlines by severity, in hours, from the manuals' grades: a major problem
# (critical, high) answered within 2 days and rectified within 10; an important one (medium)
# within 3 days; a minor one (low) within 2 days. A policy may set its own.
RECTIFY_HOURS = {
    AlertSeverity.CRITICAL: 10 * 24,
    AlertSeverity.HIGH: 10 * 24,
    AlertSeverity.MEDIUM: 3 * 24,
    AlertSeverity.LOW: 2 * 24,
}
MAX_RUNGS = 50  # a ladder's length with its repeats: a policy past it is refused


@dataclass(frozen=True)
class Step:
    """One step of a ladder: who is told, after how long, and how many times again."""

    after_min: int
    roles: tuple[Role, ...] = ()
    user_ids: tuple[int, ...] = ()
    endpoint_ids: tuple[int, ...] = ()
    repeat: int = 0

    @classmethod
    def of(cls, raw: dict) -> "Step":  # type: ignore[type-arg]
        return cls(
            after_min=int(raw.get("after_min", 0)),
            roles=tuple(Role(role) for role in raw.get("roles", ())),
            user_ids=tuple(int(i) for i in raw.get("user_ids", ())),
            endpoint_ids=tuple(int(i) for i in raw.get("endpoint_ids", ())),
            repeat=int(raw.get("repeat", 0)),
        )


@dataclass(frozen=True)
class Rung:
    """One telling on the ladder: its step, and its time after the alert was raised."""

    step: Step
    at: timedelta


def steps(policy: EscalationPolicy) -> list[Step]:
    return [Step.of(raw) for raw in policy.steps]


def rungs(policy: EscalationPolicy) -> list[Rung]:
    """The ladder laid out: each step once, then its repeats, each after_min after the last."""
    laid: list[Rung] = []
    at = timedelta()
    for step in steps(policy):
        for _ in range(step.repeat + 1):
            at += timedelta(minutes=step.after_min)
            laid.append(Rung(step, at))
    return laid


def choose(
    policies: Sequence[EscalationPolicy], site_id: int, severity: AlertSeverity
) -> EscalationPolicy | None:
    """The policy an alert follows: its site's own before the organization's, then the one
    for the narrowest severities (the highest minimum the alert still reaches)."""
    fitting = [
        policy
        for policy in policies
        if policy.active
        and policy.site_id in (None, site_id)
        and severity.rank >= policy.min_severity.rank
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda p: (p.site_id is not None, p.min_severity.rank, -p.id))


def deadline(
    policy: EscalationPolicy | None, severity: AlertSeverity, raised_at: datetime
) -> datetime:
    """When the alert must be rectified by."""
    hours = RECTIFY_HOURS[severity]
    if policy is not None and severity.value in policy.rectify_hours:
        hours = int(policy.rectify_hours[severity.value])
    return raised_at + timedelta(hours=hours)


def people(
    session: Session, org_id: int, site_id: int, found: Iterable[Step]
) -> list[NotifyPreference]:
    """The preferences of everyone a set of steps names who can be told by e-mail: by role
    (admins of the organization, others only with the site among theirs) or by name."""
    roles = {role for step in found for role in step.roles}
    named = {user_id for step in found for user_id in step.user_ids}
    if not roles and not named:
        return []
    on_site = select(user_sites.c.user_id).where(user_sites.c.site_id == site_id)
    by_role = (User.role.in_(roles)) & ((User.role == Role.ADMIN) | User.id.in_(on_site))
    return list(
        session.scalars(
            select(NotifyPreference)
            .join(User, User.id == NotifyPreference.user_id)
            .where(User.org_id == org_id, User.active, NotifyPreference.email.is_not(None))
            .where(or_(by_role, User.id.in_(named)) if roles else User.id.in_(named))
            .order_by(User.id)
        ).all()
    )


def quiet(preference: NotifyPreference, now: datetime) -> bool:
    """Whether now falls in the person's quiet hours, on their clock (a span may wrap)."""
    start, end = preference.quiet_start, preference.quiet_end
    if start is None or end is None or start == end:
        return False
    local = now.astimezone(ZoneInfo(preference.timezone)).time().replace(tzinfo=None)
    return start <= local < end if start < end else local >= start or local < end


def held(preference: NotifyPreference, severity: AlertSeverity, now: datetime) -> bool:
    """Low and medium alerts wait for the digest in quiet hours; high and critical never do."""
    return severity.rank < AlertSeverity.HIGH.rank and quiet(preference, now)
