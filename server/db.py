"""Engine, session factory, declarative base and the column types every model shares."""

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, create_engine, event
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
