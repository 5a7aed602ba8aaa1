"""Reading classic guard-tour wand exports (CSV or Excel): tag id, time, wand serial per read.

Cradle software exports one row per touch. Times are the wand's local wall clock, without an
offset; the importer places them in the site's timezone and corrects the wand's clock.
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

# Header names seen in English and Chinese cradle software exports (lower-cased).
TAG_HEADERS = ("tag", "tag id", "tag_id", "checkpoint", "card", "标签", "地点钮", "卡号", "钮号")
TIME_HEADERS = (
    "time",
    "datetime",
    "date time",
    "read time",
    "visit time",
    "时间",
    "巡检时间",
    "刷卡时间",
)
WAND_HEADERS = ("wand", "reader", "device", "serial", "巡更棒", "机号", "设备号")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
)
MAX_ROWS = 100_000  # a full Roger PATROL II memory is 32,768 events


class WandFileError(ValueError):
    """The file as a whole cannot be read (no header, unknown columns, not CSV or Excel)."""


@dataclass(frozen=True)
class WandRead:
    """One touch of a tag, as the wand recorded it."""

    line: int
    tag: str
    local_time: datetime
    wand: str | None


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read, and why."""

    line: int
    reason: str


def _rows(data: bytes, filename: str) -> list[list[object]]:
    if filename.lower().endswith((".xlsx", ".xlsm")):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise WandFileError(f"not a readable Excel file: {error}") from error
        sheet = book.worksheets[0]
        rows = [
            list(row)
            for _, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)
        ]
        book.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):  # Chinese Windows software often writes GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WandFileError("the file is neither UTF-8 nor GB18030 text")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or no text: nothing to sniff, so read it as plain CSV
        dialect = csv.excel
    try:
        return [
            row
            for _, row in zip(
                range(MAX_ROWS + 2), csv.reader(io.StringIO(text), dialect), strict=False
            )
        ]
    except csv.Error as error:  # an unclosed quote running past the field size limit, say
        raise WandFileError(f"not a readable CSV file: {error}") from error


def _column(
    header: list[str], wanted: str | None, known: tuple[str, ...], name: str, required: bool
) -> int | None:
    if wanted:
        if wanted.isdigit() and 1 <= int(wanted) <= len(header):
            return int(wanted) - 1
        if wanted.strip().lower() in header:
            return header.index(wanted.strip().lower())
        raise WandFileError(f"no column {wanted!r} for {name}; the header has: {', '.join(header)}")
    for index, title in enumerate(header):
        if title in known:
            return index
    if required:
        raise WandFileError(f"cannot tell which column holds the {name}; name it in the mapping")
    return None


def parse_time(value: object, formats: tuple[str, ...]) -> datetime:
    """A naive local time from a cell: Excel dates come as datetimes, text in any known format."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    text = str(value or "").strip()
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"unreadable time {text!r}")


def read(
    data: bytes,
    filename: str,
    *,
    tag_column: str | None = None,
    time_column: str | None = None,
    wand_column: str | None = None,
    time_format: str | None = None,
) -> tuple[list[WandRead], list[BadRow]]:
    """Reads and bad rows of an export; WandFileError when the file itself is unusable."""
    rows = _rows(data, filename)
    if len(rows) > MAX_ROWS + 1:
        raise WandFileError(f"more than {MAX_ROWS} rows; import the export in parts")
    if not rows:
        raise WandFileError("the file is empty")
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    tag = _column(header, tag_column, TAG_HEADERS, "tag id", True)
    when = _column(header, time_column, TIME_HEADERS, "time", True)
    wand = _column(header, wand_column, WAND_HEADERS, "wand serial", False)
    formats = (time_format,) if time_format else TIME_FORMATS
    reads, bad = [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(str(c or "").strip() for c in row):
            continue
        try:
            tag_id = str(row[tag] or "").strip()
            if not tag_id:
                raise ValueError("no tag id")
            serial = str(row[wand] or "").strip() or None if wand is not None else None
            reads.append(WandRead(line, tag_id, parse_time(row[when], formats), serial))
        except (ValueError, IndexError) as error:
            bad.append(
                BadRow(line, str(error) if not isinstance(error, IndexError) else "row too short")
            )
    return reads, bad
