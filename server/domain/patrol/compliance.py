"""The compliance summary: were a period's scheduled rounds walked, overall, by guard, by route
and by checkpoint. Every figure is counted in SQL with GROUP BY, so what the database sends back
and what Python does with it grow with the guards, routes and checkpoints, not with the rounds."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Select, and_, case, false, func, select, true, type_coerce
from sqlalchemy.orm import Session

from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.models import PatrolRoute, Round, RoundStatus, Schedule, Site, User
from server.domain.patrol import rounds, rounds_ahead
from server.domain.registry import sites

# A quarter: long enough for a monthly report, short enough to read in one request.
LONGEST = timedelta(days=92)
_SETTLED = (RoundStatus.COMPLETED, RoundStatus.INCOMPLETE, RoundStatus.MISSED)
# What a stop of a settled round became: scanned (however well), or left out.
SCANNED = ("on_time", "early", "late", "out_of_order", "incomplete_task")


@dataclass(frozen=True)
class Period:
    """Rounds due in [since, until); timezone is the one the covered sites keep, if only one."""

    since: datetime
    until: datetime
    timezone: str | None


def summary(session: Session, filters: dict[str, Any]) -> dict[str, Any]:
    """Compliance for a period (by default today in site time): scheduled rounds by outcome,
    by guard and by route, and the checkpoints most missed; voluntary rounds counted apart."""
    if filters.get("site_id") is not None:
        sites.get(session, filters["site_id"])  # another site's figures are not zeros: 404
    period = period_of(session, filters)
    chosen = {k: v for k, v in filters.items() if k != "voluntary"}
    scope = rounds.list_query(chosen | {"since": period.since, "until": period.until})
    figures = counted(session, scope)
    return {"since": period.since, "until": period.until, "timezone": period.timezone, **figures}


def of_site(session: Session, site: Site, period: Period) -> dict[str, Any]:
    """summary() of one site's rounds due in the period, checking no one's access: a report's
    asker was checked when asking, and the worker that gathers it is no tenant's."""
    scope = select(Round).where(
        Round.org_id == site.org_id,
        Round.site_id == site.id,
        # A window opens at most MAX_EDGE_MIN before its due time: a bound on the site's
        # window index (due_at has none with the site).
        Round.window_start >= period.since - timedelta(minutes=rounds_ahead.MAX_EDGE_MIN),
        Round.window_start < period.until,
        Round.due_at >= period.since,
        Round.due_at < period.until,
    )
    figures = counted(session, scope)
    return {"since": period.since, "until": period.until, "timezone": site.timezone, **figures}


def counted(session: Session, selected: Select[Any]) -> dict[str, Any]:
    """The figures of the rounds a statement selects: the one way summary() and the compliance
    report count them."""
    scope = selected.subquery()
    voluntary = func.count(case((scope.c.voluntary, 1))).label("voluntary")
    totals = session.execute(select(*_figures(scope), voluntary).select_from(scope)).one()
    checkpoints = _by_checkpoint(session, scope)
    return {
        **_figures_of(totals),
        "missed_checkpoints": _ranked(checkpoints, "missed"),
        "skipped_optional": _ranked(checkpoints, "skipped"),
        "by_checkpoint": checkpoints,
        # The assignee, not whoever scanned: a missed round has no walker, and it is exactly the
        # round a supervisor asks "whose was it?" about.
        "by_guard": _grouped(session, scope, scope.c.assignee_id, User, "user_id", outer=True),
        "by_route": _grouped(session, scope, scope.c.route_id, PatrolRoute, "route_id"),
        "voluntary_rounds": totals.voluntary,  # walked by choice: recorded, never a figure
    }


def period_of(session: Session, filters: dict[str, Any]) -> Period:
    """The period asked for, or today from local midnight to the next in the sites' timezone;
    a 422 when only one end is given, or when no range is given and the sites keep several."""
    since, until = filters.get("since"), filters.get("until")
    if (since is None) != (until is None):
        missing = "until" if until is None else "since"
        raise Invalid(
            "give both since and until, or neither for today in site time",
            {missing: ["give both since and until, or neither"]},
        )
    zones = _timezones(session, filters)
    shared = zones[0] if len(zones) == 1 else None
    if since is not None and until is not None:
        if not since < until <= since + LONGEST:
            raise Invalid(
                "until must come after since, at most 92 days later",
                {"until": ["after since, within 92 days"]},
            )
        return Period(since, until, shared)
    if len(zones) > 1:
        # Today is a different span of hours at each; one range would be wrong for some site.
        raise Invalid(
            f"your sites are in {len(zones)} timezones ({', '.join(zones)}): "
            "give site_id for that site's today, or both since and until",
            {"site_id": ["give site_id, or both since and until"]},
        )
    return today(shared or "UTC", utcnow())


def today(timezone: str, now: datetime) -> Period:
    """The local day around now, midnight to midnight: 23 or 25 hours on a change of clocks."""
    day = now.astimezone(ZoneInfo(timezone)).date()
    return local_days(timezone, day, day)


