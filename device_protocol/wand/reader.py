"""An export read row by row: each read as the wand recorded it, each bad row with its reason."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from device_protocol.wand import files
from device_protocol.wand.columns import Column, Layout, Mapping, choose
from device_protocol.wand.files import MAX_ROWS, WandFileError
from device_protocol.wand.times import parse_clock, parse_date, parse_moment, text_of

MAX_WANDS = 200  # more serials than that in one file: the wand column is something else
MAX_SERIAL = 100  # characters, as the device registry keeps them


@dataclass(frozen=True)
class WandRead:
    """One touch of a chip, as the wand recorded it, and what the export says beside it."""

    line: int
    tag: str
    local_time: datetime  # the wand's wall clock, naive: the importer places it in the site's zone
    wand: str | None
    guard: str | None = None  # a name, staff number or person-button id
    checkpoint: str | None = None  # the name the cradle software gave the chip

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "wand": self.wand,
            "tag": self.tag,
            "time": self.local_time.isoformat(),
            "guard": self.guard,
            "checkpoint": self.checkpoint,
        }


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class Export:
    """An export's layout, its reads and its bad rows."""

    layout: Layout
    reads: list[WandRead]
    bad: list[BadRow]


def read(data: bytes, filename: str, mapping: Mapping | None = None) -> Export:
    """The reads and bad rows of an export; WandFileError when the file itself is unusable."""
    mapping = mapping or Mapping()
    sheet = files.load(data, filename)
    if len(sheet.rows) > MAX_ROWS + 1:
        raise WandFileError(f"more than {MAX_ROWS} rows; import the export in parts")
    if not any(text_of(cell) for row in sheet.rows for cell in row):
        raise WandFileError("the file is empty")
    layout = choose(sheet.rows, sheet.epoch, mapping)
    reads, bad = [], []
    start = layout.header_line + 1
    for line, row in enumerate(sheet.rows[layout.header_line :], start=start):
        if not any(text_of(cell) for cell in row):
            continue
        try:
            reads.append(_read(line, row, layout, mapping, sheet.epoch))
        except ValueError as error:
            bad.append(BadRow(line, str(error)))
    wands = {r.wand for r in reads}
    if len(wands) > MAX_WANDS and layout.wand is not None:
        message = f"{len(wands)} different wand serials in {layout.wand.header!r}"
        raise WandFileError(
            f"{message}: is it the wand's serial?",
            {"wand_column": [f"{message}; name the wand's column, or give wand_serial"]},
        )
    return Export(layout, reads, bad)


def _cell(row: list[object], column: Column | None) -> object:
    """The row's cell in the column; a short row's missing cells are empty."""
    if column is None or column.index >= len(row):
        return None
    return row[column.index]


def _read(
    line: int, row: list[object], layout: Layout, mapping: Mapping, epoch: datetime
) -> WandRead:
    tag = text_of(_cell(row, layout.tag))
    if not tag:
        raise ValueError("no chip id")
    moment, day = _cell(row, layout.time), _cell(row, layout.date)
    if not text_of(moment) or (layout.date is not None and not text_of(day)):
        raise ValueError("no time")
    if layout.date is None:
        local_time = parse_moment(moment, epoch, mapping.time_format)
    elif mapping.time_format:
        local_time = parse_moment(f"{text_of(day)} {text_of(moment)}", epoch, mapping.time_format)
    else:
        local_time = parse_moment(datetime.combine(parse_date(day, epoch), parse_clock(moment)))
    wand = text_of(_cell(row, layout.wand)) or mapping.wand_serial
    if not wand:
        raise ValueError("no wand serial")
    if len(wand) > MAX_SERIAL:
        raise ValueError(f"a wand serial longer than {MAX_SERIAL} characters")
    guard = text_of(_cell(row, layout.guard)) or None
    checkpoint = text_of(_cell(row, layout.checkpoint)) or None
    return WandRead(line, tag, local_time, wand, guard, checkpoint)
