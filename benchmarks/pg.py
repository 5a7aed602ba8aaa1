"""A scratch PostgreSQL database for the benchmarks that need a real server and processes."""

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_database(purpose: str) -> Iterator[str | None]:
    """A new database at BENCH_PG_URL, dropped afterwards; None (and a note) without PostgreSQL."""
    name = f"vigil_{purpose}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        print(f"{purpose}: skipped, no PostgreSQL at BENCH_PG_URL ({error.orig})", file=sys.stderr)
        admin.dispose()
        yield None
        return
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def pg_or_sqlite(purpose: str) -> Iterator[tuple[str, str]]:
    """A scratch PostgreSQL database when there is one to use, else a SQLite file: (url, what)."""
    with scratch_database(f"{purpose}_pg") as url:
        if url is not None:
            yield url, "PostgreSQL"
            return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{os.path.join(folder, purpose + '.db')}", "SQLite file"
