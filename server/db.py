"""Engine, session factory, declarative base, the column types every model shares, and the
few statements that speak to one driver or dialect directly."""

import enum
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import psycopg
from sqlalchemy import (
    ARRAY,
    Connection,
    CursorResult,
    DateTime,
    Enum,
    Integer,
    MetaData,
    any_,
    create_engine,
    event,
    literal,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Vigil stores only timezone-aware instants")
        value = value.astimezone(UTC)
        # SQLite would keep the wall-clock digits and drop the offset; store plain UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def insert_new_only(session: Session, model: Any, *keys: str) -> Any:
    """INSERT that skips rows whose unique keys exist (ON CONFLICT DO NOTHING), on either engine."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing(index_elements=list(keys))


def among(session: Session, column: Any, ids: Iterable[int]) -> Any:
    """`column IN ids`; on PostgreSQL `column = ANY(array)`: one statement text whatever the
    count, so psycopg parses it once and PostgreSQL may prepare it (a long IN list is a new
    text each time, scanned again by psycopg once over 50 parameters)."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(ids), ARRAY(Integer)))
    return column.in_(list(ids))


def insert_values(
    connection: Connection,
    table: str,
    columns: tuple[str, ...],
    rows: int,
    params: list[Any],
    tail: str = "",
) -> CursorResult[Any]:
    """A multi-row INSERT of driver-ready parameters (row after row), then tail.

    For hot bulk paths (a sync batch) where SQLAlchemy's per-row parameter processing costs
    more than the insert: the caller converts values as the column types would.
    """
    statement = _values_statement(connection.dialect.name, table, columns, rows, tail)
    if connection.dialect.name != "postgresql":
        return connection.exec_driver_sql(statement, tuple(params))
    # psycopg scans a %s statement for its placeholders on every call once it has over 50
    # parameters (it caches only smaller ones), which cost more than the insert. A RawCursor
    # sends PostgreSQL's own $n placeholders untouched; SQLAlchemy still runs, logs and
    # wraps the statement, through a cursor of that kind.
    driver = connection.connection.dbapi_connection
    factory, driver.cursor_factory = driver.cursor_factory, psycopg.RawCursor  # type: ignore[union-attr]
    try:
        return connection.exec_driver_sql(statement, tuple(params))
    finally:
        driver.cursor_factory = factory  # type: ignore[union-attr]


@cache
def _values_statement(
    dialect: str, table: str, columns: tuple[str, ...], rows: int, tail: str
) -> str:
    """The INSERT text: SQLite's ? placeholders, or PostgreSQL's numbered $1, $2..."""
    width = len(columns)
    groups = []
    for row in range(rows):
        if dialect == "postgresql":
            marks = [f"${row * width + n}" for n in range(1, width + 1)]
        else:
            marks = ["?"] * width
        groups.append("(" + ", ".join(marks) + ")")
    # Only names the caller owns and placeholders go into the text; every value is a parameter.
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(groups)} {tail}"  # noqa: S608
    ).strip()


def str_enum(cls: type[enum.Enum], length: int) -> Enum:
    """A Python enum stored as its values in a VARCHAR: no database enum type to migrate."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class Base(DeclarativeBase):
    """Declarative base for every Vigil table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's documented recipe: SQLAlchemy, not pysqlite, decides when to BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return on_connect


# Execution option marking a session that only reads (GET requests): see _sqlite_on_begin.
READS_ONLY = "vigil_reads_only"


def _sqlite_on_begin(conn: Any) -> None:
    # A writer takes the lock up front: a deferred transaction that later writes can fail with
    # SQLITE_BUSY at once, which busy_timeout cannot cure. Readers need no lock under WAL, so
    # they begin deferred and never queue behind writers.
    reads_only = conn.get_execution_options().get(READS_ONLY)
    conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")


def make_engine(url: str, sqlite_busy_timeout_ms: int = 5000, **kwargs: Any) -> Engine:
    """Create an engine with the settings Vigil relies on for the URL's backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(sqlite_busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    options: dict[str, Any] = {"pool_pre_ping": True}
    if "poolclass" not in kwargs:
        # Per process; keep (processes x 10) under PostgreSQL's max_connections.
        options.update(pool_size=5, max_overflow=5, pool_recycle=1800, pool_timeout=10)
    options.update(kwargs)
    return create_engine(url, **options)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit, for serialising responses."""
    return sessionmaker(bind=engine, expire_on_commit=False)
