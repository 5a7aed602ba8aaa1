"""A site plan to place checkpoints on: their positions drawn flat, and the way back from a
point of the drawing to a latitude and a longitude.

The projection is equirectangular at the plan's centre latitude (a degree of longitude is
cos(latitude) times a degree of latitude): over a site's few hundred metres it is as good as a
survey, and it inverts exactly. The page's script (static/checkpoints.js) does the inverse with
the four numbers `Frame` puts on the SVG as data- attributes, so a click there and a position
typed here land on the same spot.

Unlike the alert's plan (alerts/plan.py, anchored on the scans of one round), this one is framed
around a centre and a width, so it can be moved and zoomed by typing a centre.
"""

import math
from dataclasses import dataclass
from typing import Any

METRES_PER_DEGREE = 111_320.0
WIDTH, HEIGHT, MARGIN = 640, 420, 40  # px of the viewBox; the page scales it to fit
MIN_SPAN_M, MAX_SPAN_M = 20.0, 50_000.0  # the narrowest and widest plan, in metres across
NEAR_SPAN_M = 200.0  # around one position: a building and its surroundings
# Where a site with no positioned checkpoint starts (the site itself has no position): the
# centre of Shanghai, 2 km across. The person moves it by typing a centre; the first checkpoint
# placed frames the site from then on.
DEFAULT_CENTRE = (31.2304, 121.4737)
DEFAULT_SPAN_M = 2000.0


@dataclass(frozen=True)
class View:
    """What the plan shows: a centre, and how many metres across."""

    latitude: float
    longitude: float
    span_m: float


@dataclass(frozen=True)
class Frame:
    """A view projected onto the plan: px from the top-left corner, north up."""

    north: float  # the latitude at y = 0
    west: float  # the longitude at x = 0
    px_per_deg_lat: float
    px_per_deg_lon: float

    @classmethod
    def of(cls, view: View, width: int = WIDTH, height: int = HEIGHT) -> "Frame":
        per_deg_lat = width / view.span_m * METRES_PER_DEGREE
        per_deg_lon = per_deg_lat * math.cos(math.radians(view.latitude))
        return cls(
            view.latitude + height / 2 / per_deg_lat,
            view.longitude - width / 2 / per_deg_lon,
            per_deg_lat,
            per_deg_lon,
        )

    def to_px(self, latitude: float, longitude: float) -> tuple[float, float]:
        return (longitude - self.west) * self.px_per_deg_lon, (
            self.north - latitude
        ) * self.px_per_deg_lat

    def to_position(self, x: float, y: float) -> tuple[float, float]:
        """The inverse of to_px: a point of the plan as (latitude, longitude)."""
        return self.north - y / self.px_per_deg_lat, self.west + x / self.px_per_deg_lon


@dataclass(frozen=True)
class Pin:
    """A checkpoint on the plan, its radius in px, and where its name goes."""

    x: float
    y: float
    radius_px: float
    label_x: float
    label_y: float
    checkpoint: Any
    current: bool  # the one the form is about


@dataclass(frozen=True)
class Plan:
    view: View
    frame: Frame
    pins: list[Pin]
    marker: tuple[float, float] | None  # the position in the form, when it has one
    scale_px: float
    scale_m: int
    width: int = WIDTH
    height: int = HEIGHT


def fit(places: list[tuple[float, float, float]]) -> View | None:
    """The view that shows every position and the circle of its radius (latitude, longitude,
    metres), with a margin; None when there is none. At least MIN_SPAN_M * 3 across, so two
    checkpoints a step apart do not fill the plan."""
    if not places:
        return None
    lat0 = sum(p[0] for p in places) / len(places)
    squeeze = math.cos(math.radians(lat0))  # a degree of longitude is shorter off the equator
    # Each place's extent in metres east and north of (0, 0).
    east = [(p[1] * squeeze * METRES_PER_DEGREE, p[2]) for p in places]
    north = [(p[0] * METRES_PER_DEGREE, p[2]) for p in places]
    west_m, east_m = min(e - r for e, r in east), max(e + r for e, r in east)
    south_m, north_m = min(n - r for n, r in north), max(n + r for n, r in north)
    px_per_m = min(
        (WIDTH - 2 * MARGIN) / max(east_m - west_m, 1e-9),
        (HEIGHT - 2 * MARGIN) / max(north_m - south_m, 1e-9),
    )
    centre = (
        (south_m + north_m) / 2 / METRES_PER_DEGREE,
        (west_m + east_m) / 2 / squeeze / METRES_PER_DEGREE,
    )
    return View(*centre, min(max(WIDTH / px_per_m, MIN_SPAN_M * 3), MAX_SPAN_M))


def draw(
    checkpoints: list[Any],
    view: View | None = None,
    marker: tuple[float, float] | None = None,
    current_id: int | None = None,
) -> Plan:
    """The plan of these checkpoints: the view asked for, else one that fits them, else one
    around the marker, else the default area."""
    placed = [c for c in checkpoints if c.latitude is not None and c.longitude is not None]
    view = (
        view
        or fit([(c.latitude, c.longitude, c.radius_m or 0) for c in placed])
        or (View(*marker, NEAR_SPAN_M) if marker else View(*DEFAULT_CENTRE, DEFAULT_SPAN_M))
    )
    frame = Frame.of(view)
    px_per_m = WIDTH / view.span_m
    spots = [(c, *frame.to_px(c.latitude, c.longitude)) for c in placed]
    labels = _labels([(x, y, c.name) for c, x, y in spots])
    pins = [
        Pin(x, y, (c.radius_m or 0) * px_per_m, lx, ly, c, c.id == current_id)
        for (c, x, y), (lx, ly) in zip(spots, labels, strict=True)
    ]
    metres = _tidy(view.span_m / 4)
    return Plan(
        view, frame, pins, frame.to_px(*marker) if marker else None, metres * px_per_m, metres
    )


LINE = 14  # px between two names stacked to keep clear of each other


def _labels(spots: list[tuple[float, float, str]]) -> list[tuple[float, float]]:
    """Where each name goes: beside its point, moved down a line while it would overlap a name
    already placed, so the checkpoints of one building stay readable."""
    taken: list[tuple[float, float, float]] = []  # x from, x to, baseline
    placed: dict[int, tuple[float, float]] = {}
    for i in sorted(range(len(spots)), key=lambda i: (spots[i][1], spots[i][0])):
        x, y, name = spots[i]
        width = sum(12 if ord(ch) > 0x2E80 else 6.5 for ch in name)
        left, base = x + 10, y - 8
        while any(
            abs(base - b) < LINE and left < end and start < left + width for start, end, b in taken
        ):
            base += LINE
        taken.append((left, left + width, base))
        placed[i] = (left, base)
    return [placed[i] for i in range(len(spots))]


def _tidy(metres: float) -> int:
    """A length for the scale bar: 1, 2 or 5 times a power of ten."""
    power = 10 ** math.floor(math.log10(max(metres, 1)))
    return next(k * power for k in (5, 2, 1) if k * power <= max(metres, 1))
