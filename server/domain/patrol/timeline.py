"""Rounds as timelines: one round's stops planned against scanned, and a site's day of rounds."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import access, names
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import NotFound
from server.domain.models import DeviceEvent, PatrolRoute, Photo, Round, RoundStatus, Site
from server.domain.names import Named
from server.domain.patrol import compliance, rounds
from server.domain.registry import sites

TICK_HOURS = 3  # the day's axis is marked every three local hours


@dataclass(frozen=True)
class Stop:
    """A checkpoint of a round: when it was planned, when it was scanned, what the judge said."""

    position: int
    checkpoint_id: int
    checkpoint_name: str
    planned_at: datetime | None  # None when the route lets the stop be anywhere in the round
    tolerance_min: int | None
    scanned_at: datetime | None
    # The judge's word: pending, on_time, early, late, out_of_order, incomplete_task, missed,
    # skipped (an optional stop not scanned).
    status: str
    minutes_off: float | None
    optional: bool
    task_missing: tuple[str, ...]
    gap_s: int | None  # seconds after the scan before it in this round
    min_gap_s: int | None  # set when the gap was shorter than the stop allows (rushed)
    photos: list[str]  # sha256 of each photo the server holds
    photos_awaited: int  # photos the scan named that have not arrived yet
    note: str
    event_id: int | None
    guard: str | None
    handheld: str | None


@dataclass(frozen=True)
class RoundTimeline:
    """One round: its route, window and people, and each stop in walking order."""

    id: int
    site_id: int
    site_name: str
    timezone: str
    route_id: int
    route_name: str
    voluntary: bool
    due_at: datetime
    window_start: datetime
    window_end: datetime
    status: RoundStatus
    late_start: bool
    started_at: datetime | None
    finished_at: datetime | None
    assignee_id: int | None
    assignee: str | None
    team: str | None
    guards: list[str]  # who scanned for it, in the order they first did
    handhelds: list[str]
    stops: list[Stop]

    @property
    def done(self) -> int:
        """Stops scanned."""
        return sum(1 for s in self.stops if s.scanned_at is not None)

    @property
    def local_day(self) -> date:
        """The site's date the round was due on."""
        return self.due_at.astimezone(ZoneInfo(self.timezone)).date()


@dataclass(frozen=True)
class SiteRef:
    """A site the reader may pick."""

    id: int
    name: str
    timezone: str


@dataclass(frozen=True)
class DayRound:
    """A round as a bar of the day: its window, status and people, and its lane in the row."""

    id: int
    route_id: int
    route_name: str
    voluntary: bool
    due_at: datetime
    window_start: datetime
    window_end: datetime
    status: RoundStatus
    late_start: bool
    assignee: str | None
    team: str | None
    done: int
    expected: int
    lane: int  # rounds of a route whose windows overlap are drawn one under the other


@dataclass(frozen=True)
class RouteRow:
    """One route's rounds of the day, in time order."""

    route_id: int
    name: str
    rounds: list[DayRound]

    @property
    def lanes(self) -> int:
        return 1 + max(r.lane for r in self.rounds)


@dataclass(frozen=True)
class Tick:
    """A local hour marked on the day's axis (24 is the next midnight)."""

    hour: int
    at: datetime


