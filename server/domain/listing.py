"""Lists: paging and sorting (sort keys limited to what a resource allows), name search."""

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
    sortable: tuple[str, ...],
) -> tuple[list[Any], int]:
    """Return (items, total); sort is a field name, '-' in front for descending."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if request.sort:
        field = request.sort.removeprefix("-")
        if field not in sortable:
            raise Invalid(f"cannot sort by '{field}'", {"sort": [f"one of: {', '.join(sortable)}"]})
        column = getattr(model, field)
        stmt = stmt.order_by(column.desc() if request.sort.startswith("-") else column.asc())
    # The id keeps pages stable when the sort key has ties.
    stmt = stmt.order_by(model.id.desc() if (request.sort or "").startswith("-") else model.id)
    total = int(total or 0)
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
