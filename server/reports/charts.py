"""A reading over time as a vector line chart: one drawing for the PDF and the console's SVG.

Drawn from reportlab.graphics shapes, in the embedded CJK face only. Legible in black and
white: limits differ by dash pattern and weight and are labelled at their right end; abnormal
readings are triangles, the others small dots.
"""

import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib.colors import Color, black, white
from reportlab.lib.units import mm

from qr.sheets import FONT, register_font
from server.reports.document import Chart, LimitLevel

WIDTH = 174 * mm  # the text width of an A4 page in `pdf`
HEIGHT = 72 * mm
_LEFT, _RIGHT, _TOP, _BOTTOM = 40.0, 92.0, 30.0, 24.0  # plot margins: labels live there
_GRID = Color(0.85, 0.85, 0.85)
_AXIS = Color(0.35, 0.35, 0.35)
_LIMIT_STYLES: dict[LimitLevel, tuple[Color, float, list[float]]] = {
    LimitLevel.NORMAL: (Color(0.45, 0.45, 0.45), 0.8, [1.2, 2]),
    LimitLevel.WARNING: (Color(0.2, 0.2, 0.2), 1.0, [5, 2.5]),
    LimitLevel.CRITICAL: (black, 1.4, [7, 2, 1.5, 2]),
}
_MARKED_POINTS = 80  # above this many readings only abnormal ones get a marker
_TIME_STEPS = [timedelta(hours=h) for h in (1, 2, 3, 6, 12)] + [
    timedelta(days=d) for d in (1, 2, 3, 7, 14, 28)
]
_SVG_FONTS = (
    "'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', sans-serif"
)


