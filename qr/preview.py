"""A label sheet's first page as a picture, to check layout and paper before printing.

Each label is drawn by the sheet's own drawing code (sheets.draw_label) on a small canvas that
paints a Pillow image instead of writing PDF, so the preview places codes, wraps and shrinks
text exactly as the PDF will. No PDF rasteriser is needed at run time: Pillow already is one.
"""

import io
from collections.abc import Iterable
from functools import cache
from itertools import islice
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.colors import Color

from qr import sheets

PREVIEW_DPI = 100  # sharp enough on a screen for a code to decode, small enough to send inline


def _grey(color: Color) -> int:
    return round(255 * (0.299 * color.red + 0.587 * color.green + 0.114 * color.blue))


@cache
def _font(path: Path, pixels: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), pixels, index=0)


class _Path:
    """The rectangles of a code's dark modules, as the sheet adds them."""

    def __init__(self) -> None:
        self.rects: list[tuple[float, float, float, float]] = []

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.rects.append((x, y, w, h))


class _PictureCanvas:
    """The few reportlab Canvas calls a label is drawn with, painted on a greyscale image.

    Points are scaled to pixels and the y axis flipped (PDF counts up from the bottom). Both
    fonts are drawn with the sheet's CJK face (Pillow has no Helvetica), the code thickened.
    """

    def __init__(self, paper: str, dpi: int) -> None:
        self.scale = dpi / 72
        width, height = sheets.PAPERS[paper]
        self.image = Image.new("L", (round(width * self.scale), round(height * self.scale)), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.stroke, self.fill, self.line = 0, 0, 1.0
        self.font = _font(sheets.FONT_FILE, 10 * self.scale)
        self.bold = False

    def _box(self, x: float, y: float, w: float, h: float) -> tuple[int, int, int, int]:
        """Pixel corners of a rectangle in points; shared edges round alike, so codes tile."""
        top = self.image.height - round((y + h) * self.scale)
        bottom = self.image.height - round(y * self.scale)
        return round(x * self.scale), top, round((x + w) * self.scale) - 1, bottom - 1

    def setStrokeColor(self, color: Color) -> None:
        self.stroke = _grey(color)

    def setFillColor(self, color: Color) -> None:
        self.fill = _grey(color)

    def setLineWidth(self, width: float) -> None:
        self.line = width

    def roundRect(self, x: float, y: float, w: float, h: float, r: float, **_kw: int) -> None:
        width = max(1, round(self.line * self.scale))
        box = self._box(x, y, w, h)
        self.draw.rounded_rectangle(box, round(r * self.scale), outline=self.stroke, width=width)

    def beginPath(self) -> _Path:
        return _Path()

    def drawPath(self, path: _Path, **_kw: int) -> None:
        for rect in path.rects:
            self.draw.rectangle(self._box(*rect), fill=self.fill)

    def setFont(self, name: str, size: float) -> None:
        self.font = _font(sheets.FONT_FILE, size * self.scale)
        self.bold = name == sheets.CODE_FONT

    def _text(self, x: float, y: float, text: str, anchor: str) -> None:
        at = (x * self.scale, self.image.height - y * self.scale)
        # The code is bold on the label: a hairline stroke thickens the regular face to match.
        stroke = 1 if self.bold else 0
        self.draw.text(
            at, text, self.fill, self.font, anchor, stroke_width=stroke, stroke_fill=self.fill
        )

    def drawString(self, x: float, y: float, text: str) -> None:
        self._text(x, y, text, "ls")

    def drawCentredString(self, x: float, y: float, text: str) -> None:
        self._text(x, y, text, "ms")


def first_page_png(
    labels: Iterable[sheets.Label], paper: str = "a4", layout: str = "small", dpi: int = PREVIEW_DPI
) -> bytes:
    """The first page of render_pdf(labels, paper, layout) as a PNG; the same ValueErrors."""
    if paper not in sheets.PAPERS or layout not in sheets.LAYOUTS:
        papers, layouts = sorted(sheets.PAPERS), sorted(sheets.LAYOUTS)
        raise ValueError(f"paper must be one of {papers}, layout one of {layouts}")
    grid = sheets.cells(paper, layout)
    page = list(islice(labels, len(grid)))
    if not page:
        raise ValueError("no labels to print")
    sheets.register_font()  # the text fitting measures with the embedded face
    canvas = _PictureCanvas(paper, dpi)
    for label, cell in zip(page, grid, strict=False):
        sheets.draw_label(canvas, layout, label, cell)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    canvas.image.save(buffer, format="PNG", optimize=True, dpi=(dpi, dpi))
    return buffer.getvalue()
