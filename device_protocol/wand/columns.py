"""Which column holds what: the header's names first, then what the cells look like.

A read needs its chip, its time and its wand (a column, or one serial given for the file); the
guard and the checkpoint's name are used when present. A column of chip ids beats a column of
checkpoint names, a column that reads as times is the time, and a date column beside a
time-of-day column makes one time. What cannot be found is one error that lists the headers
and the options that would name each column.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from itertools import pairwise
from typing import Any

from device_protocol.wand import headers as names
from device_protocol.wand.files import WandFileError
from device_protocol.wand.times import is_date_only, parse_clock, parse_date, parse_moment, text_of

SAMPLE = 50  # data rows looked at to judge a column
_SURE = 0.8  # the share of a sample's cells that must fit
_CHIP = re.compile(r"(?=[0-9A-F]*\d)[0-9A-F]{4,64}", re.IGNORECASE)  # hex, at least one digit
_SEPARATORS = re.compile(r"[\s:\-.]")
_NUMBER = re.compile(r"[0-9]{1,5}")
_LETTERS = re.compile(r"[A-Za-z]{1,2}")


@dataclass(frozen=True)
class Mapping:
    """What the caller says about the file: column names or 1-based numbers, a format, a wand."""

    tag_column: str | None = None
    time_column: str | None = None  # "日期+时间" joins a date column and a time-of-day column
    wand_column: str | None = None
    guard_column: str | None = None
    time_format: str | None = None  # strptime, for times no known format reads
    wand_serial: str | None = None  # the wand, when the file has no wand column


@dataclass(frozen=True)
class Column:
    """One column of the file, and how it was found: "option", "header" or "content"."""

    index: int
    header: str
    found_by: str

    def as_dict(self) -> dict[str, Any]:
        return {"column": self.index + 1, "header": self.header, "found_by": self.found_by}


@dataclass(frozen=True)
class Layout:
    """The columns chosen for each part of a read."""

    headers: list[str]
    header_line: int  # 0 when the file starts with data
    tag: Column
    time: Column
    date: Column | None = None  # when the date and the time of day are apart
    wand: Column | None = None
    guard: Column | None = None
    checkpoint: Column | None = None

    def as_dict(self) -> dict[str, Any]:
        parts = ("tag", "time", "date", "wand", "guard", "checkpoint")
        found = {p: getattr(self, p).as_dict() for p in parts if getattr(self, p) is not None}
        return {"header_line": self.header_line, **found}


def _share(cells: list[object], fits: Callable[[object], bool]) -> float:
    filled = [c for c in cells if text_of(c)]
    return sum(1 for c in filled if fits(c)) / len(filled) if filled else 0.0


def _ok(parse: Callable[[object], Any]) -> Callable[[object], bool]:
    def fits(cell: object) -> bool:
        try:
            parse(cell)
        except ValueError:
            return False
        return True

    return fits


def looks_like_chip(cell: object) -> bool:
    """Hex digits (with separators), at least one of them a digit: how chip ids are printed."""
    return bool(_CHIP.fullmatch(_SEPARATORS.sub("", text_of(cell))))


def _counting(cells: list[object]) -> bool:
    """1, 2, 3...: a row number, whatever its header."""
    numbers = [text_of(c) for c in cells if text_of(c)]
    if len(numbers) < 2 or not all(n.isdigit() for n in numbers):
        return False
    return all(int(b) - int(a) == 1 for a, b in pairwise(numbers))


class _Chooser:
    def __init__(self, headers: list[str], sample: list[list[object]], epoch: datetime) -> None:
        self.headers = headers
        self.columns = [
            [row[i] if i < len(row) else None for row in sample] for i in range(len(headers))
        ]
        self.epoch = epoch
        self.taken: set[int] = set()
        self.missing: dict[str, list[str]] = {}

    def column(self, index: int, found_by: str) -> Column:
        self.taken.add(index)
        return Column(index, self.headers[index] or f"column {index + 1}", found_by)

    def has(self, header: str) -> bool:
        return header.strip().lower() in (h.lower() for h in self.headers)

    def given(self, option: str, wanted: str) -> Column | None:
        """The column an option names: by header, 1-based number, or Excel letter ("C")."""
        lowered, wanted = [h.lower() for h in self.headers], wanted.strip()
        index = None
        if self.has(wanted):
            index = lowered.index(wanted.lower())
        elif _NUMBER.fullmatch(wanted):
            index = int(wanted) - 1
        elif _LETTERS.fullmatch(wanted):
            index = reduce(lambda n, c: n * 26 + ord(c) - ord("A") + 1, wanted.upper(), 0) - 1
        if index is not None and 0 <= index < len(self.headers):
            return self.column(index, "option")
        self.missing[option] = [f"no column {wanted!r}; the header has: {self.seen()}"]
        return None

    def seen(self) -> str:
        return ", ".join(h or f"(column {i + 1})" for i, h in enumerate(self.headers)) or "nothing"

    def free(self, table: frozenset[str] | None = None) -> list[int]:
        return [
            i
            for i, h in enumerate(self.headers)
            if i not in self.taken and (table is None or names.matches(table, h))
        ]

    def by_header(self, table: frozenset[str]) -> Column | None:
        found = self.free(table)
        return self.column(found[0], "header") if found else None

    def share(self, index: int, fits: Callable[[object], bool]) -> float:
        return _share(self.columns[index], fits)

    def best(self, candidates: Sequence[int], fits: Callable[[object], bool]) -> int | None:
        """The candidate whose cells fit best, if most of them do; the left-most on a tie."""
        scored = [(self.share(i, fits), -i) for i in candidates]
        top = max(scored, default=(0.0, 0))
        return -top[1] if top[0] >= _SURE else None


def _times(chooser: _Chooser, mapping: Mapping) -> tuple[Column | None, Column | None]:
    """The time column, and the date column when the export keeps them apart."""
    fmt, epoch = mapping.time_format, chooser.epoch
    wanted = mapping.time_column
    if wanted:
        parts = wanted.split("+")
        if len(parts) == 2 and not chooser.has(wanted):
            date = chooser.given("time_column", parts[0])
            return chooser.given("time_column", parts[1]), date
        return chooser.given("time_column", wanted), None

    def moment(cell: object) -> bool:  # a full time; a column of dates alone is not one
        return _ok(lambda c: parse_moment(c, epoch, fmt))(cell) and (
            fmt is not None or not is_date_only(cell, epoch)
        )

    named = chooser.free(names.TIME)
    for candidates, found_by in ((named, "header"), (chooser.free(), "content")):
        index = chooser.best(candidates, moment)
        if index is not None:
            return chooser.column(index, found_by), None
    dates = chooser.best(chooser.free(), _ok(lambda c: parse_date(c, epoch)))
    clocks = chooser.best([i for i in chooser.free() if i != dates], _ok(parse_clock))
    if dates is not None and clocks is not None:
        date = chooser.column(dates, "content")
        return chooser.column(clocks, "content"), date
    if named:  # named a time but none of its cells reads as one: its rows will say why
        return chooser.column(named[0], "header"), None
    chooser.missing["time_column"] = ["no column of times: name it (or 日期+时间 for two)"]
    return None, None


def _chip(chooser: _Chooser) -> tuple[Column | None, Column | None]:
    """The chip column, and the checkpoint-name column beside it if any."""
    strong, places = chooser.free(names.CHIP), chooser.free(names.PLACE)
    index = chooser.best(strong + places, looks_like_chip)
    if index is None and strong:  # a chip header whose cells are not (yet) chip ids
        index = strong[0]
    found_by = "header"
    if index is None:
        unnamed = [
            i
            for i in chooser.free()
            if i not in places
            and not names.matches(names.NEVER_CHIP, chooser.headers[i])
            and not _counting(chooser.columns[i])
        ]
        index, found_by = chooser.best(unnamed, looks_like_chip), "content"
    chip = chooser.column(index, found_by) if index is not None else None
    place = chooser.by_header(names.PLACE)
    if chip is None:
        names_too = f" ({place.header} holds checkpoint names, not the chips)" if place else ""
        chooser.missing["tag_column"] = [f"no column of chip ids{names_too}: name it"]
    return chip, place


def choose(rows: list[list[object]], epoch: datetime, mapping: Mapping) -> Layout:
    """The layout of an export's rows; WandFileError naming every column it cannot find."""
    line = _header_line(rows)
    headers = [text_of(c) for c in rows[line - 1]] if line else []
    width = max((len(r) for r in rows[line : line + SAMPLE]), default=0)
    headers += [""] * (width - len(headers))
    sample = [r for r in rows[line:] if any(text_of(c) for c in r)][:SAMPLE]
    chooser = _Chooser(headers, sample, epoch)
    given = {
        role: chooser.given(f"{role}_column", wanted) if wanted else None
        for role, wanted in (
            ("tag", mapping.tag_column),
            ("wand", mapping.wand_column),
            ("guard", mapping.guard_column),
        )
    }
    time, date = _times(chooser, mapping)
    wand = given["wand"] or chooser.by_header(names.WAND)
    guard = given["guard"] or chooser.by_header(names.GUARD)
    if given["tag"]:
        chip, place = given["tag"], chooser.by_header(names.PLACE)
    elif "tag_column" in chooser.missing:
        chip, place = None, None
    else:
        chip, place = _chip(chooser)
    if wand is None and not mapping.wand_serial and "wand_column" not in chooser.missing:
        chooser.missing["wand_serial"] = [
            "no wand column: give the wand's serial, or name its column with wand_column"
        ]
    if chooser.missing or chip is None or time is None:
        raise _missing(chooser)
    return Layout(headers, line, chip, time, date, wand, guard, place)


