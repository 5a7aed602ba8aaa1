"""Insert a batch of device events in one statement that skips any already stored."""

import json
from datetime import datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Dialect

from server.db import UTCDateTime, insert_values
from server.domain.models import DeviceEvent

_TABLE = DeviceEvent.__table__
# Every column ingest fills: all but the key and the evaluator's own mark.
_COLUMNS = tuple(c.name for c in _TABLE.c if c.name not in {"id", "evaluated_at"})
_VALUES = itemgetter(*_COLUMNS)
_ON_CONFLICT = "ON CONFLICT (device_id, uuid) DO NOTHING RETURNING id, uuid"
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def insert_new(connection: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Store rows unless (device_id, uuid) exists; return {uuid: id} of those stored now."""
    if not rows:
        return {}
    # One multi-row VALUES with driver-ready parameters: SQLAlchemy's per-row parameter
    # processing cost more than the insert itself. A batch is at most 500 events, so the
    # parameters stay far below SQLite's and PostgreSQL's limits.
    conversions = _conversions(connection.dialect)
    params: list[Any] = []
    for row in rows:
        values = list(_VALUES(row))
        for index, convert in conversions:
            values[index] = convert(values[index])
        params.extend(values)
    result = insert_values(connection, _TABLE.name, _COLUMNS, len(rows), params, _ON_CONFLICT)
    return {uuid: event_id for event_id, uuid in result}


@cache
def _conversions(dialect: Dialect) -> tuple[tuple[int, Any], ...]:
    """(column index, conversion) for the columns the driver cannot take as they are."""
    process_time = _TABLE.c.received_at.type.bind_processor(dialect)

    # The column type's own conversion, so rows read back exactly as ORM-written ones.
    # A batch shares its receipt time and often repeats device times: convert each once.
    @lru_cache(maxsize=2048)
    def time(value: datetime) -> Any:
        return process_time(value) if process_time else value

    def document(value: Any) -> str:
        return "[]" if value == [] else _encode_json(value)

    return tuple(
        (index, time if isinstance(column.type, UTCDateTime) else document)
        for index, column in enumerate(_TABLE.c[name] for name in _COLUMNS)
        if isinstance(column.type, UTCDateTime | JSON)
    )
