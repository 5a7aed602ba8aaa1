"""Text every store accepts: the one rule the handheld protocol and the server's API share."""

import re
from collections.abc import Mapping
from typing import Any

# NUL, which PostgreSQL refuses in text, and lone UTF-16 surrogates, which JSON's "\ud800"
# escapes can carry but no UTF-8 text can hold.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE = "NUL (\\u0000) or a lone surrogate (\\ud800-\\udfff)"


def unstorable_text(value: str) -> bool:
    """Whether value holds a character no database can store."""
    return _UNSTORABLE.search(value) is not None


def printable(value: str) -> str:
    """value with any lone surrogate written as its escape (\\ud800), so it can be shown."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def first_unstorable(value: Any, where: str = "") -> str | None:
    """The path (`events[2].note`) of the first key or string in a JSON-like value that holds
    unstorable text; "" for value itself; None when all of it can be stored."""
    if isinstance(value, str):
        return where if unstorable_text(value) else None
    if isinstance(value, Mapping):
        getlist = getattr(value, "getlist", None)  # a form's or query's several values
        for key in value:
            inner = f"{where}.{printable(str(key))}" if where else printable(str(key))
            if unstorable_text(str(key)):
                return inner
            for item in getlist(key) if getlist else [value[key]]:
                found = first_unstorable(item, inner)
                if found is not None:
                    return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = first_unstorable(item, f"{where}[{index}]")
            if found is not None:
                return found
    return None
