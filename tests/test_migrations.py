"""Alembic migrations build the schema the models describe, from nothing and from every revision."""

from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

import server.domain.models  # noqa: F401
from server.db import Base, make_engine
from server.migrate import alembic_config, upgrade
from tests.databases import create_database, drop_database

NOW = datetime(2026, 1, 1, tzinfo=UTC)
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


def seed_registry(url: str) -> None:
    """Rows in the first revision's schema, so later migrations upgrade data, not empty tables."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (id, name, active, created_at, updated_at) "
                "VALUES (1, 'Org', true, :t, :t)"
            ),
            {"t": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO sites (id, org_id, name, address, timezone, active, "
                "created_at, updated_at) VALUES (1, 1, 'Site', '', 'UTC', true, :t, :t)"
            ),
            {"t": NOW},
        )
        for n in (1, 2):
            conn.execute(
                text(
                    "INSERT INTO assets (id, org_id, site_id, kind, name, make, model, "
                    "serial_number, ratings, active, created_at, updated_at) VALUES "
                    "(:n, 1, 1, 'generator', 'G', '', '', '', '[]', true, :t, :t)"
                ),
                {"n": n, "t": NOW},
            )
        conn.execute(
            text(
                "INSERT INTO devices (id, org_id, serial, label, active, created_at, updated_at) "
                "VALUES (1, 1, 'HT-1', '', true, :t, :t)"
            ),
            {"t": NOW},
        )
    engine.dispose()


@pytest.mark.parametrize("start", ["base", *REVISIONS[:-1]])
def test_upgrade_to_head_from_every_earlier_revision(tmp_path, start):
    url = create_database(tmp_path)
    try:
        if start != "base":
            upgrade(url, REVISIONS[0])
            seed_registry(url)
            upgrade(url, start)
        upgrade(url)
        assert schema_drift(url) == []
        if start != "base":
            engine = make_engine(url)
            with engine.connect() as conn:
                codes = conn.execute(text("SELECT code FROM assets ORDER BY id")).scalars().all()
            engine.dispose()
            assert codes == ["A1", "A2"]
    finally:
        drop_database(url)


def test_downgrade_to_base_and_back(fresh_database_url):
    upgrade(fresh_database_url)
    command.downgrade(alembic_config(fresh_database_url), "base")
    upgrade(fresh_database_url)
    assert schema_drift(fresh_database_url) == []
