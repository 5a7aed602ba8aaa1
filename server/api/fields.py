"""The API's field types: what a request may carry, bounded so no value can reach a 500.

Every schema uses these instead of marshmallow's own String, Integer, Boolean and AwareDateTime
(a test walks the OpenAPI document to keep it so). Each one carries its limit into the document:
strings have a maximum length, integers fit 64 bits, instants fall in a range every clock and
database can hold, booleans are JSON's true and false.
"""

from datetime import UTC, datetime
from typing import Any

import marshmallow as ma

# The widest integer the databases store (BIGINT); anything larger is a client's mistake.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# Text with no smaller limit of its own (notes, instructions, descriptions).
TEXT_MAX = 4000
# Instants a request may name, in UTC: room on both sides for a day's or a year's arithmetic
# (a filter's site-local day, a schedule's horizon) without leaving what datetime can hold.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def _has(validators: Any, kind: type) -> bool:
    if validators is None:
        return False
    items = validators if isinstance(validators, list | tuple) else [validators]
    return any(isinstance(v, kind) for v in items)


def _with(validators: Any, extra: Any) -> list[Any]:
    items = (
        []
        if validators is None
        else list(validators)
        if isinstance(validators, list | tuple)
        else [validators]
    )
    return [extra, *items]


class Text(ma.fields.String):
    """A string of at most TEXT_MAX characters unless the field says less."""

    def __init__(self, **kwargs: Any) -> None:
        if not _has(kwargs.get("validate"), ma.validate.Length) and not _has(
            kwargs.get("validate"), ma.validate.OneOf
        ):
            kwargs["validate"] = _with(kwargs.get("validate"), ma.validate.Length(max=TEXT_MAX))
        super().__init__(**kwargs)


class Int(ma.fields.Integer):
    """A whole number within 64 bits (or the field's own range); never a boolean or a fraction."""

    def __init__(self, **kwargs: Any) -> None:
        if not _has(kwargs.get("validate"), ma.validate.Range):
            kwargs["validate"] = _with(kwargs.get("validate"), ma.validate.Range(INT_MIN, INT_MAX))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Bool(ma.fields.Boolean):
    """true or false. In a query string or a form, the words 'true' and 'false'; never 0 or 1."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if value is True or value is False:
            return value
        if getattr(self.root, "FROM_TEXT", False) and isinstance(value, str):
            word = value.strip().lower()
            if word in ("true", "false"):
                return word == "true"
        raise self.make_error("invalid")


class Instant(ma.fields.AwareDateTime):
    """A moment with its UTC offset (ISO 8601), between 1900 and 3000 in UTC."""

    default_error_messages = {
        "range": "must be between 1900-01-01 and 3000-01-01 (UTC)",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "iso")
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            in_utc = moment.astimezone(UTC)
        except OverflowError as error:  # year 1 at +05:00 is before year 1 in UTC
            raise self.make_error("range") from error
        if not EARLIEST <= in_utc < LATEST:
            raise self.make_error("range")
        return moment
