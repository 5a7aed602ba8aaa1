"""Asset limit and reading schemas."""

import marshmallow as ma

from server.api.common import Id, Schema

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

    item_key = ma.fields.String(dump_only=True)
    asset_id = Id(dump_only=True)
    normal = _range()
    warning = _range()
    critical = _range()
    note = ma.fields.String(
        validate=ma.validate.Length(max=2000),
        metadata={"example": "TBEA SCB13 manual: alarm 130 °C, trip 150 °C"},
    )
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class SeriesArgs(Schema):
    """Which item, over which range, at most how many points."""

    item = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    since = ma.fields.AwareDateTime(required=True)
    until = ma.fields.AwareDateTime(required=True)
    points = ma.fields.Integer(
        load_default=500,
        validate=ma.validate.Range(10, 1000),
        metadata={"description": "More readings than this come back as time buckets"},
    )


class ReadingSchema(Schema):
    """One reading."""

    at = ma.fields.AwareDateTime()
    value = ma.fields.Float()
    level = ma.fields.String(allow_none=True)
    record_id = Id()


class BucketSchema(Schema):
    """A stretch of time thinned to one point: its range of values and its worst level."""

    start = ma.fields.AwareDateTime()
    end = ma.fields.AwareDateTime()
    count = ma.fields.Integer()
    min = ma.fields.Float()
    max = ma.fields.Float()
    mean = ma.fields.Float()
    last = ma.fields.Float()
    level = ma.fields.String(allow_none=True)


class SeriesSchema(Schema):
    """An item's readings: each one, or time buckets when there are more than asked for."""

    asset_id = Id()
    item = ma.fields.String()
    count = ma.fields.Integer()
    readings = ma.fields.List(ma.fields.Nested(ReadingSchema))
    buckets = ma.fields.List(ma.fields.Nested(BucketSchema))


class ExportArgs(Schema):
    """The range to export."""

    since = ma.fields.AwareDateTime(required=True)
    until = ma.fields.AwareDateTime(required=True)
