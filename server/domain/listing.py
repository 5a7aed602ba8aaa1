"""Lists: paging and sorting (sort keys limited to what a resource allows), name search."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from server.domain.errors import Invalid


@dataclass(frozen=True)
class PageRequest:
    """Which slice of a list to return, and in what order."""

    page: int = 1
    page_size: int = 50
    sort: str | None = None


def fetch_page(
    session: Session,
    stmt: Select[Any],
    model: Any,
    request: PageRequest,
    sortable: tuple[str, ...] | Mapping[str, Any],
    total: int | None = None,
) -> tuple[list[Any], int]:
    """Return (items, total). sort is one key or several, comma-separated, each with '-' in
    front for descending; sortable names the keys (a column each, or the expression to sort by).
    A caller that already knows the total passes it, and nothing is counted."""
    if total is None:
        counted = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = int(session.scalar(counted) or 0)
    keys = [key.strip() for key in (request.sort or "").split(",") if key.strip()]
    for key in keys:
        field = key.removeprefix("-")
        if field not in sortable:
            allowed = ", ".join(sortable)
            raise Invalid(f"cannot sort by '{field}'", {"sort": [f"one of: {allowed}"]})
        column = sortable[field] if isinstance(sortable, Mapping) else getattr(model, field)
        stmt = stmt.order_by(column.desc() if key.startswith("-") else column.asc())
    # The id keeps pages stable when the sort key has ties.
    newest = bool(keys) and keys[-1].startswith("-")
    stmt = stmt.order_by(model.id.desc() if newest else model.id)
    offset = (request.page - 1) * request.page_size
    if offset >= total:
        # Past the end there is nothing to fetch, and a huge offset would overflow the database.
        return [], total
    return list(session.scalars(stmt.offset(offset).limit(request.page_size))), total


def name_filter(q: str, *columns: Any) -> ColumnElement[bool]:
    """Case-insensitive 'contains' over columns; LIKE wildcards in q match literally."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))
