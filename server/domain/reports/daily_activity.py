"""A daily activity report's contents: one site's shift of rounds, field reports, alerts and
inspections, as facts in time order. How they are laid out is the renderer's business.

gather() checks no one's access: whoever asked for the report was checked then (the library),
and the worker gathers it later. Every query is bounded by the site, its tenant and the shift.
The alerts and inspections are read by daily_alerts and daily_inspections.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal, or_, select
from sqlalchemy.orm import Session

from device_protocol.events import EventType, Severity
from server.domain import names
from server.domain.actor import Actor, Role
from server.domain.alerts import titles
from server.domain.errors import Invalid, NotFound
from server.domain.models import (
    Checkpoint,
    DeviceEvent,
    PatrolRoute,
    Photo,
    Round,
    RoundStatus,
    Site,
)
from server.domain.models.tenancy import DEFAULT_SHIFTS
from server.domain.patrol import rounds_ahead, timeline
from server.domain.patrol.timeline import Stop
from server.domain.reports import daily_alerts, daily_inspections
from server.domain.reports.daily_alerts import AlertActivity, AlertNote
from server.domain.reports.daily_inspections import AbnormalReading, InspectionActivity
from server.domain.reports.facts import fingerprint

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class ShiftPeriod:
    """A site's shift on a local day: [since, until) in UTC, from its start to the next one's."""

    name: str
    start: str  # site-local "20:00"
    day: date  # the local date it starts on
    since: datetime
    until: datetime


@dataclass(frozen=True)
class RoundActivity:
    """A round due in the shift: its route, its people, its stops in walking order."""

    id: int
    route: str
    voluntary: bool  # walked by choice: listed, never counted in the figures
    due_at: datetime
    window_end: datetime
    status: RoundStatus
    late_start: bool
    started_at: datetime | None
    finished_at: datetime | None
    assignee: str | None
    guards: tuple[str, ...]  # who scanned for it, in the order they first did
    # Planned against scanned, with the judge's word (timeline.Stop: on_time, late, missed...).
    stops: tuple[Stop, ...]

    @property
    def guard(self) -> str | None:
        """Whoever walked it, else whoever it was assigned to."""
        return self.guards[0] if self.guards else self.assignee


@dataclass(frozen=True)
class Incident:
    """Something a guard reported from the handheld."""

    id: int
    at: datetime
    guard: str | None
    category: str
    severity: Severity
    text: str
    checkpoint: str | None
    photos: tuple[str, ...]  # sha256 of each photo the server holds
    photos_awaited: int  # named by the handheld, not uploaded yet


@dataclass(frozen=True)
class ShiftNote:
    """A guard clocking in, clocking out or handing over, with what they wrote."""

    id: int
    at: datetime
    guard: str | None
    kind: str  # clock_in, clock_out, handover
    note: str


@dataclass(frozen=True)
class DailyActivity:
    """Everything one site's shift holds, as of when it was gathered."""

    site_id: int
    site_name: str
    timezone: str
    language: str  # zh or en: alert titles, form and grade names
    shift: ShiftPeriod
    rounds: tuple[RoundActivity, ...]  # by due time
    incidents: tuple[Incident, ...]
    # Every shift event of the shift; the protocol names handovers, and the last one is below.
    shift_notes: tuple[ShiftNote, ...]
    handover: ShiftNote | None
    alerts: tuple[AlertActivity, ...]
    inspections: tuple[InspectionActivity, ...]

    @property
    def figures(self) -> dict[str, int]:
        """The counts a later version is compared by; voluntary rounds are counted apart."""
        due = [r for r in self.rounds if not r.voluntary]
        stops = [s for r in due for s in r.stops]
        since = self.shift.since
        return {
            "rounds": len(due),
            **{f"rounds_{s.value}": sum(r.status == s for r in due) for s in RoundStatus},
            "rounds_late_start": sum(r.late_start for r in due),
            "voluntary_rounds": len(self.rounds) - len(due),
            "stops_scanned": sum(s.scanned_at is not None for s in stops),
            "stops_missed": sum(s.status == "missed" for s in stops),
            "stops_late": sum(s.status == "late" for s in stops),
            "incidents": len(self.incidents),
            "shift_notes": len(self.shift_notes),
            "alerts_raised": sum(a.raised_at >= since for a in self.alerts),
            "alerts_resolved": sum(a.resolved_at is not None and a.resolved_at >= since
                                   for a in self.alerts),
            "inspections": len(self.inspections),
            "abnormal_readings": sum(len(i.abnormal) for i in self.inspections),
        }  # fmt: skip


