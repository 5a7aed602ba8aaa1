"""Rounds as the rota makes them, walked at walking pace; night shifts clocked in and out.

Round times are worked out here, independently of the server: each rule's site-local times,
placed on the UTC line as docs/patrols.md says (a time in the spring-forward gap takes the
offset before it, a repeated time its first occurrence), which is zoneinfo's fold=0.
"""

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.testing.truth.model import (
    MINUTE,
    SECOND,
    Plan,
    Scan,
    Shift,
    Site,
    metres,
    offset,
)


@dataclass
class Round:
    """One occurrence of a plan, and what happened to it."""

    site: Site
    plan: Plan
    due: datetime
    window_end: datetime
    fault: str | None = None
    scans: list[Scan] = field(default_factory=list)


@dataclass
class Twist:
    """How a fault bends one walk; the default is a normal round."""

    walked: bool = True
    late_by: timedelta | None = None
    skip: frozenset[str] = frozenset()
    swap: bool = False  # a strict route walked A C B D
    run_to: int | None = None  # the stop (in walking order) reached running from the one before
    far_at: str | None = None  # the stop scanned from a copy, far from it
    forged_at: str | None = None  # a forged sticker read just before this stop's real one
    revoked_after: str | None = None  # the revoked sticker read just after this stop


def occurrences(site: Site, plan: Plan, since: datetime, until: datetime) -> list[datetime]:
    """The plan's starts in (since, until), in UTC."""
    zone = ZoneInfo(site.timezone)
    day = since.astimezone(zone).date() - timedelta(days=1)
    last = until.astimezone(zone).date() + timedelta(days=1)
    found = set()
    while day <= last:
        for hour in plan.hours:
            found.add(datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC))
        day += timedelta(days=1)
    return sorted(at for at in found if since < at < until)


def start_local(site: Site, plan: Plan, since: datetime) -> str:
    """The rule's DTSTART: its first site-local time after since."""
    first = occurrences(site, plan, since, since + timedelta(days=2))[0]
    return first.astimezone(ZoneInfo(site.timezone)).strftime("%Y-%m-%dT%H:%M")


def rounds(site: Site, plan: Plan, since: datetime, until: datetime) -> list[Round]:
    due = occurrences(site, plan, since, until + timedelta(days=1))
    made = []
    for at, following in itertools.pairwise(due):
        if at >= until:
            break
        end = min(at + timedelta(minutes=plan.window_min), following)
        made.append(Round(site, plan, at, end))
    return made


def night_of(site: Site, at: datetime) -> date:
    """The evening a night shift began: 02:00 belongs to the night before."""
    return (at.astimezone(ZoneInfo(site.timezone)) - timedelta(hours=12)).date()


def dst_nights(site: Site, since: datetime, until: datetime) -> set[date]:
    """Nights in which the site's UTC offset changes."""
    zone, found = ZoneInfo(site.timezone), set()
    at = since
    while at < until:
        after = at + timedelta(hours=1)
        if at.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            found.add(night_of(site, at))
        at = after
    return found


def walking_order(site: Site, plan: Plan, rng: random.Random) -> list[str]:
    """Strict routes as listed; any-order routes outdoors first, shuffled, the basement last."""
    stops = [s.code for s in site.route(plan.route).stops]
    if site.route(plan.route).order == "strict":
        return stops
    outdoor = [c for c in stops if not site.checkpoint(c).indoor]
    indoor = [c for c in stops if site.checkpoint(c).indoor]
    rng.shuffle(outdoor)
    rng.shuffle(indoor)
    return outdoor + indoor


def walk(r: Round, rng: random.Random, twist: Twist) -> list[Scan]:
    """The round's scans: 1 to 4 minutes after its start, then 1.0 to 1.4 m/s between stops."""
    if not twist.walked:
        return []
    site, serial = r.site, r.plan.walker
    order = walking_order(site, r.plan, rng)
    if twist.swap:
        order[1], order[2] = order[2], order[1]
    optional = {s.code for s in site.route(r.plan.route).stops if s.optional}
    notes = {s.code for s in site.route(r.plan.route).stops if s.require_note}
    # Optional stops are left out on a quarter of the rounds (raises nothing, by definition);
    # a stop left out is not walked to.
    skip = set(twist.skip) | {c for c in optional if rng.random() < 0.25}
    order = [code for code in order if code not in skip]
    at = r.due + rng.randint(60, 240) * SECOND + (twist.late_by or timedelta())
    scans: list[Scan] = []
    for index, code in enumerate(order):
        place = site.checkpoint(code)
        if index:
            distance = metres(site.checkpoint(order[index - 1]), place)
            if index == twist.run_to:
                at += max(1, round(distance / rng.uniform(5.5, 8.0))) * SECOND
            else:
                at += round(distance / rng.uniform(1.0, 1.4) + rng.uniform(15, 45)) * SECOND
        if code == twist.forged_at:
            scans.append(Scan(at - 15 * SECOND, serial, code, "forged", fix(place, rng)))
        where = far(place, rng) if code == twist.far_at else fix(place, rng)
        note = "Geprüft, geschlossen. Checked, closed." if code in notes else ""
        scans.append(Scan(at, serial, code, "live", where, note))
        if code == twist.revoked_after and site.revoked:
            scans.append(Scan(at + 20 * SECOND, serial, site.revoked, "revoked", None))
    return scans


def fix(place, rng: random.Random) -> tuple[float, float, float] | None:
    """A GPS fix at the checkpoint: within half its radius, 5 to 12 m accuracy; none indoors."""
    if place.indoor:
        return None
    east, north = (rng.uniform(-0.35, 0.35) * place.radius_m for _ in range(2))
    return (*offset(place.latitude, place.longitude, east, north), float(rng.randint(5, 12)))


def far(place, rng: random.Random) -> tuple[float, float, float]:
    """A fix from the guardhouse, 250 to 400 m away: the sticker scanned there was a copy."""
    east, north = rng.choice((-1, 1)) * rng.uniform(180, 280), rng.choice((-1, 1)) * 180
    return (*offset(place.latitude, place.longitude, east, north), 8.0)


def shifts(site: Site, plan: Plan, walked: list[Round]) -> list[Shift]:
    """Each night: clock-in 15 minutes before the first round, clock-out after the last."""
    nights: dict[date, list[Round]] = {}
    for r in walked:
        nights.setdefault(night_of(site, r.due), []).append(r)
    made = []
    for rounds_of_night in nights.values():
        first, last = rounds_of_night[0], rounds_of_night[-1]
        done = max((s.at for s in last.scans), default=last.due)
        made += [
            Shift(first.due - 15 * MINUTE, plan.walker, "clock_in"),
            Shift(done + 10 * MINUTE, plan.walker, "handover"),
            Shift(done + 15 * MINUTE, plan.walker, "clock_out"),
        ]
    return made
