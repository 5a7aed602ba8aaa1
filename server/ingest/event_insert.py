"""Insert a batch of device events in one statement that skips any already stored."""

import json
from datetime import datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any

import psycopg
from sqlalchemy import JSON, Connection, Dialect

from server.db import UTCDateTime
from server.domain.models import DeviceEvent

_TABLE = DeviceEvent.__table__
# Every column ingest fills: all but the key and the evaluator's own mark.
_COLUMNS = tuple(c.name for c in _TABLE.c if c.name not in {"id", "evaluated_at"})
_VALUES = itemgetter(*_COLUMNS)
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def insert_new(connection: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Store rows unless (device_id, uuid) exists; return {uuid: id} of those stored now."""
    if not rows:
        return {}
    dialect = connection.dialect
    # One multi-row VALUES with driver-ready parameters: SQLAlchemy's per-row parameter
    # processing cost more than the insert itself. A batch is at most 500 events, so the
    # parameters stay far below SQLite's and PostgreSQL's limits.
    conversions = _conversions(dialect)
    params: list[Any] = []
    for row in rows:
        values = list(_VALUES(row))
        for index, convert in conversions:
            values[index] = convert(values[index])
        params.extend(values)
    if dialect.name != "postgresql":
        result = connection.exec_driver_sql(_statement("?", len(rows)), tuple(params))
        return {uuid: event_id for event_id, uuid in result}
    # psycopg scans a %s statement for its placeholders on every call once it has over 50
    # parameters (it caches only smaller ones), which cost more than the insert. A RawCursor
    # sends PostgreSQL's own $n placeholders untouched; SQLAlchemy still runs, logs and
    # wraps the statement, through a cursor of that kind.
    driver = connection.connection.dbapi_connection
    factory, driver.cursor_factory = driver.cursor_factory, psycopg.RawCursor
    try:
        result = connection.exec_driver_sql(_statement("$", len(rows)), tuple(params))
        return {uuid: event_id for event_id, uuid in result}
    finally:
        driver.cursor_factory = factory


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


@cache
def _statement(mark: str, count: int) -> str:
    """The insert for count rows; mark is "?" (SQLite) or "$" (PostgreSQL's numbered $1...)."""
    width = len(_COLUMNS)
    rows = []
    for row in range(count):
        if mark == "$":
            marks = [f"${row * width + n}" for n in range(1, width + 1)]
        else:
            marks = [mark] * width
        rows.append("(" + ", ".join(marks) + ")")
    # Only the table's own names and placeholders go into the text; every value is a parameter.
    return (
        f"INSERT INTO {_TABLE.name} ({', '.join(_COLUMNS)}) VALUES {', '.join(rows)} "  # noqa: S608
        "ON CONFLICT (device_id, uuid) DO NOTHING RETURNING id, uuid"
    )
