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
