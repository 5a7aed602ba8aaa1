"""Wand exports as cradle software writes them, made in the test: text in each encoding, .xlsx."""

import io
from collections.abc import Sequence
from datetime import datetime

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

# How each kind of software saves text: (encoding, delimiter, byte-order mark).
ENCODINGS = {
    "utf-8": ("utf-8", ",", b""),
    "utf-8 with BOM": ("utf-8", ",", b"\xef\xbb\xbf"),
    "gbk": ("gbk", ",", b""),
    "gb18030": ("gb18030", ",", b""),
    "utf-16 tabs (Excel Unicode text)": ("utf-16-le", "\t", b"\xff\xfe"),
    "utf-16 without BOM": ("utf-16-le", "\t", b""),
}


def text(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[object]],
    style: str = "utf-8",
    before: Sequence[str] = (),
) -> bytes:
    """Delimited text in a style of ENCODINGS, with any title lines before the header."""
    encoding, delimiter, bom = ENCODINGS[style]
    lines = [*before, *([delimiter.join(header)] if header else [])]
    lines += [delimiter.join("" if c is None else str(c) for c in row) for row in rows]
    return bom + ("\r\n".join(lines) + "\r\n").encode(encoding)


def serial(moment: datetime, epoch: datetime = CALENDAR_WINDOWS_1900) -> float:
    """The number Excel keeps for a date and time (shown as such in General format)."""
    return (moment - epoch).total_seconds() / 86400


def workbook(
    header: Sequence[str] | None,
    rows: Sequence[Sequence[object]],
    mac_1904: bool = False,
    before: Sequence[Sequence[object]] = (),
    sheets_before: int = 0,
) -> bytes:
    """An .xlsx: datetimes become date cells, floats stay numbers in General format."""
    book = openpyxl.Workbook()
    if mac_1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    for n in range(sheets_before):  # empty sheets first, as some exports have
        book.create_sheet(f"Empty {n}", 0)
    for row in [*before, *([list(header)] if header else []), *rows]:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, float):
                cell.number_format = "General"
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy/m/d h:mm:ss"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
