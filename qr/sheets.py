"""Printable label sheets (PDF): a QR code, the place's name, its site and a manual-entry code."""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from qr.render import QUIET_ZONE, make_qr
from qr.textfit import LEADING, fit

FONT_FILE = Path(__file__).parent / "fonts" / "wqy-microhei.ttc"
FONT = "WenQuanYiMicroHei"  # CJK and Latin glyphs in one TrueType face, embedded as a subset
CODE_FONT = "Helvetica-Bold"  # manual-entry codes are ASCII
PAPERS = {"a4": A4, "letter": letter}
MIN_SYMBOL_MM = 20.0  # narrowest code (quiet zone excluded) cheap handhelds read first time
CODE_LINES = 2  # a code too long for one line goes on two, not below the legible size
SITE_LINES = 2
_OUTLINE = Color(0.75, 0.75, 0.75)
Box = tuple[float, float, float, float]  # x, y (lower left), width, height in points


@dataclass(frozen=True)
class Label:
    """What one label shows."""

    payload: str
    name: str
    site: str
    code: str


@dataclass(frozen=True)
class Layout:
    """A grid of labels on a page; 'beside' puts the text right of the code, else below it.

    Text starts at its *_pt size and shrinks, when it must, down to min_pt: the smallest the
    label's readers still read (about 2 mm glyphs on a sticker read up close, 3 mm on a plate).
    A name takes at most name_lines lines.
    """

    columns: int
    rows: int
    beside: bool
    name_pt: float
    site_pt: float
    code_pt: float
    min_pt: float
    name_lines: int
    margin_mm: float = 10.0
    gap_mm: float = 4.0
    padding_mm: float = 2.5


LAYOUTS = {
    # Indoor stickers: 21 per page. The text column beside the code is only about 23 mm wide,
    # so a long name takes up to four lines before it shrinks.
    "small": Layout(3, 7, True, name_pt=8.5, site_pt=6.5, code_pt=11, min_pt=6, name_lines=4),
    # Outdoor plates: 6 per page, a large code and large type.
    "large": Layout(2, 3, False, name_pt=14, site_pt=10, code_pt=20, min_pt=9, name_lines=3),
}


@cache
def register_font() -> None:
    """Register the embedded CJK face (once); text is measured and drawn in it."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))


def _draw_code(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Draw the code with its quiet zone as a square of side size, lower-left at (x, y)."""
    rows = make_qr(payload).get_matrix()
    module = size / len(rows)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + start * module, top, (c - start) * module, module)
            c += 1
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)


def _text_lines(
    layout: Layout, label: Label, width: float, height: float
) -> list[tuple[str, str, float]]:
    """Code, name and site, each wrapped and shrunk to fit within width x height points.

    The name comes first: the site keeps one line at its usual size, and gets a second or a
    smaller size only from what the name leaves.
    """
    low = layout.min_pt
    code = fit(label.code, CODE_FONT, width, height, layout.code_pt, low, CODE_LINES)
    left = height - code.height
    name_room = left - layout.site_pt * LEADING
    name = fit(label.name, FONT, width, name_room, layout.name_pt, low, layout.name_lines)
    site = fit(label.site, FONT, width, left - name.height, layout.site_pt, low, SITE_LINES)
    return [
        (line, font, part.size)
        for part, font in ((code, CODE_FONT), (name, FONT), (site, FONT))
        for line in part.lines
    ]


def _code_size(layout: Layout, w: float, h: float) -> float:
    """Side of the code's square (quiet zone included) in a w x h label, in points."""
    pad = layout.padding_mm * mm
    return min(h - 2 * pad, w * 0.5) if layout.beside else min(w - 2 * pad, h * 0.55)


def code_box(layout_name: str, cell: Box) -> tuple[float, float, float]:
    """Where a label's code goes: (x, y, side) in points, quiet zone included."""
    layout = LAYOUTS[layout_name]
    x, y, w, h = cell
    pad, size = layout.padding_mm * mm, _code_size(layout, w, h)
    if layout.beside:
        return x + pad, y + (h - size) / 2, size
    return x + (w - size) / 2, y + h - pad - size, size


def text_box(layout_name: str, cell: Box) -> Box:
    """Where a label's text goes: (x, y, w, h) in points, clear of the code's quiet zone."""
    layout = LAYOUTS[layout_name]
    x, y, w, h = cell
    pad = layout.padding_mm * mm
    code_x, code_y, size = code_box(layout_name, cell)
    if layout.beside:
        left = code_x + size + pad
        return left, y + pad, x + w - pad - left, h - 2 * pad
    return x + pad, y + pad, w - 2 * pad, code_y - pad - (y + pad)


def draw_label(canvas: Canvas, layout_name: str, label: Label, cell: Box) -> None:
    """One label in its cell: the outline, the code, then the text (preview draws with it too)."""
    layout = LAYOUTS[layout_name]
    x, y, w, h = cell
    canvas.setStrokeColor(_OUTLINE)
    canvas.setLineWidth(0.3)
    canvas.roundRect(x, y, w, h, 2 * mm, stroke=1, fill=0)
    code_x, code_y, size = code_box(layout_name, cell)
    _draw_code(canvas, label.payload, code_x, code_y, size)
    text_x, text_y, text_w, text_h = text_box(layout_name, cell)
    cursor = text_y + text_h
    canvas.setFillColor(black)
    for text, font, pt in _text_lines(layout, label, text_w, text_h):
        cursor -= pt * LEADING
        canvas.setFont(font, pt)
        if layout.beside:
            canvas.drawString(text_x, cursor, text)
        else:
            canvas.drawCentredString(text_x + text_w / 2, cursor, text)


def cells(paper: str, layout_name: str) -> list[Box]:
    """Label rectangles (x, y, w, h) in points on one page, row by row from the top left."""
    page_w, page_h = PAPERS[paper]
    layout = LAYOUTS[layout_name]
    margin, gap = layout.margin_mm * mm, layout.gap_mm * mm
    w = (page_w - 2 * margin - (layout.columns - 1) * gap) / layout.columns
    h = (page_h - 2 * margin - (layout.rows - 1) * gap) / layout.rows
    return [
        (margin + col * (w + gap), page_h - margin - (row + 1) * h - row * gap, w, h)
        for row in range(layout.rows)
        for col in range(layout.columns)
    ]


def symbol_width_mm(paper: str, layout_name: str, modules: int) -> float:
    """Width of a code's symbol (quiet zone excluded) with `modules` modules, in mm."""
    _, _, w, h = cells(paper, layout_name)[0]
    size = _code_size(LAYOUTS[layout_name], w, h)
    return size / mm * modules / (modules + 2 * QUIET_ZONE)


def render_pdf(
    labels: Iterable[Label], paper: str = "a4", layout: str = "small", title: str = "Vigil tags"
) -> bytes:
    """A PDF of labels, as many pages as needed; no labels, or an unknown paper or layout, is a
    ValueError (a blank sheet printed by mistake wastes label stock)."""
    if paper not in PAPERS or layout not in LAYOUTS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}, layout one of {sorted(LAYOUTS)}")
    register_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAPERS[paper], pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Vigil")
    grid = cells(paper, layout)
    count = 0
    for count, label in enumerate(labels, start=1):
        draw_label(canvas, layout, label, grid[(count - 1) % len(grid)])
        if count % len(grid) == 0:
            canvas.showPage()
    if count == 0:
        raise ValueError("no labels to print")
    if count % len(grid):
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