def shift_period(site: Site, day: date, start: str) -> ShiftPeriod:
    """The shift starting at `start` (site time) on a local day; Invalid for a start it lacks."""
    shifts = _shifts(site)
    starts = [s["start"] for s in shifts]
    if start not in starts:
        raise Invalid(
            f"{site.name} has no shift starting at {start}",
            {"start": [f"one of {', '.join(starts)}"]},
        )
    n = starts.index(start)
    # The next shift starts later that day; after the last one, the first one the next day.
    following, end_day = (shifts[n + 1], day) if n + 1 < len(shifts) else (shifts[0], day + _DAY)
    zone = ZoneInfo(site.timezone)
    since, until = _instant(day, start, zone), _instant(end_day, following["start"], zone)
    return ShiftPeriod(shifts[n]["name"], start, day, since, until)


def shift_at(site: Site, instant: datetime) -> ShiftPeriod:
    """The shift an (aware) instant falls in."""
    local_day = instant.astimezone(ZoneInfo(site.timezone)).date()
    # The latest shift begun by then: today's, or one that began yesterday and runs past midnight.
    for day in (local_day, local_day - _DAY):
        for shift in reversed(_shifts(site)):
            period = shift_period(site, day, shift["start"])
            if period.since <= instant:
                return period
    raise AssertionError("a site's shifts cover every instant")


def gather(session: Session, site_id: int, day: date, start: str, language: str) -> DailyActivity:
    """One site's shift as of now, in a language (zh or en); NotFound for no such site."""
    if language not in titles.LANGUAGES:
        raise Invalid("unknown language", {"language": [f"one of {', '.join(titles.LANGUAGES)}"]})
    site = session.get(Site, site_id)
    if site is None:
        raise NotFound(f"site {site_id} not found")
    period = shift_period(site, day, start)
    scope = _Scope(session, site, period.since, period.until)
    incidents, notes = _field_reports(scope)
    between = (period.since, period.until)
    return DailyActivity(
        site_id=site.id,
        site_name=site.name,
        timezone=site.timezone,
        language=language,
        shift=period,
        rounds=_rounds(scope),
        incidents=incidents,
        shift_notes=notes,
        handover=next((n for n in reversed(notes) if n.kind == "handover"), None),
        alerts=daily_alerts.in_shift(session, site, *between, language, scope.people),
        inspections=daily_inspections.in_shift(session, site, *between, language, scope.people),
    )


@dataclass(frozen=True)
class _Scope:
    """One site's shift, and names read within the site's tenant (the worker is no tenant's)."""

    session: Session
    site: Site
    since: datetime
    until: datetime

    def people(self, ids: Iterable[int | None]) -> dict[int, str]:
        return self._names(names.Named.PERSON, ids)

    def handhelds(self, ids: Iterable[int | None]) -> dict[int, str]:
        return self._names(names.Named.HANDHELD, ids)

    def _names(self, kind: names.Named, ids: Iterable[int | None]) -> dict[int, str]:
        reader = Actor(None, self.site.org_id, Role.ADMIN, label="report")
        return names.lookup(self.session, reader, kind, (i for i in ids if i))

    def received(self, hashes: set[str]) -> set[str]:
        """Which of the photos named the server holds (handhelds send them after the event)."""
        if not hashes:
            return set()
        stmt = select(Photo.sha256).where(
            Photo.org_id == self.site.org_id, Photo.sha256.in_(hashes)
        )
        return set(self.session.scalars(stmt))


def _shifts(site: Site) -> list[dict[str, str]]:
    return sorted(site.shifts or DEFAULT_SHIFTS, key=lambda s: time.fromisoformat(s["start"]))


def _instant(day: date, hhmm: str, zone: ZoneInfo) -> datetime:
    # fold=0, as schedules read wall times: a start in the spring-forward gap is read with the
    # offset before it (02:30 becomes 03:30), one in the repeated autumn hour is the first.
    return datetime.combine(day, time.fromisoformat(hhmm), zone).astimezone(UTC)


