"""An export's bytes as rows of cells: a workbook's first sheet, or delimited text.

Told apart by content rather than by name, since cradle software often writes tab-separated
text or an HTML table and names it .xls. Text comes as UTF-8 (with or without a BOM), GBK or
GB18030 from Chinese Windows software, or UTF-16 with tabs from Excel's "Unicode text".
"""

import codecs
import csv
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from device_protocol.wand.times import EXCEL_1900

MAX_ROWS = 100_000  # a full Roger PATROL II memory is 32,768 events
MAX_COLUMNS = 100  # exports have a dozen; a sheet 16,384 cells wide would only cost memory
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and other compound files
_HTML = re.compile(r"\s*<(?:!doctype|html|table|\?xml)", re.IGNORECASE)
_DELIMITERS = ("\t", ",", ";", "|")


class WandFileError(ValueError):
    """The file as a whole cannot be read; errors name the options that would fix it."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {"file": [message]}


@dataclass(frozen=True)
class Sheet:
    """The rows of cells, and the day Excel serial numbers in them count from."""

    rows: list[list[object]]
    epoch: datetime = EXCEL_1900


def load(data: bytes, filename: str) -> Sheet:
    """The file's rows, at most MAX_ROWS + 1 of them; WandFileError if it is not an export."""
    if data.startswith(_ZIP):
        return _workbook(data)
    if data.startswith(_OLE):
        raise WandFileError(
            "an Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx or CSV"
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise WandFileError("not a readable Excel file: the file is not an .xlsx workbook")
    text = decode(data)
    if _HTML.match(text):
        raise WandFileError(
            "an HTML page (software often names these .xls): "
            "open it in Excel and save it as .xlsx or CSV"
        )
    return Sheet(_delimited(text))


def _workbook(data: bytes) -> Sheet:
    import openpyxl  # only when a workbook comes: it is slow to import

    try:
        with warnings.catch_warnings():  # openpyxl warns about styles it does not know
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                rows: list[list[object]] = []
                for sheet in book.worksheets:  # the first sheet that has anything in it
                    rows = [
                        _trimmed(r)
                        for r in islice(
                            sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), MAX_ROWS + 2
                        )
                    ]
                    if any(cell not in (None, "") for row in rows for cell in row):
                        break
                epoch = book.epoch
            finally:
                book.close()
    except Exception as error:  # a broken workbook raises many kinds (zip, XML, KeyError)
        raise WandFileError(f"not a readable Excel file: {error}") from error
    return Sheet(rows, epoch)


def _trimmed(row: Sequence[object]) -> list[object]:
    """The row without its empty cells at the end (read-only sheets pad every row)."""
    cells = list(row)
    while cells and cells[-1] in (None, ""):
        cells.pop()
    return cells


def decode(data: bytes) -> str:
    """The text of the file, in whichever encoding its bytes are valid."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif len(data) >= 4 and data[1::2].count(0) > len(data) // 4:
        encodings = ("utf-16-le",)  # UTF-16 without its BOM: every other byte is zero
    elif len(data) >= 4 and data[0::2].count(0) > len(data) // 4:
        encodings = ("utf-16-be",)
    else:
        encodings = ("utf-8", "gb18030")  # GB18030 reads all of GBK and GB2312
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise WandFileError("not text in UTF-8, UTF-16 or GB18030 (GBK), nor an .xlsx workbook")


def _delimiter(text: str) -> str:
    """The delimiter found most often on the first lines (a title line may have none)."""
    lines = [line for line in islice(text.splitlines(), 20) if line.strip()]
    counts = {d: sorted(line.count(d) for line in lines) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d][len(lines) // 2] if lines else 0)
    return best if lines and counts[best][-1] else ","


def _delimited(text: str) -> list[list[object]]:
    reader = csv.reader(io.StringIO(text.replace("\x00", "")), delimiter=_delimiter(text))
    try:
        return [_trimmed(row[:MAX_COLUMNS]) for row in islice(reader, MAX_ROWS + 2)]
    except csv.Error as error:  # an unclosed quote running past the field size limit, say
        raise WandFileError(f"not a readable CSV file: {error}") from error
