"""A shift's alerts for its daily activity report: those raised, acknowledged or resolved in it,
each as it stood when the shift ended (a fix the next morning belongs to the next shift)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.alerts import titles
from server.domain.alerts.kinds import AlertKind
from server.domain.models import Alert, AlertEntry, AlertSeverity, Site

# What people (or Vigil) do to an alert that puts it in a shift's report besides raising it.
ACTED = frozenset({"acknowledged", "rectified", "resolved", "reopened", "auto_resolved"})
CLOSING = frozenset({"resolved", "auto_resolved", "follow_up_ok"})

People = Callable[[Iterable[int | None]], dict[int, str]]


@dataclass(frozen=True)
class AlertNote:
    """A line of an alert's history that says something."""

    at: datetime
    action: str  # acknowledged, rectified, resolved, reopened, auto_resolved...
    by: str | None  # None: Vigil itself
    note: str


@dataclass(frozen=True)
class AlertActivity:
    """An alert of the shift, as it stood when the shift ended."""

    id: int
    kind: str
    title: str  # in the report's language
    severity: AlertSeverity
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None  # None: not resolved by the end of the shift
    resolved_by: str | None
    notes: tuple[AlertNote, ...]  # every note written by the end of the shift


def in_shift(
    session: Session, site: Site, since: datetime, until: datetime, language: str, people: People
) -> tuple[AlertActivity, ...]:
    """The site's alerts raised in [since, until) or acted on in it, by when they were raised."""
    # Every act on an alert moves its updated_at. No index holds that column, so the site's
    # alerts raised before the shift's end are read from ix_alerts_site_raised and filtered.
    stmt = (
        select(Alert)
        .where(
            Alert.org_id == site.org_id,
            Alert.site_id == site.id,
            Alert.raised_at < until,
            Alert.updated_at >= since,
        )
        .order_by(Alert.raised_at, Alert.id)
    )
    # With their histories, in one more query (the relationship loads by selectin).
    found = [a for a in session.scalars(stmt) if a.raised_at >= since or _acted(a, since, until)]
    named = people(e.user_id for a in found for e in a.history)
    return tuple(_as_of(a, [e for e in a.history if e.at < until], named, language) for a in found)


def _acted(alert: Alert, since: datetime, until: datetime) -> bool:
    return any(e.action in ACTED and since <= e.at < until for e in alert.history)


def _as_of(
    alert: Alert, lines: list[AlertEntry], people: dict[int, str], language: str
) -> AlertActivity:
    """The alert from its history up to the end of the shift."""
    acked = next((e for e in lines if e.action == "acknowledged"), None)
    closed = None
    for line in lines:
        if line.action in CLOSING:
            closed = line
        elif line.action == "reopened":
            closed = None

    def who(line: AlertEntry | None) -> str | None:
        return people.get(line.user_id) if line is not None and line.user_id else None

    return AlertActivity(
        id=alert.id,
        kind=alert.kind,
        title=title(alert, language),
        severity=lines[-1].severity if lines else alert.severity,
        raised_at=alert.raised_at,
        acknowledged_at=acked.at if acked else None,
        acknowledged_by=who(acked),
        resolved_at=closed.at if closed else None,
        resolved_by=who(closed),
        notes=tuple(AlertNote(e.at, e.action, who(e), e.note) for e in lines if e.note.strip()),
    )


def title(alert: Alert, language: str) -> str:
    """The alert's title in a language; alerts kept before title_args have their English one."""
    if alert.title_args is None or alert.kind not in set(AlertKind):
        return alert.title
    return titles.render(AlertKind(alert.kind), alert.title_args, language)
