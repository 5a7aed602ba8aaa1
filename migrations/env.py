"""Alembic environment: Vigil's metadata, batch mode so SQLite can alter tables."""

from alembic import context
from sqlalchemy import pool

import server.domain.models  # noqa: F401  (registers every table on Base.metadata)
from server import settings
from server.db import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or settings.load()["DATABASE_URL"]


def run_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # Batch mode rebuilds a table to add a foreign key to it; with foreign keys on,
            # dropping the old table fails while others refer to it. The pragma only works
            # outside a transaction, so it goes to the driver before Alembic begins one.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
