"""What a generated scenario is made of: the estate, what people do, and the alerts it must raise.

Everything here is plain data named by codes (sites, checkpoints, plans, handheld serials), never
by database ids: the generator knows nothing of a server, and the replay maps codes to ids.
"""

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Checkpoint:
    """A place on a site, with its position; indoors a handheld gets no GPS fix."""

    code: str
    name: str
    latitude: float
    longitude: float
    radius_m: int = 25
    indoor: bool = False


@dataclass(frozen=True)
class Stop:
    code: str
    optional: bool = False
    require_note: bool = False


@dataclass(frozen=True)
class Route:
    name: str
    order: Literal["strict", "any"]
    stops: tuple[Stop, ...]


@dataclass(frozen=True)
class Plan:
    """A patrol schedule: a route walked at these site-local hours by one handheld."""

    name: str
    route: str
    hours: tuple[int, ...]  # FREQ=DAILY;BYHOUR=...;BYMINUTE=0, in this order
    window_min: int
    grace_min: int
    walker: str  # the serial of the handheld that walks it
    night: bool  # a lone worker's shift: clocked in, watched for silence

    @property
    def rrule(self) -> str:
        return f"FREQ=DAILY;BYHOUR={','.join(map(str, self.hours))};BYMINUTE=0"


@dataclass(frozen=True)
class Person:
    login: str
    name: str
    role: Literal["guard", "engineer", "supervisor"]


@dataclass(frozen=True)
class Handheld:
    serial: str
    label: str
    person: str  # login of who carries it


@dataclass(frozen=True)
class Asset:
    code: str
    name: str
    max_days: int  # the inspection schedule's spacing: due this many days after the last one
    grace_hours: int
    engineer: str  # serial of the engineer's handheld


@dataclass(frozen=True)
class Site:
    code: str
    name: str
    timezone: str
    inactivity_min: int
    checkpoints: tuple[Checkpoint, ...]
    routes: tuple[Route, ...]
    plans: tuple[Plan, ...]
    handhelds: tuple[Handheld, ...]
    people: tuple[Person, ...]
    assets: tuple[Asset, ...] = ()
    revoked: str | None = None  # a checkpoint whose first sticker is revoked (it went missing)

    def checkpoint(self, code: str) -> Checkpoint:
        return next(c for c in self.checkpoints if c.code == code)

    def route(self, name: str) -> Route:
        return next(r for r in self.routes if r.name == name)


@dataclass(frozen=True)
class Estate:
    sites: tuple[Site, ...]

    def site_of(self, serial: str) -> Site:
        return next(s for s in self.sites if any(h.serial == serial for h in s.handhelds))


# --- what happens ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Scan:
    """A checkpoint's sticker read; tag: the live sticker, a forged copy or a revoked one."""

    at: datetime
    serial: str
    checkpoint: str
    tag: Literal["live", "forged", "revoked"] = "live"
    fix: tuple[float, float, float] | None = None  # latitude, longitude, accuracy_m
    note: str = ""


@dataclass(frozen=True)
class Shift:
    at: datetime
    serial: str
    kind: Literal["clock_in", "handover", "clock_out"]


@dataclass(frozen=True)
class Reading:
    """An engineer's inspection of an asset on the starter generator_weekly form."""

    at: datetime
    serial: str
    asset: str
    values: dict[str, object]


Action = Scan | Shift | Reading


@dataclass(frozen=True)
class Clock:
    """A handheld's clocks: wall-clock skew and boots, each from an instant on."""

    skews: tuple[tuple[datetime, float], ...]  # (from, seconds the wall clock is ahead)
    boots: tuple[tuple[datetime, str], ...]  # (from, boot_id); the monotonic clock restarts

    def skew(self, at: datetime) -> timedelta:
        return timedelta(seconds=_segment(self.skews, at))

    def boot(self, at: datetime) -> tuple[datetime, str]:
        return next((b, i) for b, i in reversed(self.boots) if b <= at)

    def monotonic_ms(self, at: datetime) -> int:
        began, _ = self.boot(at)
        return 5_000 + (at - began) // timedelta(milliseconds=1)


def _segment(segments: tuple[tuple[datetime, float], ...], at: datetime) -> float:
    return next(v for since, v in reversed(segments) if since <= at)


End = Literal["open", "auto_resolved", "resolved"]  # resolved: by a person


@dataclass(frozen=True)
class Expected:
    """An alert a correct system raises, and how it ends: open, resolved by the evaluator, or
    resolved by the supervisor's morning review."""

    kind: str
    subject: tuple[str, ...]
    end: End
    fault: str  # the injected fault it comes from, for the diff


@dataclass(frozen=True)
class Fault:
    """An injected fault: what it is, where and when, in words a person reads."""

    name: str
    where: str
    at: datetime


@dataclass
class Scenario:
    seed: int
    setup_at: datetime
    start: datetime
    end: datetime
    estate: Estate
    actions: list[Action]
    sent: dict[int, datetime]  # index into actions: when its handheld delivered it
    clocks: dict[str, Clock]
    sweeps: list[datetime]
    reviews: list[datetime]  # the supervisor resolves the open suspicious_tag alerts
    expected: list[Expected]
    faults: list[Fault]
    dst_nights: list[str] = field(default_factory=list)


# --- subjects: what an alert is about, as text both sides can build --------------------------
def stamp(at: datetime) -> str:
    """An instant to the second, in UTC: how subjects name times."""
    return at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def round_subject(site: str, plan: str, due: datetime) -> tuple[str, ...]:
    return ("round", site, plan, stamp(due))


def scan_subject(serial: str, checkpoint: str | None, at: datetime) -> tuple[str, ...]:
    return ("scan", serial, checkpoint or "-", stamp(at))


def steps_subject(serial: str, a: str, a_at: datetime, b: str, b_at: datetime) -> tuple[str, ...]:
    """Two consecutive scans of one handheld."""
    return ("steps", serial, a, stamp(a_at), b, stamp(b_at))


def twin_subject(checkpoint: str, *scans: tuple[str, datetime]) -> tuple[str, ...]:
    """One checkpoint scanned by two handhelds: (serial, when) each, in any order."""
    return ("twins", checkpoint, *sorted(f"{serial}@{stamp(at)}" for serial, at in scans))


def tag_subject(serial: str, flag: str, sticker: str, at: datetime) -> tuple[str, ...]:
    """A bad sticker read by a handheld: the first read of the alert's episode."""
    return ("tag", serial, flag, sticker, stamp(at))


def sticker(checkpoint: str, tag: str) -> str:
    """A sticker's name: the checkpoint's, and what is wrong with it."""
    return checkpoint if tag == "live" else f"{checkpoint} ({tag})"


def silence_subject(serial: str, last_seen: datetime) -> tuple[str, ...]:
    return ("silence", serial, stamp(last_seen))


def reading_subject(asset: str, item: str, at: datetime) -> tuple[str, ...]:
    return ("reading", asset, item, stamp(at))


def overdue_subject(asset: str, form: str, due: datetime) -> tuple[str, ...]:
    return ("overdue", asset, form, stamp(due))


def metres(a: Checkpoint, b: Checkpoint) -> float:
    return haversine(a.latitude, a.longitude, b.latitude, b.longitude)


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two WGS84 points (an independent copy: the truth must not borrow)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def offset(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point this many metres east and north of (lat, lon)."""
    dlat = north_m / 111_320
    dlon = east_m / (111_320 * math.cos(math.radians(lat)))
    return round(lat + dlat, 7), round(lon + dlon, 7)
