"""A label's text fitted to its box: wrapped first, then shrunk, cut only below a legible size.

Chinese may break between any two characters; Latin text breaks at spaces, and a word is split
only when no size down to the smallest lets it stand whole.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache

from reportlab.pdfbase import pdfmetrics

LEADING = 1.25  # line height as a multiple of the font size
STEP_PT = 0.5  # how much smaller each try is
ELLIPSIS = "…"
# Closing marks never start a line, opening marks never end one (避头尾, and the Latin ones).
_CLOSING = frozenset("，。、；：！？）》」』】〉”’,.;:!?)]}%")
_OPENING = frozenset("（《「『【〈“‘([{")


@dataclass(frozen=True)
class Fitted:
    """Lines to draw, at one size in points."""

    lines: tuple[str, ...]
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


@cache
def _char_width(font: str, char: str) -> float:
    """Width of char at 1 pt; widths scale linearly with size (no kerning in these fonts)."""
    return pdfmetrics.stringWidth(char, font, 1)


def _width(font: str, text: str) -> float:
    return sum(_char_width(font, c) for c in text)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def pieces(text: str) -> list[str]:
    """text cut where a line may break: either side of a CJK character or a space, never
    inside a Latin word; white space becomes single " " pieces."""
    out: list[str] = []
    for char in text.strip():
        if char.isspace():
            if out[-1] != " ":
                out.append(" ")
            continue
        last = out[-1] if out else " "
        joins = last != " " and (
            last[-1] in _OPENING or char in _CLOSING or not (_wide(char) or _wide(last[-1]))
        )
        if joins:
            out[-1] += char
        else:
            out.append(char)
    return out


def _split(word: str, font: str, size: float, width: float) -> list[str]:
    """A word wider than a line, cut between characters into lines (the last may be short)."""
    lines, line, used = [], "", 0.0
    for char in word:
        w = _char_width(font, char) * size
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line, used = line + char, used + w
    return [*lines, line]


def wrap(
    parts: list[tuple[str, float]], font: str, size: float, width: float
) -> tuple[list[str], bool]:
    """Pieces (with their widths at 1 pt) filled greedily into lines of width points at size;
    True when a word had to be split because it alone is wider than a line."""
    lines: list[str] = []
    line, used, space, split = "", 0.0, False, False
    for part, unit in parts:
        if part == " ":
            space = bool(line)  # a space at the start of a line is dropped
            continue
        w, gap = unit * size, _char_width(font, " ") * size if space else 0.0
        space = False
        if line and used + gap + w <= width:
            line, used = line + (" " if gap else "") + part, used + gap + w
            continue
        if line:
            lines.append(line)
        line, used = part, w
        if w > width:
            *whole, line = _split(part, font, size, width)
            lines.extend(whole)
            used, split = _width(font, line) * size, split or bool(whole)
    if line:
        lines.append(line)
    return lines, split


def fit(
    text: str,
    font: str,
    width: float,
    height: float,
    largest: float,
    smallest: float,
    max_lines: int,
) -> Fitted:
    """text at the largest size, from largest down to smallest, whose lines fit width and,
    stacked, height (and number at most max_lines). Only when the smallest size is not enough
    is the last line cut with an ellipsis: below it, print stops being legible."""
    parts = [(p, _width(font, p)) for p in pieces(text)]
    fallback: Fitted | None = None
    size = largest
    while True:
        lines, split = wrap(parts, font, size, width)
        room = max(1, min(max_lines, int(height / (size * LEADING) + 1e-9)))
        if len(lines) <= room:
            if not split:
                return Fitted(tuple(lines), size)
            fallback = fallback or Fitted(tuple(lines), size)
        if size - STEP_PT < smallest - 1e-9:
            break
        size -= STEP_PT
    if fallback is not None:
        return fallback
    kept = lines[:room]
    last = kept[-1]
    while last and _width(font, last + ELLIPSIS) * size > width:
        last = last[:-1]
    return Fitted((*kept[:-1], last.rstrip() + ELLIPSIS), size)
