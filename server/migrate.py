"""Alembic, driven from code: `flask init` and the tests upgrade the same way."""

from alembic import command
from alembic.config import Config

from server.settings import ROOT


def alembic_config(database_url: str) -> Config:
    """An Alembic config for migrations/ against database_url."""
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema to revision."""
    command.upgrade(alembic_config(database_url), revision)