@dataclass(frozen=True)
class DayTimeline:
    """A site's rounds due on one local day, per route, on the day's axis."""

    site: SiteRef
    sites: list[SiteRef]
    day: date
    start: datetime  # local midnight, in UTC; the day lasts 23 or 25 hours on a change of clocks
    end: datetime
    now: datetime
    ticks: list[Tick]
    routes: list[RouteRow]

    @property
    def rounds(self) -> list[DayRound]:
        """Every round of the day by due time, then route."""
        return sorted((r for row in self.routes for r in row.rounds), key=_by_due)

    @property
    def previous(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def next(self) -> date:
        return self.day + timedelta(days=1)

    def share(self, at: datetime) -> float:
        """How far through the day an instant is, from 0 to 1 (clipped to the day)."""
        span = (self.end - self.start).total_seconds()
        return min(max((at - self.start).total_seconds() / span, 0.0), 1.0)


def of_round(session: Session, round_id: int) -> RoundTimeline:
    """One round on the current actor's sites with each stop's plan and scan (NotFound else)."""
    actor = current_actor()
    stmt = (
        access.scoped(select(Round), Round, actor)
        .add_columns(Site.name, Site.timezone, PatrolRoute.name)
        .join(Site, Site.id == Round.site_id)
        .join(PatrolRoute, PatrolRoute.id == Round.route_id)
        .where(Round.id == round_id)
    )
    row = session.execute(stmt).one_or_none()
    if row is None:
        raise NotFound(f"round {round_id} not found")
    found, site_name, timezone, route_name = row
    judged = _judged_or_pending(found)
    events = _events(session, found.org_id, [s["event_id"] for s in judged if s["event_id"]])
    people = names.lookup(
        session,
        actor,
        Named.PERSON,
        [i for i in [found.assignee_id, *(e.user_id for e in events.values())] if i],
    )
    began = [found.device_id] if found.device_id else []  # a voluntary round's handheld
    handhelds = names.lookup(
        session, actor, Named.HANDHELD, [*began, *(e.device_id for e in events.values())]
    )
    seen = _Seen(events, _received(session, found.org_id, events.values()), people, handhelds)
    planned = {s["position"]: s for s in found.expected}
    stops = [_stop(s, planned.get(s["position"], {}), found, seen) for s in judged]
    scanned = sorted(
        (events[s["event_id"]] for s in judged if s["event_id"] in events),
        key=lambda e: (e.corrected_time, e.id),
    )
    return RoundTimeline(
        id=found.id,
        site_id=found.site_id,
        site_name=site_name,
        timezone=timezone,
        route_id=found.route_id,
        route_name=route_name,
        voluntary=found.voluntary,
        due_at=found.due_at,
        window_start=found.window_start,
        window_end=found.window_end,
        status=found.status,
        late_start=found.late_start,
        started_at=found.started_at,
        finished_at=found.finished_at,
        assignee_id=found.assignee_id,
        assignee=people.get(found.assignee_id) if found.assignee_id else None,
        team=found.team,
        guards=_unique(people.get(e.user_id) for e in scanned if e.user_id),
        handhelds=_unique(handhelds.get(d) for d in [*began, *(e.device_id for e in scanned)]),
        stops=stops,
    )


def of_day(session: Session, site_id: int | None = None, day: date | None = None) -> DayTimeline:
    """A site's rounds due on a local day: by default the actor's first site by name, today."""
    listed = sites.list_query({}).with_only_columns(Site.id, Site.name, Site.timezone)
    choices = [SiteRef(*row) for row in session.execute(listed.order_by(Site.name, Site.id))]
    site = next((s for s in choices if site_id in (None, s.id)), None)
    if site is None:
        raise NotFound(f"site {site_id} not found" if site_id else "you have no sites")
    zone = ZoneInfo(site.timezone)
    now = utcnow()
    day = day or now.astimezone(zone).date()
    # The local day as the compliance figures count it, DST and skipped midnights included.
    period = compliance.today(site.timezone, datetime.combine(day, time(12), zone))
    # In UTC: subtracting two instants of one zone would count wall-clock hours, not real ones.
    start, end = period.since.astimezone(UTC), period.until.astimezone(UTC)
    stmt = (
        rounds.list_query({"site_id": site.id, "since": start, "until": end})
        .add_columns(PatrolRoute.name)
        .join(PatrolRoute, PatrolRoute.id == Round.route_id)
        .order_by(PatrolRoute.name, Round.route_id, Round.window_start, Round.id)
    )
    found = [(r, name) for r, name in session.execute(stmt)]
    assignees = [r.assignee_id for r, _ in found if r.assignee_id]
    people = names.lookup(session, current_actor(), Named.PERSON, assignees)
    return DayTimeline(
        site=site,
        sites=choices,
        day=day,
        start=start,
        end=end,
        now=now,
        ticks=_ticks(day, zone, start, end),
        routes=_rows(found, people),
    )


def _judged_or_pending(found: Round) -> list[dict[str, Any]]:
    """The judge's stops; before its first look, the expected ones, each still pending."""
    if found.stops:
        return found.stops
    return [
        {
            "position": s["position"],
            "checkpoint_id": s["checkpoint_id"],
            "name": s["name"],
            "event_id": None,
            "scanned_at": None,
            "status": "pending",
            "optional": bool(s.get("optional")),
        }
        for s in found.expected
    ]


def _events(session: Session, org_id: int, ids: list[int]) -> dict[int, Any]:
    """The scans behind a round's stops, in one query."""
    if not ids:
        return {}
    stmt = select(
        DeviceEvent.id,
        DeviceEvent.device_id,
        DeviceEvent.user_id,
        DeviceEvent.corrected_time,
        DeviceEvent.data,
    ).where(DeviceEvent.org_id == org_id, DeviceEvent.id.in_(ids))
    return {row.id: row for row in session.execute(stmt)}


def _received(session: Session, org_id: int, events: Iterable[Any]) -> set[str]:
    """Which of the photos the scans name the server holds (a handheld sends them after)."""
    hashes = {h for e in events for h in e.data.get("photos") or []}
    if not hashes:
        return set()
    stmt = select(Photo.sha256).where(Photo.org_id == org_id, Photo.sha256.in_(hashes))
    return set(session.scalars(stmt))


@dataclass(frozen=True)
class _Seen:
    """What a round's scans bring: the events by id, the photos received, names by id."""

    events: dict[int, Any]
    received: set[str]
    people: dict[int, str]
    handhelds: dict[int, str]


def _stop(judged: dict[str, Any], expected: dict[str, Any], found: Round, seen: _Seen) -> Stop:
    offset = expected.get("offset_min")
    # The judge plans from the round's actual start (a late start is its own problem); a round
    # not begun is planned from its due time.
    origin = found.started_at or found.due_at
    planned = None if offset is None else origin + timedelta(minutes=offset)
    event = seen.events.get(judged.get("event_id") or 0)
    data = event.data if event is not None else {}
    hashes = list(data.get("photos") or [])
    rushed = judged.get("rushed") or {}
    return Stop(
        position=judged["position"],
        checkpoint_id=judged["checkpoint_id"],
        checkpoint_name=judged["name"],
        planned_at=planned,
        tolerance_min=expected.get("tolerance_min", 5) if offset is not None else None,
        scanned_at=_instant(judged.get("scanned_at")),
        status=judged["status"],
        minutes_off=judged.get("minutes_off"),
        optional=bool(judged.get("optional")),
        task_missing=tuple(judged.get("task_missing") or ()),
        gap_s=judged.get("gap_s"),
        min_gap_s=rushed.get("min_gap_s"),
        photos=[h for h in hashes if h in seen.received],
        photos_awaited=sum(1 for h in hashes if h not in seen.received),
        note=str(data.get("note") or "").strip(),
        event_id=judged.get("event_id"),
        guard=seen.people.get(event.user_id) if event is not None and event.user_id else None,
        handheld=seen.handhelds.get(event.device_id) if event is not None else None,
    )


def _rows(found: list[tuple[Round, str]], people: dict[int, str]) -> list[RouteRow]:
    """Rounds by route (in the order found), each in the first lane free at its start."""
    rows: dict[int, RouteRow] = {}
    ends: dict[int, list[datetime]] = {}  # per route, where each lane's last bar ends
    for r, route_name in found:
        lanes = ends.setdefault(r.route_id, [])
        lane = next((i for i, end in enumerate(lanes) if end <= r.window_start), len(lanes))
        lanes[lane : lane + 1] = [r.window_end]
        row = rows.setdefault(r.route_id, RouteRow(r.route_id, route_name, []))
        row.rounds.append(
            DayRound(
                id=r.id,
                route_id=r.route_id,
                route_name=route_name,
                voluntary=r.voluntary,
                due_at=r.due_at,
                window_start=r.window_start,
                window_end=r.window_end,
                status=r.status,
                late_start=r.late_start,
                assignee=people.get(r.assignee_id) if r.assignee_id else None,
                team=r.team,
                done=sum(1 for s in r.stops or [] if s.get("event_id") is not None),
                expected=len(r.expected or []),
                lane=lane,
            )
        )
    return list(rows.values())


def _ticks(day: date, zone: ZoneInfo, start: datetime, end: datetime) -> list[Tick]:
    marks = [
        Tick(hour, datetime.combine(day, time(hour), zone).astimezone(UTC))
        for hour in range(TICK_HOURS, 24, TICK_HOURS)
    ]
    return [Tick(0, start), *(t for t in marks if start < t.at < end), Tick(24, end)]


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _by_due(r: DayRound) -> tuple[datetime, str, int]:
    return (r.due_at, r.route_name, r.id)