def _rounds(scope: _Scope) -> tuple[RoundActivity, ...]:
    """Rounds due in the shift, by due time; their stops as the patrol timeline reads them."""
    stmt = (
        select(Round, PatrolRoute.name)
        .join(PatrolRoute, PatrolRoute.id == Round.route_id)
        .where(
            Round.org_id == scope.site.org_id,
            Round.site_id == scope.site.id,
            # A window opens at most MAX_EDGE_MIN before its due time: a bound on the window
            # index of the site (due_at has none with the site).
            Round.window_start >= scope.since - timedelta(minutes=rounds_ahead.MAX_EDGE_MIN),
            Round.window_start < scope.until,
            Round.due_at >= scope.since,
            Round.due_at < scope.until,
        )
        .order_by(Round.due_at, PatrolRoute.name, Round.id)
    )
    found = scope.session.execute(stmt).all()
    judged = {r.id: timeline._judged_or_pending(r) for r, _ in found}
    event_ids = [s["event_id"] for stops in judged.values() for s in stops if s["event_id"]]
    events = timeline._events(scope.session, scope.site.org_id, event_ids)
    seen = timeline._Seen(
        events,
        scope.received({h for e in events.values() for h in e.data.get("photos") or []}),
        scope.people([r.assignee_id for r, _ in found] + [e.user_id for e in events.values()]),
        scope.handhelds(e.device_id for e in events.values()),
    )
    return tuple(_round(r, route, judged[r.id], seen) for r, route in found)


def _round(found: Round, route: str, judged: list[dict[str, Any]], seen: Any) -> RoundActivity:
    planned = {s["position"]: s for s in found.expected}
    scanned = sorted(
        (seen.events[s["event_id"]] for s in judged if s["event_id"] in seen.events),
        key=lambda e: (e.corrected_time, e.id),
    )
    guards = (seen.people.get(e.user_id) for e in scanned if e.user_id)
    return RoundActivity(
        id=found.id,
        route=route,
        voluntary=found.voluntary,
        due_at=found.due_at,
        window_end=found.window_end,
        status=found.status,
        late_start=found.late_start,
        started_at=found.started_at,
        finished_at=found.finished_at,
        assignee=seen.people.get(found.assignee_id) if found.assignee_id else None,
        guards=tuple(dict.fromkeys(g for g in guards if g)),
        stops=tuple(timeline._stop(s, planned.get(s["position"], {}), found, seen) for s in judged),
    )


def _field_reports(scope: _Scope) -> tuple[tuple[Incident, ...], tuple[ShiftNote, ...]]:
    """The shift's incidents and shift events, oldest first, from the reports' own index."""
    # The types as literals in the SQL, so PostgreSQL matches the partial index in any plan.
    kinds = [
        DeviceEvent.type == literal(kind.value, literal_execute=True)
        for kind in (EventType.INCIDENT, EventType.SHIFT)
    ]
    stmt = (
        select(DeviceEvent)
        .where(
            DeviceEvent.org_id == scope.site.org_id,
            DeviceEvent.site_id == scope.site.id,
            or_(*kinds),
            DeviceEvent.corrected_time >= scope.since,
            DeviceEvent.corrected_time < scope.until,
        )
        .order_by(DeviceEvent.corrected_time, DeviceEvent.id)
    )
    events = list(scope.session.scalars(stmt))
    people = scope.people(e.user_id for e in events)
    checkpoints = _checkpoints(scope, {e.checkpoint_id for e in events if e.checkpoint_id})
    received = scope.received({h for e in events for h in e.data.get("photos") or []})
    incidents, notes = [], []
    for e in events:
        guard = people.get(e.user_id) if e.user_id else None
        if e.type == EventType.SHIFT:
            note = str(e.data.get("note") or "").strip()
            notes.append(ShiftNote(e.id, e.corrected_time, guard, e.data["kind"], note))
            continue
        hashes = list(e.data.get("photos") or [])
        incidents.append(
            Incident(
                id=e.id,
                at=e.corrected_time,
                guard=guard,
                category=e.data["category"],
                severity=Severity(e.data["severity"]),
                text=e.data["text"],
                checkpoint=checkpoints.get(e.checkpoint_id) if e.checkpoint_id else None,
                photos=tuple(h for h in hashes if h in received),
                photos_awaited=sum(h not in received for h in hashes),
            )
        )
    return tuple(incidents), tuple(notes)


def _checkpoints(scope: _Scope, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    stmt = select(Checkpoint.id, Checkpoint.name).where(
        Checkpoint.org_id == scope.site.org_id, Checkpoint.id.in_(ids)
    )
    return {row.id: row.name for row in scope.session.execute(stmt)}


__all__ = [
    "AbnormalReading",
    "AlertActivity",
    "AlertNote",
    "DailyActivity",
    "Incident",
    "InspectionActivity",
    "RoundActivity",
    "ShiftNote",
    "ShiftPeriod",
    "Stop",
    "fingerprint",
    "gather",
    "shift_at",
    "shift_period",
]
