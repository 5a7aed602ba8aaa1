"""Trend charts drawn on the server as SVG: no JavaScript, offline, in print, reused by PDFs."""

# Why SVG from the server: the page needs no JavaScript, the chart works offline and prints as
# drawn, and issue 14's PDF reports can reuse the same SVG. These are pure functions from
# readings, limits and a box to shapes (a polyline, band rectangles, ticks); the template draws
# them, so every text is escaped. The cost is linear in the readings (and the period's days).

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from server.domain.inspection.definition import Bounds

# Levels a reading is marked for: outside its warning or critical limits.
OUTSIDE = ("warning", "critical")
# Up to this many readings, each is drawn as a dot too; beyond, the line alone reads better.
DOTS_UP_TO = 40
# Least room a time label needs, in the box's units.
LABEL_ROOM = 48


@dataclass(frozen=True)
class Size:
    """The drawing's box and the margins around its plot (for value and time labels)."""

    width: int = 400
    height: int = 220
    left: int = 44
    right: int = 8
    top: int = 8
    bottom: int = 44

    @property
    def plot_left(self) -> float:
        return float(self.left)

    @property
    def plot_right(self) -> float:
        return float(self.width - self.right)

    @property
    def plot_top(self) -> float:
        return float(self.top)

    @property
    def plot_bottom(self) -> float:
        return float(self.height - self.bottom)

    @property
    def plot_width(self) -> float:
        return self.plot_right - self.plot_left

    @property
    def plot_height(self) -> float:
        return self.plot_bottom - self.plot_top


class Sample(NamedTuple):
    """One reading to draw: when, what, and the level it reached (None: within normal)."""

    at: datetime
    value: float
    level: str | None = None


@dataclass(frozen=True)
class Mark:
    """An alert to mark on the time axis."""

    at: datetime
    alert_id: int
    label: str
    severity: str


class Point(NamedTuple):
    """A reading placed in the box (a tuple: a year of them is made per chart)."""

    x: float
    y: float
    at: datetime
    value: float
    level: str | None

    @property
    def outside(self) -> bool:
        return self.level in OUTSIDE


@dataclass(frozen=True)
class Band:
    """A shaded area where a reading reaches a level: between two limits, or beyond one."""

    level: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Limit:
    """A limit's line across the plot."""

    level: str
    side: str  # low or high
    value: float
    y: float


@dataclass(frozen=True)
class Tick:
    """A label on an axis at a position (y for values, x for times)."""

    at: float
    label: str


@dataclass(frozen=True)
class Marker:
    """An alert placed on the time axis."""

    x: float
    alert_id: int
    label: str
    severity: str


