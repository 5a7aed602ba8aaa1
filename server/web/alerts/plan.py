"""A site plan from checkpoint positions: where each checkpoint stands, where the scans were
made, and the path between them, as SVG coordinates. Drawn on the server (the template writes
the SVG) so it needs no script or map tiles, and works offline and in print."""

import math
from dataclasses import dataclass

from server.domain.overview.alert_case import Place, Scan

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Mark:
    """A checkpoint on the plan, and where its name goes (clear of the names drawn before)."""

    x: float
    y: float
    place: Place
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass(frozen=True)
class Step:
    """A scan on the path, numbered in time order, drawn at its checkpoint (or where the
    handheld said it was, when the checkpoint has no position)."""

    x: float
    y: float
    number: int
    scan: Scan


@dataclass(frozen=True)
class Plan:
    width: int
    height: int
    marks: list[Mark]
    steps: list[Step]
    scale_px: float  # the scale bar's length in px ...
    scale_m: int  # ... and what it measures
    unplaced: list[Place]  # stops of the round that were never given a position

    @property
    def path(self) -> str:
        """The polyline's points attribute."""
        return " ".join(f"{s.x:.1f},{s.y:.1f}" for s in self.steps)


def draw(
    places: list[Place], scans: list[Scan], width: int = 640, height: int = 420
) -> Plan | None:
    """The plan, or None when fewer than two points have a position."""
    positioned = {
        p.checkpoint_id: p for p in places if p.latitude is not None and p.longitude is not None
    }
    spots = [(p.latitude, p.longitude) for p in positioned.values()]
    spots += [
        (s.latitude, s.longitude)
        for s in scans
        if s.latitude is not None and s.longitude is not None
    ]
    if len(spots) < 2:
        return None
    lat0 = sum(lat for lat, _ in spots) / len(spots)
    squeeze = math.cos(math.radians(lat0))  # a degree of longitude is shorter away from the equator

    def flat(lat: float, lon: float) -> tuple[float, float]:
        return lon * squeeze * METRES_PER_DEGREE, -lat * METRES_PER_DEGREE

    xs, ys = zip(*(flat(lat, lon) for lat, lon in spots), strict=True)
    margin = 48
    # At least 20 m each way: two checkpoints a step apart do not fill the whole plan.
    across, down = max(max(xs) - min(xs), 20.0), max(max(ys) - min(ys), 20.0)
    scale = min((width - 2 * margin) / across, (height - 2 * margin) / down)  # px per metre

    def to_px(lat: float, lon: float) -> tuple[float, float]:
        fx, fy = flat(lat, lon)
        return margin + (fx - min(xs)) * scale, margin + (fy - min(ys)) * scale

    marks = _labelled([Mark(*to_px(p.latitude, p.longitude), p) for p in positioned.values()])  # type: ignore[arg-type]
    steps = []
    for number, scan in enumerate(scans, start=1):
        where = positioned.get(scan.checkpoint_id) if scan.checkpoint_id else None
        if where is not None:
            steps.append(Step(*to_px(where.latitude, where.longitude), number, scan))  # type: ignore[arg-type]
        elif scan.latitude is not None and scan.longitude is not None:
            steps.append(Step(*to_px(scan.latitude, scan.longitude), number, scan))
    metres = _round_metres((width - 2 * margin) / scale / 4)
    unplaced = [p for p in places if p.expected and p.checkpoint_id not in positioned]
    return Plan(width, height, marks, steps, metres * scale, metres, unplaced)


LINE = 14  # px between two names stacked to keep clear of each other


def _labelled(marks: list[Mark]) -> list[Mark]:
    """Place each name beside its checkpoint, moved down a line while it would overlap one
    already placed: close checkpoints (the floors of one building) stay readable."""
    taken: list[tuple[float, float, float]] = []  # x from, x to, baseline
    placed = []
    for mark in sorted(marks, key=lambda m: (m.y, m.x)):
        x = mark.x + 13
        width = sum(12 if ord(ch) > 0x2E80 else 6.5 for ch in mark.place.name)
        y = mark.y - 10
        while any(
            abs(y - base) < LINE and x < end and start < x + width for start, end, base in taken
        ):
            y += LINE
        taken.append((x, x + width, y))
        placed.append(Mark(mark.x, mark.y, mark.place, x, y))
    return placed


def _round_metres(metres: float) -> int:
    """A tidy length for the scale bar: 1, 2 or 5 times a power of ten."""
    power = 10 ** math.floor(math.log10(max(metres, 1)))
    return int(next(k * power for k in (5, 2, 1) if k * power <= metres) if metres >= 1 else 1)
