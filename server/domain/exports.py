"""CSV files for Excel: UTF-8 with a byte order mark, no cell a spreadsheet would run."""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """People's input as a cell: one that would start a formula is written as text."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV text line by line, the byte order mark first (Excel then reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + _take(buffer)
    for row in rows:
        writer.writerow(row)
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