@dataclass(frozen=True)
class Chart:
    """Everything the template draws; empty when there is no reading."""

    size: Size
    low: float
    high: float
    points: tuple[Point, ...]
    polyline: str
    bands: tuple[Band, ...]
    limits: tuple[Limit, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    markers: tuple[Marker, ...]

    @property
    def empty(self) -> bool:
        return not self.points

    @property
    def outside(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.outside)

    @property
    def dots(self) -> tuple[Point, ...]:
        return self.points if len(self.points) <= DOTS_UP_TO else ()


def samples_of(series: dict[str, Any]) -> list[Sample]:
    """The readings of a series answer; a thinned one's buckets as their means, mid-bucket."""
    if "buckets" in series:
        return [
            Sample(b["start"] + (b["end"] - b["start"]) / 2, b["mean"], b["level"])
            for b in series["buckets"]
        ]
    return [Sample(r["at"], r["value"], r["level"]) for r in series.get("readings", [])]


def chart(
    samples: Sequence[Sample],
    bounds: Bounds,
    since: datetime,
    until: datetime,
    zone: ZoneInfo,
    marks: Iterable[Mark] = (),
    size: Size | None = None,
) -> Chart:
    """The chart of samples (in time order) over [since, until] in the box."""
    size = size or Size()
    low, high = value_range([s.value for s in samples], bounds)
    # Scales worked out once: a year of readings is a few multiplications each.
    per_second = size.plot_width / (until - since).total_seconds()
    per_unit = size.plot_height / (high - low)
    left, top = size.plot_left, size.plot_top

    def y_of(value: float) -> float:
        return top + (high - value) * per_unit

    def x_of(at: datetime) -> float:
        return left + (at - since).total_seconds() * per_second

    points = tuple(
        Point(x_of(at), top + (high - value) * per_unit, at, value, level)
        for at, value, level in samples
    )
    return Chart(
        size=size,
        low=low,
        high=high,
        points=points,
        polyline=" ".join(f"{p.x:.1f},{p.y:.1f}" for p in points),
        bands=bands(bounds, low, high, size),
        limits=tuple(
            Limit(level, side, value, y_of(value))
            for level, side, value in _limits(bounds)
            if low <= value <= high
        ),
        y_ticks=tuple(Tick(y_of(v), label) for v, label in value_ticks(low, high)),
        x_ticks=tuple(
            Tick(x_of(at), label)
            for at, label in time_ticks(since, until, zone, int(size.plot_width // LABEL_ROOM))
        ),
        markers=tuple(
            Marker(x_of(m.at), m.alert_id, m.label, m.severity)
            for m in marks
            if since <= m.at <= until
        ),
    )


def value_range(values: Sequence[float], bounds: Bounds) -> tuple[float, float]:
    """The values the plot spans: the readings and warning limits, critical ones when near."""
    # A critical limit further from the rest than their own spread would squash the line flat:
    # it is left out of view (and its band with it, until readings come near it).
    core = [*values, *_finite(bounds.warning)]
    if not core:
        core = [*_finite(bounds.critical), *_finite(bounds.normal)]
    if not core:
        return (0.0, 1.0)
    low, high = min(core), max(core)
    reach = high - low
    for limit in _finite(bounds.critical):
        if low - reach <= limit <= high + reach:
            low, high = min(low, limit), max(high, limit)
    # One value alone (or all the same) still gets a range: never a division by zero.
    pad = (high - low) * 0.08 if high > low else (abs(low) * 0.1 or 1.0)
    return (low - pad, high + pad)


def bands(bounds: Bounds, low: float, high: float, size: Size) -> tuple[Band, ...]:
    """Shaded areas: warning between the warning and critical limits, critical beyond them."""
    warn_low, warn_high = bounds.warning
    crit_low, crit_high = bounds.critical
    spans: list[tuple[str, float, float]] = []
    if crit_low is not None:
        spans.append(("critical", low, crit_low))
    if warn_low is not None:
        spans.append(("warning", low if crit_low is None else crit_low, warn_low))
    if warn_high is not None:
        spans.append(("warning", warn_high, high if crit_high is None else crit_high))
    if crit_high is not None:
        spans.append(("critical", crit_high, high))
    found = []
    for level, bottom, top in spans:
        bottom, top = max(bottom, low), min(top, high)
        if top <= bottom:
            continue  # entirely out of view
        y = size.plot_top + (high - top) / (high - low) * size.plot_height
        height = (top - bottom) / (high - low) * size.plot_height
        found.append(Band(level, size.plot_left, y, size.plot_width, height))
    return tuple(found)


def value_ticks(low: float, high: float, count: int = 5) -> list[tuple[float, str]]:
    """Round values between low and high (about count of them), each with its label."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    places = _places(step)
    first, last = math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9)
    return [(n * step, _number(n * step, places)) for n in range(first, last + 1)]


def time_ticks(
    since: datetime, until: datetime, zone: ZoneInfo, room: int
) -> list[tuple[datetime, str]]:
    """Local midnights (days, weeks from Monday) or firsts of months, at most `room` of them."""
    start, end = since.astimezone(zone).date(), until.astimezone(zone).date()
    days = (end - start).days
    room = max(room, 2)
    for step in (1, 2, 7, 14):
        if days / step <= room:
            first = start + timedelta(days=1)
            if step >= 7:
                first += timedelta(days=(7 - first.weekday()) % 7)
            wanted = (first + timedelta(days=n) for n in range(0, (end - first).days + 1, step))
            return _within(since, until, zone, wanted, "%m-%d")
    months = next((m for m in (1, 2, 3, 6) if days / (30.4 * m) <= room), 12)
    firsts = []
    month = start.year * 12 + start.month  # the month after start's, counted from year 0
    while (day := date(month // 12, month % 12 + 1, 1)) <= end:
        firsts.append(day)
        month += months
    return _within(since, until, zone, firsts, "%Y-%m")


def _within(
    since: datetime, until: datetime, zone: ZoneInfo, days: Iterable[date], shown: str
) -> list[tuple[datetime, str]]:
    found = []
    for day in days:
        at = datetime.combine(day, time(), zone)
        if since <= at <= until:
            found.append((at, day.strftime(shown)))
    return found


def _limits(bounds: Bounds) -> list[tuple[str, str, float]]:
    found = []
    for level in OUTSIDE:
        low, high = getattr(bounds, level)
        if low is not None:
            found.append((level, "low", float(low)))
        if high is not None:
            found.append((level, "high", float(high)))
    return found


def _finite(pair: tuple[float | None, float | None]) -> list[float]:
    return [float(v) for v in pair if v is not None]


def _places(step: float) -> int:
    for places in range(7):
        if abs(round(step, places) - step) < 1e-9 * max(1.0, abs(step)):
            return places
    return 6


def _number(value: float, places: int) -> str:
    shown = f"{value:.{places}f}"
    return "0" if float(shown) == 0 else shown
