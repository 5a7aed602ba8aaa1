"""Throwaway databases for tests: a SQLite file, or a PostgreSQL database created and dropped."""

import os
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def pg_admin_url() -> str | None:
    """TEST_DATABASE_URL: a PostgreSQL URL the tests may create databases through, or None."""
    return os.environ.get("TEST_DATABASE_URL") or None


def create_database(folder: Path) -> str:
    """A new empty database on the engine under test; returns its URL."""
    admin = pg_admin_url()
    if admin is None:
        return f"sqlite:///{folder / f'vigil-{uuid.uuid4().hex[:8]}.db'}"
    name = f"vigil_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by create_database (SQLite files go with their temp folder)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    engine.dispose()
