"""Schemas and helpers every resource shares."""

from typing import Any

import marshmallow as ma
from sqlalchemy import Select
from sqlalchemy.orm import Session

from server.domain.services.listing import PageRequest, fetch_page

# Passed to blp.paginate: lists default to 50 items a page and never exceed 200.
PAGING = {"page_size": 50, "max_page_size": 200}


class ListArgs(ma.Schema):
    """Query arguments common to every list: search text, active flag and sort order."""

    q = ma.fields.String(
        validate=ma.validate.Length(max=200), metadata={"description": "Text to look for"}
    )
    active = ma.fields.Boolean(metadata={"description": "Only active (true) or inactive (false)"})
    sort = ma.fields.String(
        validate=ma.validate.Length(max=50),
        metadata={"description": "A field name; prefix '-' for descending"},
    )


class RegistrySchema(ma.Schema):
    """Fields every registry object has."""

    id = ma.fields.Integer(dump_only=True)
    active = ma.fields.Boolean(metadata={"description": "False once deactivated"})
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


def paginated(
    session: Session,
    stmt: Select[Any],
    model: Any,
    args: dict[str, Any],
    pagination_parameters: Any,
    sortable: tuple[str, ...],
) -> list[Any]:
    """Run a list query for one page and tell flask-smorest the total for X-Pagination."""
    request = PageRequest(
        page=pagination_parameters.page,
        page_size=pagination_parameters.page_size,
        sort=args.get("sort"),
    )
    items, total = fetch_page(session, stmt, model, request, sortable)
    pagination_parameters.item_count = total
    return items


def name_field(**kwargs: Any) -> ma.fields.String:
    """A required display name (often Chinese), trimmed and non-empty."""
    return ma.fields.String(validate=ma.validate.Length(min=1, max=200), **kwargs)
