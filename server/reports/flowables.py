"""The flowables a report is made of, beyond reportlab's own: statuses, photos, rules.

Every style sets the embedded CJK face (and wraps between any two Han glyphs), so reportlab's
default Helvetica never appears. Photos are prepared once per render, however often shown.
"""

from functools import cache
from math import ceil
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable
from reportlab.platypus import Paragraph as Para

from qr.sheets import FONT
from server.reports import document as d
from server.reports.images import Picture, prepare

THUMB_SIDE = 20 * mm
PHOTO_H = 110 * mm  # tallest a figure's photo gets
INK = Color(0.3, 0.3, 0.3)  # secondary text: captions, labels, header and footer
RULE = Color(0.6, 0.6, 0.6)
_GAP = 1.5 * mm
_ALIGNS = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_SYMBOL_SCALE = {"◐": 1.5, "▲": 1.5, "!": 1.15}  # WenQuanYi draws these small
Found = tuple[Picture, ImageReader] | None  # a prepared photo, None if unreadable


@cache
def text_style(name: str, align: d.Align = "left") -> ParagraphStyle:
    """A paragraph style, every one in the CJK face and wrapping between any two Han glyphs."""
    size, leading, colour, before, after = {
        "title": (18, 24, black, 0, 2),
        "subtitle": (11, 15, INK, 0, 0),
        "heading": (13, 18, black, 10, 4),
        "body": (10, 15, black, 0, 6),
        "cell": (9, 12, black, 0, 0),
        "label": (8.5, 12, INK, 0, 0),
        "caption": (8.5, 11, INK, 3, 3),
    }[name]
    return ParagraphStyle(
        f"{name}-{align}",
        fontName=FONT,
        bulletFontName=FONT,
        fontSize=size,
        leading=leading,
        textColor=colour,
        spaceBefore=before,
        spaceAfter=after,
        alignment=_ALIGNS[align],
        wordWrap="CJK",
    )


def para(text: str, style: ParagraphStyle) -> Para:
    """Plain text as a paragraph: markup characters are shown, line breaks kept."""
    return Para(escape(text).replace("\n", "<br/>"), style)


class Pictures:
    """Each photo of one render prepared once, however often it is shown."""

    def __init__(self) -> None:
        self._made: dict[tuple[bytes, int], Found] = {}

    def get(self, data: bytes, max_side: int) -> Found:
        key = (data, max_side)
        if key not in self._made:
            picture = prepare(data, max_side)
            self._made[key] = (picture, picture.reader()) if picture else None
        return self._made[key]


class StatusLine(Flowable):
    """A status: its symbol, enlarged where the face draws it small, on the first baseline of
    its word and note, which wrap with a hanging indent."""

    def __init__(
        self, status: d.Status, language: d.Language, style: ParagraphStyle, align: d.Align
    ) -> None:
        super().__init__()
        self.symbol = status.symbol
        self.symbol_size = style.fontSize * _SYMBOL_SCALE.get(status.symbol, 1.0)
        self.text = " ".join(part for part in (status.word(language), status.note) if part)
        self.style = style
        self.hAlign = align.upper()
        self.indent = stringWidth(self.symbol, FONT, self.symbol_size) + 0.3 * style.fontSize
        self.para = para(self.text, style)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        text_width = stringWidth(self.text, FONT, self.style.fontSize)
        self.width = min(available_width, self.indent + text_width + 1)
        _, self.height = self.para.wrap(self.width - self.indent, available_height)
        return self.width, self.height

    def draw(self) -> None:
        baseline = self.height - self.style.fontSize  # where Paragraph sets its first line
        self.canv.setFont(FONT, self.symbol_size)
        self.canv.drawString(0, baseline, self.symbol)
        self.para.drawOn(self.canv, self.indent, 0)


class Rule(Flowable):
    """A thin line across the text width, under a section heading."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 2 * mm

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 1.5 * mm, self.width, 1.5 * mm)


def _draw_picture(canvas: Canvas, found: Found, x: float, y: float, w: float, h: float) -> None:
    """The picture fitted and centred in the box; a crossed box when it could not be read."""
    if found is None:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.rect(x, y, w, h)
        canvas.line(x, y, x + w, y + h)
        canvas.line(x, y + h, x + w, y)
        return
    picture, reader = found
    fw, fh = picture.fit(w, h)
    canvas.drawImage(reader, x + (w - fw) / 2, y + (h - fh) / 2, fw, fh)


class Thumbs(Flowable):
    """Photos as square thumbnails in rows that fill the cell; splits between rows."""

    def __init__(self, found: list[Found], align: d.Align = "left") -> None:
        super().__init__()
        self.found = found
        self.hAlign = align.upper()
        self.side = THUMB_SIDE
        self.per_row = 1

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.side = min(THUMB_SIDE, available_width)
        self.per_row = max(1, int((available_width + _GAP) // (self.side + _GAP)))
        columns = min(len(self.found), self.per_row)
        rows = ceil(len(self.found) / self.per_row)
        self.width = columns * (self.side + _GAP) - _GAP
        self.height = rows * (self.side + _GAP) - _GAP
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        fit = int((available_height + _GAP) // (self.side + _GAP)) * self.per_row
        if fit <= 0 or fit >= len(self.found):
            return []
        align = self.hAlign.lower()
        return [Thumbs(self.found[:fit], align), Thumbs(self.found[fit:], align)]

    def draw(self) -> None:
        for index, found in enumerate(self.found):
            row, column = divmod(index, self.per_row)
            x = column * (self.side + _GAP)
            y = self.height - (row + 1) * self.side - row * _GAP
            _draw_picture(self.canv, found, x, y, self.side, self.side)


class Photo(Flowable):
    """One photo as large as the text width and PHOTO_H allow, centred."""

    def __init__(self, found: Found) -> None:
        super().__init__()
        self.found = found

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        if self.found is None:
            self.height = 40 * mm
        else:
            self.height = self.found[0].fit(available_width, PHOTO_H)[1]
        return self.width, self.height

    def draw(self) -> None:
        w = self.width if self.found else 60 * mm
        _draw_picture(self.canv, self.found, (self.width - w) / 2, 0, w, self.height)
