"""Today at each site, as a supervisor reviews it: the rounds due so far, open alerts, guards on
duty, handhelds gone quiet and overdue inspections. Each part is one set-based query over every
site read; only the rounds' figures are asked per site, since each site's day has its own hours."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from device_protocol.events import EventType
from server.domain import access, names
from server.domain.actor import current_actor
from server.domain.alerts import handling
from server.domain.alerts.kinds import AlertKind
from server.domain.clock import utcnow
from server.domain.models import (
    Alert,
    AlertSeverity,
    AlertState,
    Checkpoint,
    Device,
    DeviceEvent,
    Duty,
    Round,
    RoundStatus,
    Site,
)
from server.domain.models.devices import device_sites
from server.domain.patrol import compliance, rounds
from server.domain.registry import sites

# A handheld that has not synced for this long is listed: on a shift it syncs every few minutes,
# so two hours of nothing means it is off, out of range or in a drawer.
QUIET_AFTER = timedelta(hours=2)
# The order a supervisor reads severities in: the worst first.
URGENT_FIRST = (
    AlertSeverity.CRITICAL,
    AlertSeverity.HIGH,
    AlertSeverity.MEDIUM,
    AlertSeverity.LOW,
)


@dataclass(frozen=True)
class Rounds:
    """Scheduled rounds due since local midnight, by outcome (compliance.summary's figures)."""

    planned: int
    done: int
    incomplete: int
    in_progress: int
    not_started: int  # due, inside their window, not begun yet
    missed: int
    late: int  # begun after their grace
    compliance_pct: float | None  # done of those settled; None while none is


@dataclass(frozen=True)
class Guard:
    """A handheld on duty: who carries it, when it last scanned where, and whether it is silent."""

    device_id: int
    handheld: str
    user_id: int | None
    person: str | None
    clocked_in_at: datetime
    last_seen_at: datetime  # its latest event of any kind: the lone-worker watch's clock
    last_scan_at: datetime | None  # None: no scan since clocking in
    checkpoint: str | None  # the last scan's checkpoint; None when the tag named none
    silent: bool  # no event for longer than the site's lone-worker limit


@dataclass(frozen=True)
class Handheld:
    """An enrolled handheld of the site that has not synced for QUIET_AFTER or more."""

    device_id: int
    name: str
    last_sync_at: datetime | None  # None: enrolled, never synced


@dataclass(frozen=True)
class Overdue:
    """An inspection past due, as the evaluator's unresolved inspection_overdue alert says."""

    alert_id: int
    asset_id: int | None
    state: AlertState
    severity: AlertSeverity
    title: str  # English, for alerts kept before title_args
    title_args: dict[str, Any] | None
    due_at: datetime | None


@dataclass(frozen=True)
class SiteDay:
    """One site's today, from local midnight to now."""

    site_id: int
    name: str
    timezone: str
    inactivity_min: int | None
    since: datetime  # local midnight, in the site's zone
    day: str  # the local date, YYYY-MM-DD
    rounds: Rounds
    open_alerts: tuple[tuple[AlertSeverity, int], ...]  # state open, URGENT_FIRST order
    guards: tuple[Guard, ...]  # silent ones first
    quiet_handhelds: tuple[Handheld, ...]
    overdue: tuple[Overdue, ...]


@dataclass(frozen=True)
class _Watch:
    open_alerts: tuple[tuple[AlertSeverity, int], ...]
    guards: tuple[Guard, ...]
    quiet_handhelds: tuple[Handheld, ...]
    overdue: tuple[Overdue, ...]


def today(
    session: Session, site_id: int | None = None, now: datetime | None = None
) -> list[SiteDay]:
    """Today at every active site of the actor (by name), or at one site (404 if not theirs)."""
    now = now or utcnow()
    chosen = _sites(session, site_id)
    watch = _watch(session, chosen, now)
    days = []
    for site in chosen:
        period = compliance.today(site.timezone, now)
        days.append(
            SiteDay(
                site_id=site.id,
                name=site.name,
                timezone=site.timezone,
                inactivity_min=site.inactivity_min,
                since=period.since,
                day=period.since.date().isoformat(),
                rounds=_rounds(session, site.id, period.since, now),
                open_alerts=watch[site.id].open_alerts,
                guards=watch[site.id].guards,
                quiet_handhelds=watch[site.id].quiet_handhelds,
                overdue=watch[site.id].overdue,
            )
        )
    return days


def fingerprint(session: Session, site_id: int, now: datetime | None = None) -> str:
    """A digest that changes whenever one site's today would read differently: the same parts
    as today() except the rounds, stamped by one grouped count instead of the full summary."""
    now = now or utcnow()
    [site] = _sites(session, site_id)
    since = compliance.today(site.timezone, now).since
    due = rounds.list_query(
        {"site_id": site.id, "since": since, "until": _until(since, now), "voluntary": False}
    )
    stamp = session.execute(
        due.with_only_columns(Round.status, Round.late_start, func.count())
        .group_by(Round.status, Round.late_start)
        .order_by(Round.status, Round.late_start)
    ).all()
    seen = (
        site.name,
        site.timezone,
        site.inactivity_min,
        since,
        stamp,
        _watch(session, [site], now),
    )
    return hashlib.sha256(repr(seen).encode()).hexdigest()


def _sites(session: Session, site_id: int | None) -> list[Site]:
    if site_id is not None:
        return [sites.get(session, site_id)]
    stmt = sites.list_query({"active": True}).order_by(Site.name, Site.id)
    return list(session.scalars(stmt))


def _until(since: datetime, now: datetime) -> datetime:
    # The summary wants a non-empty period: at the stroke of midnight, a microsecond of one.
    return max(now, since + timedelta(microseconds=1))


def _rounds(session: Session, site_id: int, since: datetime, now: datetime) -> Rounds:
    found = compliance.summary(
        session, {"site_id": site_id, "since": since, "until": _until(since, now)}
    )
    by_status = found["by_status"]
    return Rounds(
        planned=found["rounds"],
        done=by_status[RoundStatus.COMPLETED.value],
        incomplete=by_status[RoundStatus.INCOMPLETE.value],
        in_progress=by_status[RoundStatus.IN_PROGRESS.value],
        not_started=by_status[RoundStatus.SCHEDULED.value],
        missed=by_status[RoundStatus.MISSED.value],
        late=found["late_starts"],
        compliance_pct=found["completed_pct"],
    )


def _watch(session: Session, chosen: list[Site], now: datetime) -> dict[int, _Watch]:
    """Everything but the rounds, for all the sites at once, by site id."""
    ids = [site.id for site in chosen]
    limits = {site.id: site.inactivity_min for site in chosen}
    alerts = _open_alerts(session, ids)
    guards = _guards(session, ids, limits, now)
    quiet = _quiet_handhelds(session, ids, now)
    overdue = _overdue(session, ids)
    return {
        site_id: _Watch(
            open_alerts=tuple((s, alerts.get((site_id, s), 0)) for s in URGENT_FIRST),
            guards=tuple(guards[site_id]),
            quiet_handhelds=tuple(quiet[site_id]),
            overdue=tuple(overdue[site_id]),
        )
        for site_id in ids
    }


def _open_alerts(session: Session, site_ids: list[int]) -> dict[tuple[int, AlertSeverity], int]:
    """Open alerts (not yet acknowledged) by site and severity, as the queue counts state=open."""
    stmt = (
        handling.list_query({"state": AlertState.OPEN})
        .with_only_columns(Alert.site_id, Alert.severity, func.count())
        .where(Alert.site_id.in_(site_ids))
        .group_by(Alert.site_id, Alert.severity)
    )
    return {(site_id, severity): n for site_id, severity, n in session.execute(stmt)}


def _overdue(session: Session, site_ids: list[int]) -> dict[int, list[Overdue]]:
    """Unresolved inspection_overdue alerts, the first raised first. The evaluator raises one per
    schedule past its due time and grace, and closes it when the inspection is done."""
    stmt = (
        handling.list_query({"kind": AlertKind.INSPECTION_OVERDUE})
        .with_only_columns(
            Alert.id,
            Alert.site_id,
            Alert.asset_id,
            Alert.state,
            Alert.severity,
            Alert.title,
            Alert.title_args,
            Alert.evidence,
        )
        .where(Alert.site_id.in_(site_ids), Alert.state != AlertState.RESOLVED)
        .order_by(Alert.raised_at, Alert.id)
    )
    found: dict[int, list[Overdue]] = defaultdict(list)
    for row in session.execute(stmt):
        due = row.evidence.get("due_at")
        found[row.site_id].append(
            Overdue(
                alert_id=row.id,
                asset_id=row.asset_id,
                state=row.state,
                severity=row.severity,
                title=row.title,
                title_args=row.title_args,
                due_at=datetime.fromisoformat(due) if due else None,
            )
        )
    return found


def _guards(
    session: Session, site_ids: list[int], limits: dict[int, int | None], now: datetime
) -> dict[int, list[Guard]]:
    """Handhelds on duty at the sites, with their last scan since clocking in and their names."""
    on_duty = access.scoped(select(Duty), Duty, current_actor()).where(
        Duty.on_duty, Duty.site_id.in_(site_ids)
    )
    duties = list(session.scalars(on_duty))
    if not duties:
        return defaultdict(list)
    scans = _last_scans(session, [d.device_id for d in duties])
    actor = current_actor()
    people = names.lookup(session, actor, names.Named.PERSON, _ids(d.user_id for d in duties))
    handhelds = names.lookup(session, actor, names.Named.HANDHELD, (d.device_id for d in duties))
    found: dict[int, list[Guard]] = defaultdict(list)
    for duty in duties:
        limit = limits.get(duty.site_id or 0)
        at, checkpoint = scans.get(duty.device_id, (None, None))
        found[duty.site_id or 0].append(
            Guard(
                device_id=duty.device_id,
                handheld=handhelds.get(duty.device_id, ""),
                user_id=duty.user_id,
                person=people.get(duty.user_id) if duty.user_id else None,
                clocked_in_at=duty.clocked_in_at,
                last_seen_at=duty.last_seen_at,
                last_scan_at=at,
                checkpoint=checkpoint,
                # As lone_worker.watch judges it: silent longer than the site allows.
                silent=limit is not None and now - duty.last_seen_at > timedelta(minutes=limit),
            )
        )
    for guards in found.values():
        guards.sort(key=lambda g: (not g.silent, g.person or g.handheld, g.device_id))
    return found


def _last_scans(session: Session, device_ids: list[int]) -> dict[int, tuple[datetime, str | None]]:
    """Each handheld's latest scan since its clock-in, with the checkpoint's name: one query."""
    ranked = (
        select(
            DeviceEvent.device_id,
            DeviceEvent.corrected_time,
            DeviceEvent.checkpoint_id,
            func.row_number()
            .over(
                partition_by=DeviceEvent.device_id,
                order_by=(DeviceEvent.corrected_time.desc(), DeviceEvent.id.desc()),
            )
            .label("n"),
        )
        .join(
            Duty,
            and_(
                Duty.device_id == DeviceEvent.device_id,
                DeviceEvent.corrected_time >= Duty.clocked_in_at,
            ),
        )
        .where(DeviceEvent.device_id.in_(device_ids), DeviceEvent.type == EventType.SCAN)
        .subquery()
    )
    stmt = (
        select(ranked.c.device_id, ranked.c.corrected_time, Checkpoint.name)
        .outerjoin(Checkpoint, Checkpoint.id == ranked.c.checkpoint_id)
        .where(ranked.c.n == 1)
    )
    return {row.device_id: (row.corrected_time, row.name) for row in session.execute(stmt)}


def _quiet_handhelds(
    session: Session, site_ids: list[int], now: datetime
) -> dict[int, list[Handheld]]:
    """Active, enrolled handhelds of the sites whose last sync is QUIET_AFTER old, or never."""
    stmt = (
        select(device_sites.c.site_id, Device.id, Device.last_seen_at)
        .join(device_sites, device_sites.c.device_id == Device.id)
        .where(
            Device.org_id == current_actor().org_id,
            device_sites.c.site_id.in_(site_ids),
            Device.active,
            Device.enrolled_at.is_not(None),
            or_(Device.last_seen_at.is_(None), Device.last_seen_at <= now - QUIET_AFTER),
        )
        # Never synced first, then the longest quiet.
        .order_by(Device.last_seen_at.is_not(None), Device.last_seen_at, Device.id)
    )
    rows = session.execute(stmt).all()
    named = names.lookup(session, current_actor(), names.Named.HANDHELD, (r.id for r in rows))
    found: dict[int, list[Handheld]] = defaultdict(list)
    for row in rows:
        found[row.site_id].append(Handheld(row.id, named.get(row.id, ""), row.last_seen_at))
    return found


def _ids(values: Iterable[int | None]) -> list[int]:
    return [v for v in values if v is not None]
