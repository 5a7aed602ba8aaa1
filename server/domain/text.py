"""Text search helpers shared by list queries."""

from typing import Any

from sqlalchemy import ColumnElement, func, or_


def name_filter(q: str, *columns: Any) -> ColumnElement[bool]:
    """Case-insensitive 'contains' over columns; LIKE wildcards in q match literally."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))
