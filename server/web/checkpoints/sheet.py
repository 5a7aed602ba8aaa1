"""A sheet of checkpoints, as a person keeps one: a CSV file or an Excel workbook (.xlsx), its
first row naming the columns in English or Chinese. Read into rows of text by column; what the
text means (a number, a zone, a duplicate code) is for the import to judge.

Bounded at every step, since the file comes from anywhere: its size, the size it unpacks to,
the number of rows.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _

COLUMNS = ("name", "code", "zone", "latitude", "longitude", "radius_m", "instructions")
REQUIRED = ("name", "code")
# Header names by column; case, spaces, _ and - and a unit in brackets do not matter.
HEADERS = {
    "name": ("name", "名称", "名字", "巡更点", "巡更点名称", "点位名称"),
    "code": ("code", "编号", "代码", "编码", "点位编号"),
    "zone": ("zone", "区域", "区域名称"),
    "latitude": ("latitude", "lat", "纬度"),
    "longitude": ("longitude", "lon", "lng", "long", "经度"),
    "radius_m": ("radius_m", "radius", "半径"),
    "instructions": ("instructions", "instruction", "说明", "巡查说明", "指引", "备注"),
}
MAX_BYTES = 512 * 1024
MAX_ROWS = 500
MAX_UNPACKED = 16 * 1024 * 1024  # what an .xlsx (a zip) may unpack to: no zip bombs
MAX_CELL = 4000  # longer than any field takes: the schema says which one
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_NOISE = re.compile(r"[\s_\-]+|[(（\[【].*?[)）\]】]")


class SheetError(Exception):
    """The file cannot be read as a sheet of checkpoints; the message says why, to a person."""


@dataclass(frozen=True)
class Row:
    """One row of the sheet: its number as the spreadsheet shows it, its cells by column."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    rows: list[Row]
    ignored: list[str] = field(default_factory=list)  # headers that name no column


def read(data: bytes) -> Sheet:
    """The rows of a CSV or .xlsx file, told apart by their content, not their name."""
    if len(data) > MAX_BYTES:
        raise SheetError(_("The file is larger than %(kb)s KB.", kb=MAX_BYTES // 1024))
    if data.startswith(_ZIP):
        return _table(_xlsx_rows(data))
    if data.startswith(_OLE):
        raise SheetError(_("This is an old Excel file (.xls): save it as .xlsx or CSV first."))
    return _table(_csv_rows(data))


def _plain(header: str) -> str:
    return _NOISE.sub("", header).lower()


_ALIASES = {_plain(alias): column for column, names in HEADERS.items() for alias in names}


def column(header: Any) -> str | None:
    """The column a header names: "Radius (m)", "半径(米)" and "radius_m" all name radius_m."""
    return _ALIASES.get(_plain(_text(header)))


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:8192]:
        raise SheetError(_("This is not a CSV or Excel (.xlsx) file."))
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in Chinese saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetError(_("This is not a CSV or Excel (.xlsx) file."))
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SheetError(_("The CSV file is malformed: %(why)s", why=str(error))) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    import openpyxl  # only when a workbook comes: it takes a while to import

    book = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            if sum(i.file_size for i in packed.infolist()) > MAX_UNPACKED:
                raise SheetError(_("The workbook unpacks to too much data."))
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        yield from book.worksheets[0].iter_rows(values_only=True)
    except SheetError:
        raise
    except Exception:  # a malformed workbook fails in many ways, and all of them mean this
        raise SheetError(
            _("This Excel file could not be read; save it again as .xlsx or CSV.")
        ) from None
    finally:
        if book is not None:
            book.close()


def _table(rows: Any) -> Sheet:
    header: dict[int, str] | None = None
    ignored: list[str] = []
    found: list[Row] = []
    for number, raw in enumerate(rows, start=1):
        cells = [_text(v) for v in raw]
        if not any(cells):
            continue
        if header is None:
            header, ignored = _header(cells)
            continue
        if len(found) == MAX_ROWS:
            raise SheetError(
                _("The sheet has more than %(n)s rows: split it into smaller ones.", n=MAX_ROWS)
            )
        found.append(
            Row(number, {name: cells[i][:MAX_CELL] for i, name in header.items() if i < len(cells)})
        )
    if header is None:
        raise SheetError(_("The sheet is empty."))
    if not found:
        raise SheetError(_("The sheet has a header row but no checkpoints under it."))
    return Sheet(found, ignored)


def _header(cells: list[str]) -> tuple[dict[int, str], list[str]]:
    header: dict[int, str] = {}
    ignored = []
    for i, text in enumerate(cells):
        name = column(text)
        if name is None:
            if text:
                ignored.append(text)
        elif name in header.values():
            raise SheetError(_("Two columns are both %(name)s.", name=name))
        else:
            header[i] = name
    missing = [c for c in REQUIRED if c not in header.values()]
    if missing:
        raise SheetError(
            _(
                "The first row must name the columns; these are missing: %(names)s.",
                names=", ".join(missing),
            )
        )
    return header, ignored


def _text(value: Any) -> str:
    """A cell as text: numbers as typed (101, not 101.0), dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()
