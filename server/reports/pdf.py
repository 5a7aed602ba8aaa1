"""A finished Document printed as an A4 PDF: title and facts, then sections of blocks.

Every page has a header (the title, when the report was made) and a footer with "page n of N"
in the document's language. All text is set in the embedded CJK face, statuses read as a
symbol and a word (shading only adds emphasis), and the same document always gives the same
bytes (reports are stored by their SHA-256).
"""

import io
from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as Grid

from qr.sheets import FONT, register_font
from server.reports import document as d
from server.reports.charts import chart_drawing
from server.reports.flowables import (
    INK,
    RULE,
    Photo,
    Pictures,
    Rule,
    StatusLine,
    Thumbs,
    para,
    text_style,
)
from server.reports.images import PHOTO_PX, THUMB_PX

PAGE_W, PAGE_H = A4
SIDE = 18 * mm
TOP = 24 * mm  # the header sits in it
BOTTOM = 20 * mm  # the footer sits in it
TEXT_W = PAGE_W - 2 * SIDE
_HEAD = Color(0.85, 0.85, 0.85)
_PROBLEM = Color(0.92, 0.92, 0.92)
_WORDS = {
    "zh": {"page": "第 {number} 页 / 共 {total} 页", "made": "生成时间 {}", "none": "（无）"},
    "en": {"page": "Page {number} of {total}", "made": "Made {}", "none": "(none)"},
}


def render_pdf(document: d.Document) -> bytes:
    """The document as PDF bytes; the same document gives the same bytes."""
    register_font()
    buffer = io.BytesIO()
    template = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SIDE,
        rightMargin=SIDE,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=document.title,
        subject=document.subtitle,
        author="Vigil",
        creator="Vigil",
        lang="zh-CN" if document.language == "zh" else "en",
        displayDocTitle=1,
        invariant=1,
        pageCompression=1,
        initialFontName=FONT,  # else every page starts by naming Helvetica
    )
    frame = Frame(SIDE, BOTTOM, TEXT_W, PAGE_H - TOP - BOTTOM, 0, 0, 0, 0, id="text")
    template.addPageTemplates([PageTemplate("page", [frame])])
    story = _Story(document.language).document(document)
    furnish = partial(_furnish, document)
    template.build(story, canvasmaker=partial(_NumberedCanvas, furnish=furnish))
    return buffer.getvalue()


class _Story:
    """Turns a document's parts into flowables."""

    def __init__(self, language: d.Language) -> None:
        self.language = language
        self.words = _WORDS[language]
        self.pictures = Pictures()

    def document(self, document: d.Document) -> list[Flowable]:
        story: list[Flowable] = [para(document.title, text_style("title"))]
        if document.subtitle:
            story.append(para(document.subtitle, text_style("subtitle")))
        if document.facts:
            story += [Spacer(0, 3 * mm), self.facts(document.facts)]
        story.append(Spacer(0, 4 * mm))
        for section in document.sections:
            story += [CondPageBreak(40 * mm), para(section.heading, text_style("heading")), Rule()]
            for block in section.blocks:
                story += self.block(block)
        return story

    def facts(self, facts: Any) -> Grid:
        """Label and value pairs, two pairs a row."""
        cells = [
            (para(label, text_style("label")), para(value, text_style("cell")))
            for label, value in facts
        ]
        if len(cells) % 2:
            cells.append(("", ""))
        rows = [[*cells[i], *cells[i + 1]] for i in range(0, len(cells), 2)]
        widths = [w * TEXT_W for w in (0.15, 0.35, 0.15, 0.35)]
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        return Grid(rows, colWidths=widths, style=TableStyle(style), hAlign="LEFT")

    def block(self, block: d.Block) -> list[Flowable]:
        if isinstance(block, d.Paragraph):
            return [para(block.text, text_style("body"))]
        if isinstance(block, d.Table):
            return self.table(block)
        if isinstance(block, d.Figure):
            found = self.pictures.get(block.image, PHOTO_PX)
            parts: list[Flowable] = [Photo(found)]
            if block.caption:
                parts.append(para(block.caption, text_style("caption", "center")))
            return [KeepTogether(parts), Spacer(0, 3 * mm)]
        if isinstance(block, d.Chart):
            parts = [chart_drawing(block, TEXT_W)]
            if block.caption:
                parts.append(para(block.caption, text_style("caption")))
            return [KeepTogether(parts), Spacer(0, 3 * mm)]
        raise TypeError(f"not a block: {block!r}")

    def table(self, table: d.Table) -> list[Flowable]:
        """The table under its caption; caption and header repeat on every page it spans."""
        shares = sum(column.width for column in table.columns)
        widths = [TEXT_W * column.width / shares for column in table.columns]
        blank = [""] * (len(widths) - 1)
        rows: list[list[Any]] = []
        if table.caption:
            rows.append([para(table.caption, text_style("caption")), *blank])
        top = len(rows)  # the header's row
        rows.append([para(c.title, text_style("cell", c.align)) for c in table.columns])
        style: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("BACKGROUND", (0, top), (-1, top), _HEAD),
            ("LINEBELOW", (0, top), (-1, top), 0.8, black),
            ("LINEBELOW", (0, top + 1), (-1, -1), 0.3, RULE),
            ("BOX", (0, top), (-1, -1), 0.6, black),
            *[("ALIGN", (i, top), (i, -1), c.align.upper()) for i, c in enumerate(table.columns)],
        ]
        if table.caption:
            style += [("SPAN", (0, 0), (-1, 0)), ("LEFTPADDING", (0, 0), (-1, 0), 0)]
        for row in table.rows:
            cells = [_as_cell(value) for value in row]
            if any(cell.status and cell.status.problem for cell in cells):
                style.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), _PROBLEM))
            rows.append(
                [self.cell(cell, column) for cell, column in zip(cells, table.columns, strict=True)]
            )
        if not table.rows:
            style.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            rows.append([para(self.words["none"], text_style("cell", "center")), *blank])
        grid = _Grid(
            rows,
            colWidths=widths,
            repeatRows=top + 1,
            style=TableStyle(style),
            hAlign="LEFT",
        )
        return [CondPageBreak(30 * mm), grid, Spacer(0, 4 * mm)]

    def cell(self, cell: d.Cell, column: d.Column) -> list[Flowable]:
        style = text_style("cell", column.align)
        parts: list[Flowable] = []
        if cell.status:
            parts.append(StatusLine(cell.status, self.language, style, column.align))
        if cell.text:
            parts.append(para(cell.text, style))
        if cell.photos:
            found = [self.pictures.get(photo, THUMB_PX) for photo in cell.photos]
            parts.append(Thumbs(found, column.align))
        return parts