def local_days(timezone: str, first: date, last: date) -> Period:
    """The local days first to last (inclusive), from the first's midnight to the next after
    the last's."""
    zone = ZoneInfo(timezone)
    return Period(_midnight(first, zone), _midnight(last + timedelta(days=1), zone), timezone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # fold=0, then through UTC: where a zone skips midnight (Santiago, Havana, Beirut), the day
    # begins when the clocks resume (01:00), not at a wall time that never happened.
    return datetime.combine(day, time(), zone).astimezone(UTC).astimezone(zone)


def _timezones(session: Session, filters: dict[str, Any]) -> list[str]:
    """The timezones of the sites a summary covers: the site, route or schedule asked about,
    else every active site of the actor (a deactivated site makes no new rounds)."""
    stmt = sites.list_query({}).with_only_columns(Site.timezone).distinct()
    narrowed = False
    for name, model in (("route_id", PatrolRoute), ("schedule_id", Schedule)):
        if filters.get(name) is not None:
            home = select(model.site_id).where(model.id == filters[name]).scalar_subquery()
            stmt, narrowed = stmt.where(Site.id == home), True
    if filters.get("site_id") is not None:
        stmt, narrowed = stmt.where(Site.id == filters["site_id"]), True
    if not narrowed:
        stmt = stmt.where(Site.active)
    return sorted(session.scalars(stmt))


def _figures(scope: Any) -> list[Any]:
    """Scheduled rounds by status and late starts, as aggregate columns over scope."""
    scheduled = ~scope.c.voluntary
    by_status = [
        func.count(case((and_(scheduled, scope.c.status == status), 1))).label(status.value)
        for status in RoundStatus
    ]
    # A missed round was never started at all; late starts are rounds begun late.
    late = and_(scheduled, scope.c.late_start, scope.c.status != RoundStatus.MISSED)
    return [*by_status, func.count(case((late, 1))).label("late_starts")]


def _figures_of(row: Any) -> dict[str, Any]:
    by_status = {status.value: row._mapping[status.value] for status in RoundStatus}
    settled = sum(by_status[status.value] for status in _SETTLED)
    return {
        "rounds": sum(by_status.values()),
        "by_status": by_status,
        "late_starts": row.late_starts,
        "completed_pct": round(100 * by_status["completed"] / settled, 1) if settled else None,
    }


def _grouped(
    session: Session, scope: Any, key: Any, named: Any, id_name: str, outer: bool = False
) -> list[dict[str, Any]]:
    """The figures per value of key, with the name of the row it points to, by name."""
    stmt = (
        select(key.label("key"), named.name.label("name"), *_figures(scope))
        .select_from(scope)
        .join(named, named.id == key, isouter=outer)
        .where(~scope.c.voluntary)
        .group_by(key, named.name)
    )
    groups = [
        {id_name: row.key, "name": row.name, **_figures_of(row)} for row in session.execute(stmt)
    ]
    # Rounds with nobody assigned (a team's, or no one's) come last.
    return sorted(groups, key=lambda g: (g[id_name] is None, g["name"] or "", g[id_name] or 0))


def _by_checkpoint(session: Session, scope: Any) -> list[dict[str, Any]]:
    """Each checkpoint of the settled scheduled rounds, by name: how often a round expected it
    (due), and what became of it there: scanned (late and incomplete_task among them), missed
    (required) or skipped (optional). A missed round left out every stop it expected; other
    rounds say per stop what became of it."""
    missed_round = scope.c.status == RoundStatus.MISSED
    each = _elements(session, case((missed_round, scope.c.expected), else_=scope.c.stops))
    stop = type_coerce(each.c.value, JSON)
    outcome = case(
        (~missed_round, stop["status"].as_string()),
        (func.coalesce(stop["optional"].as_boolean(), false()), "skipped"),
        else_="missed",
    )
    # Grouped outside, by the inner columns: PostgreSQL cannot match a GROUP BY expression
    # with bound parameters (the JSON keys) to the same expression in the SELECT list.
    stops = (
        select(
            outcome.label("outcome"),
            stop["checkpoint_id"].as_integer().label("checkpoint_id"),
            stop["name"].as_string().label("name"),
        )
        .select_from(scope)
        .join(each, true())
        .where(~scope.c.voluntary, scope.c.status.in_(_SETTLED))
        .subquery()
    )
    counted = select(stops.c.outcome, stops.c.checkpoint_id, stops.c.name, func.count().label("n"))
    found: dict[tuple[int, str], dict[str, Any]] = {}
    for row in session.execute(counted.group_by(*stops.c)):
        line = found.setdefault(
            (row.checkpoint_id, row.name),
            {"checkpoint_id": row.checkpoint_id, "name": row.name, "due": 0, "scanned": 0}
            | {"late": 0, "incomplete_task": 0, "missed": 0, "skipped": 0},
        )
        line["due"] += row.n
        line["scanned"] += row.n if row.outcome in SCANNED else 0
        if row.outcome in ("late", "incomplete_task", "missed", "skipped"):
            line[row.outcome] += row.n
    return sorted(found.values(), key=lambda line: (line["name"], line["checkpoint_id"]))


def _elements(session: Session, array: Any) -> Any:
    """The items of a JSON array column, one row each, in a column named value."""
    unnest = func.json_array_elements if _dialect(session) == "postgresql" else func.json_each
    return unnest(array).table_valued("value")


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _ranked(checkpoints: list[dict[str, Any]], outcome: str) -> list[dict[str, Any]]:
    """The checkpoints left out that way at least once, most often first; `missed` says how
    often, whichever way."""
    left = [c for c in checkpoints if c[outcome]]
    ranked = sorted(left, key=lambda c: (-c[outcome], c["name"]))
    return [
        {"checkpoint_id": c["checkpoint_id"], "name": c["name"], "missed": c[outcome]}
        for c in ranked
    ]