_WHAT = {  # each option, and what it names, in the order a read needs them
    "tag_column": "the chip id",
    "time_column": "the time",
    "wand_serial": "the wand serial",
    "wand_column": "the wand serial",
    "guard_column": "the guard",
}


def _missing(chooser: _Chooser) -> WandFileError:
    options = [o for o in _WHAT if o in chooser.missing]
    parts = list(dict.fromkeys(_WHAT[o] for o in options))
    what = ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else parts[0]
    return WandFileError(
        f"cannot tell which column holds {what}; "
        f"the header has: {chooser.seen()}; pass {', '.join(options)}",
        {o: chooser.missing[o] for o in options},
    )


def _header_line(rows: list[list[object]]) -> int:
    """The 1-based line of the header (after any title lines), or 0 if data comes first."""
    tables = (names.TIME, names.CHIP, names.PLACE, names.WAND, names.GUARD)
    for line, row in enumerate(rows[:10], start=1):
        known = sum(1 for c in row if any(names.matches(t, text_of(c)) for t in tables))
        if known >= 2:
            return line
    first = next((i for i, r in enumerate(rows) if any(text_of(c) for c in r)), 0)
    if first < len(rows) and any(_ok(parse_moment)(c) for c in rows[first]):
        return 0  # no header: the first filled row is already a read
    return first + 1