def _as_cell(value: d.CellValue) -> d.Cell:
    if isinstance(value, d.Cell):
        return value
    if isinstance(value, d.Status):
        return d.Cell(status=value)
    return d.Cell(text=value)


class _Grid(Grid):
    """A table whose rows go to the next page whole, and split only when one does not fit on a
    page of its own (below the top of a page reportlab would split a row under a second header).
    """

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        frame = getattr(self, "_frame", None)
        self.splitInRow = 1 if frame is not None and frame._atTop else 0
        return super().split(available_width, available_height)


def _furnish(document: d.Document, canvas: Canvas, number: int, total: int) -> None:
    """Header (title, when made) and footer (page n of N) of one page."""
    words = _WORDS[document.language]
    made = words["made"].format(document.made_at_text)
    size = 8
    head_y, foot_y = PAGE_H - TOP + 6 * mm, BOTTOM - 10 * mm
    canvas.saveState()
    canvas.setFont(FONT, size)
    canvas.setFillColor(INK)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    room = TEXT_W - stringWidth(made, FONT, size) - 8 * mm
    canvas.drawString(SIDE, head_y, _clip(document.title, room, size))
    canvas.drawRightString(PAGE_W - SIDE, head_y, made)
    canvas.line(SIDE, head_y - 2 * mm, PAGE_W - SIDE, head_y - 2 * mm)
    canvas.line(SIDE, foot_y + 5 * mm, PAGE_W - SIDE, foot_y + 5 * mm)
    _draw_centred_words(canvas, words["page"].format(number=number, total=total), foot_y, size)
    canvas.restoreState()


def _draw_centred_words(canvas: Canvas, text: str, y: float, size: float) -> None:
    """Text centred on the page, word by word, with gaps wide enough that text extraction keeps
    them: poppler joins "第 1 页 / 共 4 页" into "第1页/共4页" when set with plain spaces."""
    words = text.split(" ")
    gap = stringWidth(" ", FONT, size) if text.isascii() else 0.6 * size
    widths = [stringWidth(word, FONT, size) for word in words]
    x = (PAGE_W - sum(widths) - gap * (len(words) - 1)) / 2
    for word, width in zip(words, widths, strict=True):
        canvas.drawString(x, y, word)
        x += width + gap


def _clip(text: str, width: float, size: float) -> str:
    """Text cut short with an ellipsis to fit width points."""
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


class _NumberedCanvas(Canvas):
    """A canvas that holds every page until the last is laid out, then furnishes each page
    knowing the page count ("第 1 页 / 共 4 页")."""

    def __init__(
        self, *args: Any, furnish: Callable[[Canvas, int, int], None], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._furnish = furnish
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._furnish(self, number, total)
            super().showPage()
        super().save()
