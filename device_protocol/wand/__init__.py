"""Reading classic guard-tour wand exports (CSV, text or Excel) as the wand recorded them.

Cradle software exports one row per touch: the chip, the wand's time and often the wand and
the guard. Times are the wand's local wall clock, without an offset; the importer places them
in the site's timezone and corrects the wand's clock. Pure: no server, no database.
"""

from device_protocol.wand.columns import Column, Layout, Mapping, looks_like_chip
from device_protocol.wand.files import MAX_ROWS, WandFileError
from device_protocol.wand.reader import MAX_WANDS, BadRow, Export, WandRead, read
from device_protocol.wand.times import parse_clock, parse_date, parse_moment

__all__ = [
    "MAX_ROWS",
    "MAX_WANDS",
    "BadRow",
    "Column",
    "Export",
    "Layout",
    "Mapping",
    "WandFileError",
    "WandRead",
    "looks_like_chip",
    "parse_clock",
    "parse_date",
    "parse_moment",
    "read",
]
