"""Alembic migrations build the schema the models describe, from nothing and from every revision."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import server.domain.models  # noqa: F401
from server.db import Base, make_engine
from server.migrate import alembic_config, upgrade
from tests.databases import create_database, drop_database

REVISIONS = [
    r.revision
    for r in reversed(list(ScriptDirectory.from_config(alembic_config("")).walk_revisions()))
]


def schema_drift(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    return diff


def test_models_and_migrations_agree(database_url):
    assert schema_drift(database_url) == []


@pytest.mark.parametrize("start", ["base", *REVISIONS[:-1]])
def test_upgrade_to_head_from_every_earlier_revision(tmp_path, start):
    url = create_database(tmp_path)
    try:
        if start != "base":
            upgrade(url, start)
        upgrade(url)
        assert schema_drift(url) == []
    finally:
        drop_database(url)


def test_downgrade_to_base_and_back(fresh_database_url):
    upgrade(fresh_database_url)
    command.downgrade(alembic_config(fresh_database_url), "base")
    upgrade(fresh_database_url)
    assert schema_drift(fresh_database_url) == []
