"""What a finished report says: frozen values, no database and no web, laid out by `pdf`.

A Document is a title, a few facts and sections of blocks (paragraphs, tables, figures,
charts). The domain builds one, `pdf.render_pdf` prints it, `charts.chart_svg` draws a chart
for the console. Texts are plain strings (no markup); each is shown as given.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

Language = Literal["zh", "en"]
Align = Literal["left", "center", "right"]


class StatusKind(StrEnum):
    """An outcome a reader scans for; each has its own symbol and word, never a colour alone."""

    DONE = "done"
    NORMAL = "normal"
    LATE = "late"
    INCOMPLETE = "incomplete"
    MISSED = "missed"
    ABNORMAL = "abnormal"
    EARLY = "early"
    OUT_OF_ORDER = "out_of_order"
    SKIPPED = "skipped"  # an optional stop left out: not a problem
    PENDING = "pending"  # not judged yet (the round is still open)


# symbol, Chinese word, English word, whether it is a problem (its table row is shaded).
# Every symbol is a glyph of the embedded WenQuanYi face.
_FACES: dict[StatusKind, tuple[str, str, str, bool]] = {
    StatusKind.DONE: ("✔", "完成", "done", False),
    StatusKind.NORMAL: ("✔", "正常", "normal", False),
    StatusKind.LATE: ("!", "迟到", "late", True),
    StatusKind.INCOMPLETE: ("◐", "未完成", "incomplete", True),
    StatusKind.MISSED: ("✘", "漏巡", "missed", True),
    StatusKind.ABNORMAL: ("▲", "异常", "abnormal", True),
    StatusKind.EARLY: ("«", "早到", "early", True),
    StatusKind.OUT_OF_ORDER: ("⇄", "顺序错", "out of order", True),
    StatusKind.SKIPPED: ("－", "未巡（可选）", "skipped (optional)", False),
    StatusKind.PENDING: ("…", "未判定", "not judged yet", False),
}


@dataclass(frozen=True)
class Status:
    """A status cell: symbol and word (e.g. "! 迟到"), then the note if any ("12 分钟")."""

    kind: StatusKind
    note: str = ""

    @property
    def symbol(self) -> str:
        return _FACES[self.kind][0]

    @property
    def problem(self) -> bool:
        """Whether the row showing it is shaded for emphasis (the word still says it)."""
        return _FACES[self.kind][3]

    def word(self, language: Language) -> str:
        _, zh, en, _ = _FACES[self.kind]
        return zh if language == "zh" else en

    def text(self, language: Language) -> str:
        """What the cell reads, e.g. "✘ 漏巡" or "! late 12 min"."""
        return " ".join(part for part in (self.symbol, self.word(language), self.note) if part)


@dataclass(frozen=True)
class Cell:
    """A table cell with more than text: a status above the text and/or photo thumbnails below
    it (JPEG or PNG bytes; an unreadable one prints as a crossed box)."""

    text: str = ""
    status: Status | None = None
    photos: Sequence[bytes] = ()


CellValue = str | Status | Cell


@dataclass(frozen=True)
class Column:
    """A table column: its title, its share of the table's width, how its cells align."""

    title: str
    width: float = 1.0
    align: Align = "left"

    def __post_init__(self) -> None:
        if self.width <= 0:
            raise ValueError(f"column {self.title!r} needs a positive width share")


@dataclass(frozen=True)
class Paragraph:
    """Running text; line breaks in it are kept."""

    text: str


@dataclass(frozen=True)
class Table:
    """Rows under a header that repeats on every page the table spans. A row with a problem
    status in any cell is shaded; a table without rows says so in one row."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[CellValue]]
    caption: str = ""

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("a table needs at least one column")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {number} has {len(row)} cells for {len(self.columns)} columns"
                )


@dataclass(frozen=True)
class Figure:
    """One photo (JPEG or PNG bytes) across the text width, with its caption below."""

    image: bytes
    caption: str = ""


class LimitLevel(StrEnum):
    """How serious crossing a limit is; each level has its own dash pattern and weight."""

    NORMAL = "normal"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Limit:
    """A horizontal limit line on a chart, labelled at its right end (e.g. "报警上限 85")."""

    value: float
    label: str
    level: LimitLevel = LimitLevel.WARNING


@dataclass(frozen=True)
class Point:
    """One reading; an abnormal one is marked with a triangle, not by colour."""

    at: datetime
    value: float
    abnormal: bool = False


@dataclass(frozen=True)
class Chart:
    """One reading over time with its limits, as a line chart with dated axis labels."""

    title: str
    points: Sequence[Point]
    unit: str = ""
    limits: Sequence[Limit] = ()
    caption: str = ""


Block = Paragraph | Table | Figure | Chart


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: Sequence[Block] = ()


@dataclass(frozen=True)
class Document:
    """A whole report. made_at_text is the time it was made, already formatted for its reader
    (e.g. "2024-05-01 08:00"); facts are (label, value) pairs printed under the title."""

    title: str
    language: Language
    made_at_text: str
    subtitle: str = ""
    facts: Sequence[tuple[str, str]] = ()
    sections: Sequence[Section] = ()

    def __post_init__(self) -> None:
        if self.language not in ("zh", "en"):
            raise ValueError(f"language must be 'zh' or 'en', not {self.language!r}")
