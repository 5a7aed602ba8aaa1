"""Schemas and helpers every resource shares."""

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from sqlalchemy import Select
from sqlalchemy.orm import Session

from device_protocol.text import UNSTORABLE, first_unstorable
from server.api.fields import Bool, Instant, Int, Text
from server.api.names import NameOf, name_all
from server.domain.listing import PageRequest, fetch_page
from server.http.converters import MAX_ID

# The most sites one person or handheld may be given (a large estate has a few hundred).
MAX_SITES = 1000


def Id(**kwargs: Any) -> ma.fields.Integer:
    """An integer field holding an object's id."""
    return Int(validate=ma.validate.Range(1, MAX_ID), **kwargs)


class Schema(ma.Schema):
    """Base of every Vigil schema: refuses text no database can store (NUL, lone surrogates)."""

    @ma.pre_load
    def _refuse_unstorable(self, data: Any, **_kwargs: Any) -> Any:
        where = first_unstorable(data)
        if where is not None:
            raise ma.ValidationError(
                f"text may not contain {UNSTORABLE}", field_name=where or "_schema"
            )
        return data

    @ma.pre_dump(pass_collection=True)
    def _name_people_and_handhelds(self, data: Any, many: bool, **_kwargs: Any) -> Any:
        name_all(self, data, many)
        return data


class QueryArgs(Schema):
    """A schema read from text (a query string or a multipart form): Bool reads "true", "false"."""

    FROM_TEXT = True


def attributes(obj: Any, schema: type[ma.Schema], *computed: str) -> dict[str, Any]:
    """obj's values for the fields of schema, as a dict to add computed fields to before the
    response schema dumps it; names (NameOf) and the computed fields are left to that dump."""
    return {
        name: getattr(obj, name)
        for name, field in schema().fields.items()
        if name not in computed and not isinstance(field, NameOf)
    }


# Passed to blp.paginate: lists default to 50 items a page and never exceed 200.
PAGING = {"page_size": 50, "max_page_size": 200}


def patch_schema(schema: type[ma.Schema]) -> ma.Schema:
    """The schema for a PATCH: any of its fields may be left out, but a list or object that is
    sent is checked whole (partial=True would also excuse what its items require)."""
    return schema(partial=tuple(schema._declared_fields))


class ListArgs(QueryArgs):
    """Query arguments common to every list: search text, active flag and sort order."""

    q = Text(validate=ma.validate.Length(max=200), metadata={"description": "Text to look for"})
    active = Bool(metadata={"description": "Only active (true) or inactive (false)"})
    sort = Text(
        validate=ma.validate.Length(max=50),
        metadata={
            "description": "A field name, or several separated by commas (the first decides);"
            " prefix '-' for descending"
        },
    )


class RegistrySchema(Schema):
    """Fields every registry object has."""

    id = Id(dump_only=True)
    active = Bool(metadata={"description": "False once deactivated"})
    created_at = Instant(dump_only=True)
    updated_at = Instant(dump_only=True)


def paginated(
    session: Session,
    stmt: Select[Any],
    model: Any,
    args: dict[str, Any],
    pagination_parameters: Any,
    sortable: tuple[str, ...] | Mapping[str, Any],
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
    return Text(validate=ma.validate.Length(min=1, max=200), **kwargs)