def chart_drawing(chart: Chart, width: float = WIDTH, height: float = HEIGHT) -> Drawing:
    """The chart as a reportlab Drawing (a flowable in a PDF story)."""
    register_font()
    width, height = math.floor(width), math.floor(height)  # SVG's viewBox is in whole units
    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=8)
    x0, y0 = _LEFT, _BOTTOM
    x1, y1 = width - _RIGHT, height - _TOP
    drawing.add(_text(chart.title, 0, height - 14, 11))
    if chart.unit:
        drawing.add(_text(chart.unit, x0 - 6, y1 + 6, 7.5, "end"))

    values = [p.value for p in chart.points] + [limit.value for limit in chart.limits]
    low, high, step = _value_scale(values)

    def y_of(value: float) -> float:
        return y0 + (value - low) / (high - low) * (y1 - y0)

    for tick in _frange(low, high, step):
        y = y_of(tick)
        drawing.add(Line(x0, y, x1, y, strokeColor=_GRID, strokeWidth=0.4))
        drawing.add(_text(_number(tick, step), x0 - 4, y - 2.5, 7, "end"))

    times = [p.at for p in chart.points]
    if times:
        start, end = min(times), max(times)
        if end == start:
            start, end = start - timedelta(minutes=30), end + timedelta(minutes=30)
        span = (end - start).total_seconds()

        def x_of(at: datetime) -> float:
            return x0 + (at - start).total_seconds() / span * (x1 - x0)

        for tick, label in _time_ticks(start, end):
            x = x_of(tick)
            drawing.add(Line(x, y0, x, y1, strokeColor=_GRID, strokeWidth=0.4))
            drawing.add(Line(x, y0, x, y0 - 3, strokeColor=_AXIS, strokeWidth=0.6))
            drawing.add(_text(label, x, y0 - 12, 7, "middle"))

    drawing.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=None, strokeColor=_AXIS, strokeWidth=0.6))
    _add_limits(drawing, chart, x0, x1, y_of)

    if times:
        ordered = sorted(chart.points, key=lambda p: p.at)
        coords = [c for p in ordered for c in (x_of(p.at), y_of(p.value))]
        if len(ordered) > 1:
            drawing.add(PolyLine(coords, strokeColor=black, strokeWidth=1.2, strokeLineJoin=1))
        for p in ordered:
            x, y = x_of(p.at), y_of(p.value)
            if p.abnormal:
                r = 3.6
                drawing.add(
                    Polygon(
                        [x, y + r, x - r, y - r * 0.75, x + r, y - r * 0.75],
                        fillColor=black,
                        strokeColor=white,
                        strokeWidth=0.5,
                    )
                )
            elif len(ordered) <= _MARKED_POINTS:
                drawing.add(Circle(x, y, 1.6, fillColor=black, strokeColor=None))
    return drawing


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG element (no XML prolog, so it can go inline in a page)."""
    drawing = chart_drawing(chart)
    svg = renderSVG.drawToString(drawing, useClip=True, fontHacks={FONT: {"family": _SVG_FONTS}})
    svg = svg[svg.index("<svg") :].replace(' id="group"', "", 1)  # ids clash on a page
    title = escape(chart.title)
    svg = svg.replace("<title>...</title>", f"<title>{title}</title>", 1)
    return re.sub(r"\s*<desc>\.\.\.</desc>", "", svg, count=1)


def _text(text: str, x: float, y: float, size: float, anchor: str = "start") -> String:
    return String(x, y, text, fontName=FONT, fontSize=size, fillColor=black, textAnchor=anchor)


def _add_limits(
    drawing: Drawing, chart: Chart, x0: float, x1: float, y_of: Callable[[float], float]
) -> None:
    """Limit lines across the plot, each labelled in the right margin, labels kept apart."""
    placed: list[float] = []
    for limit in sorted(chart.limits, key=lambda limit: limit.value):
        colour, weight, dashes = _LIMIT_STYLES[limit.level]
        y = y_of(limit.value)
        drawing.add(
            Line(x0, y, x1, y, strokeColor=colour, strokeWidth=weight, strokeDashArray=dashes)
        )
        label_y = max(y - 2.5, placed[-1] + 9) if placed else y - 2.5
        placed.append(label_y)
        drawing.add(Line(x1, y, x1 + 4, label_y + 2.5, strokeColor=colour, strokeWidth=0.5))
        drawing.add(_text(limit.label, x1 + 6, label_y, 7))


def _value_scale(values: list[float]) -> tuple[float, float, float]:
    """A value axis (low, high, tick step) with round ticks that holds every value."""
    if not values:
        return 0.0, 1.0, 0.2
    low, high = min(values), max(values)
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    pad = (high - low) * 0.06
    step = _nice_step((high - low + 2 * pad) / 5)
    return math.floor((low - pad) / step) * step, math.ceil((high + pad) / step) * step, step


def _nice_step(rough: float) -> float:
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if rough <= factor * power:
            return factor * power
    return 10 * power


def _frange(low: float, high: float, step: float) -> list[float]:
    count = round((high - low) / step)
    return [low + i * step for i in range(count + 1)]


def _number(value: float, step: float) -> str:
    """A tick value with as many decimals as the step has (0.25 -> 2, 5 -> 0)."""
    step_text = f"{step:.6f}".rstrip("0").rstrip(".")
    decimals = len(step_text.partition(".")[2])
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text


def _time_ticks(start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """Round times within [start, end], at most 8, with labels: "05-03" or "05-03 12:00"."""
    span = end - start
    step = next((s for s in _TIME_STEPS if span / s <= 7), _TIME_STEPS[-1])
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if step < timedelta(days=1):
        tick = start.replace(minute=0, second=0, microsecond=0)
        while tick < start or tick.hour % (step.seconds // 3600):
            tick += timedelta(hours=1)
    else:
        tick = midnight if midnight >= start else midnight + timedelta(days=1)
    ticks = []
    while tick <= end:
        if step >= timedelta(days=1):
            label = tick.strftime("%m-%d")
        elif tick.hour == 0 or not ticks:
            label = tick.strftime("%m-%d %H:%M")
        else:
            label = tick.strftime("%H:%M")
        ticks.append((tick, label))
        tick += step
    return ticks or [(start, start.strftime("%m-%d %H:%M"))]
