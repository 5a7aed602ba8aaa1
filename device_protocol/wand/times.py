"""A wand's wall-clock time from a cell: Excel dates and serial numbers, Chinese and ISO text."""

import re
from datetime import date, datetime, time, timedelta

# What Excel serial numbers count days from: 1899-12-30 in the usual 1900 date system (which
# skips the fake 1900-02-29 for every date after it), 1904-01-01 in old Mac workbooks.
EXCEL_1900 = datetime(1899, 12, 30)
# Wands kept time in these years; outside them a cell is not a read's time (and year 1 or
# 9999 would overflow when placed in a timezone).
EARLIEST = datetime(1980, 1, 1)
LATEST = datetime(2100, 1, 1)

_DATE = (
    r"(?:(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?"
    r"|(?P<d2>\d{1,2})[/.](?P<m2>\d{1,2})[/.](?P<y2>\d{4}))"  # day first, as in Europe
)
_CLOCK = (
    r"(?:(?P<noon>上午|下午|AM|PM)\s*)?"
    r"(?P<H>\d{1,2})\s*(?:[:：]|时|点)\s*(?P<M>\d{1,2})\s*"
    r"(?:(?:[:：]|分)\s*(?P<S>\d{1,2}(?:\.\d+)?)\s*秒?|分)?"
    r"\s*(?P<noon2>AM|PM)?"
)
_MOMENT = re.compile(rf"{_DATE}(?:\s*T\s*|\s*)(?:{_CLOCK})", re.IGNORECASE)
_DATE_ONLY = re.compile(_DATE)
_CLOCK_ONLY = re.compile(_CLOCK, re.IGNORECASE)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")  # 20261121220510
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")  # a General-format Excel date saved as text
_AFTERNOON = ("下午", "PM")


def _round(moment: datetime) -> datetime:
    """To the second, the most a wand records (Excel's floating point leaves a few µs)."""
    return moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))


def _plausible(moment: datetime) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise ValueError(f"time out of range: {moment.date().isoformat()}")
    return moment


def _serial(value: float, epoch: datetime) -> datetime:
    earliest = (EARLIEST - epoch).days
    if not earliest <= value < (LATEST - epoch).days:
        raise ValueError(f"the number {value:g} is not an Excel date")
    return _round(epoch + timedelta(days=value))


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _clock(match: re.Match[str]) -> time:
    hour, minute = int(match["H"]), int(match["M"])
    noon = (match["noon"] or match["noon2"] or "").upper()
    if noon:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {noon}")
        hour = hour % 12 + (12 if noon in _AFTERNOON else 0)
    seconds = float(match["S"] or 0)
    base = datetime(2000, 1, 1, hour, minute) + timedelta(seconds=round(seconds))
    if seconds >= 60 or base.day != 1:
        raise ValueError("no such time of day")
    return base.time()


def _date(match: re.Match[str]) -> date:
    if match["y"]:
        return date(int(match["y"]), int(match["m"]), int(match["d"]))
    return date(int(match["y2"]), int(match["m2"]), int(match["d2"]))


def text_of(value: object) -> str:
    """A cell as the text it shows; whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def parse_moment(value: object, epoch: datetime = EXCEL_1900, fmt: str | None = None) -> datetime:
    """A naive wall-clock time from a date-and-time cell; ValueError saying why not."""
    if isinstance(value, datetime):
        return _plausible(_round(value.replace(tzinfo=None)))
    number = _number(value)
    if number is not None:
        return _serial(number, epoch)
    text = text_of(value)
    try:
        if fmt:
            return _plausible(_round(datetime.strptime(text, fmt)))
        if _SERIAL.fullmatch(text):
            return _serial(float(text), epoch)
        if match := _COMPACT.fullmatch(text):
            return _plausible(datetime(*map(int, match.groups())))  # type: ignore[misc]
        if match := _MOMENT.fullmatch(text):
            return _plausible(datetime.combine(_date(match), _clock(match)))
    except ValueError as error:
        if str(error).startswith(("time out of range", "the number")):
            raise
    raise ValueError(f"unreadable time {text[:100]!r}")


def parse_date(value: object, epoch: datetime = EXCEL_1900) -> date:
    """The date of a date-only cell (a split export's date column)."""
    if isinstance(value, datetime):
        if value.time() != time():
            raise ValueError("a time where a date was expected")
        return _plausible(value.replace(tzinfo=None)).date()
    if isinstance(value, date):
        return value
    number = _number(value)
    if number is not None and number.is_integer():
        return _serial(number, epoch).date()
    text = text_of(value)
    try:
        if match := _DATE_ONLY.fullmatch(text):
            return _plausible(datetime.combine(_date(match), time())).date()
    except ValueError as error:
        if str(error).startswith("time out of range"):
            raise
    raise ValueError(f"unreadable date {text[:100]!r}")


def parse_clock(value: object) -> time:
    """The time of day of a time-only cell (a split export's time column)."""
    if isinstance(value, time):
        return _round(datetime.combine(date(2000, 1, 1), value)).time()
    number = _number(value)
    if number is not None and 0 <= number < 1:  # Excel keeps a time of day as a day's fraction
        return _round(datetime(2000, 1, 1) + timedelta(days=number)).time()
    text = text_of(value)
    try:
        if match := _CLOCK_ONLY.fullmatch(text):
            return _clock(match)
    except ValueError:
        pass
    raise ValueError(f"unreadable time of day {text[:100]!r}")


def is_date_only(value: object, epoch: datetime = EXCEL_1900) -> bool:
    """A cell that holds a date and no time (so it is not the read's full time)."""
    try:
        parse_date(value, epoch)
    except ValueError:
        return False
    return True
