"""Asset limit and reading schemas."""

import marshmallow as ma

from server.api.common import Id, QueryArgs, Schema
from server.api.fields import Instant, Int, Text

_RANGE = {"description": "[low, high]; either may be null; null keeps the template's range"}


def _range() -> ma.fields.List:
    return ma.fields.List(
        ma.fields.Float(allow_none=True, allow_nan=False),
        allow_none=True,
        validate=ma.validate.Length(equal=2),
        metadata=_RANGE,
    )


class LimitSchema(Schema):
    """An asset's own limits for one item, over the template's."""

    item_key = Text(dump_only=True)
    asset_id = Id(dump_only=True)
    normal = _range()
    warning = _range()
    critical = _range()
    note = Text(
        validate=ma.validate.Length(max=2000),
        metadata={"example": "TBEA SCB13 manual: alarm 130 °C, trip 150 °C"},
    )
    updated_at = Instant(dump_only=True)


class SeriesArgs(QueryArgs):
    """Which item, over which range, at most how many points."""

    item = Text(required=True, validate=ma.validate.Length(min=1, max=40))
    since = Instant(required=True)
    until = Instant(required=True)
    points = Int(
        load_default=500,
        validate=ma.validate.Range(10, 1000),
        metadata={"description": "More readings than this come back as time buckets"},
    )


class ReadingSchema(Schema):
    """One reading."""

    at = Instant()
    value = ma.fields.Float()
    level = Text(allow_none=True)
    record_id = Id()


class BucketSchema(Schema):
    """A stretch of time thinned to one point: its range of values and its worst level."""

    start = Instant()
    end = Instant()
    count = Int()
    min = ma.fields.Float()
    max = ma.fields.Float()
    mean = ma.fields.Float()
    last = ma.fields.Float()
    level = Text(allow_none=True)


class SeriesSchema(Schema):
    """An item's readings: each one, or time buckets when there are more than asked for."""

    asset_id = Id()
    item = Text()
    count = Int()
    readings = ma.fields.List(ma.fields.Nested(ReadingSchema))
    buckets = ma.fields.List(ma.fields.Nested(BucketSchema))


class ExportArgs(QueryArgs):
    """The range to export."""

    since = Instant(required=True)
    until = Instant(required=True)
