"""Fixtures: one migrated database per run, one rolled-back transaction per test."""

import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server import create_app, migrate
from server.domain.actor import Role
from server.domain.clock import reset_clock
from server.settings import TEST_OVERRIDES
from server.testing.factories import Factory
from tests.databases import create_database, drop_database
from tests.world import World, build_world


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The run's database, migrated to head with Alembic (the real upgrade path)."""
    url = create_database(tmp_path_factory.mktemp("db"))
    migrate.upgrade(url)
    yield url
    drop_database(url)


@pytest.fixture
def fresh_database_url(tmp_path: Any) -> Iterator[str]:
    """An empty database of its own, for tests that commit for real (CLI, servers, migrations)."""
    url = create_database(tmp_path)
    yield url
    drop_database(url)


def make_test_app(database_url: str, **config: Any) -> Flask:
    """An app configured for tests: cheap password hashing, quiet logs."""
    return create_app(
        {
            "DATABASE_URL": database_url,
            "TESTING": True,
            "LOG_LEVEL": "WARNING",
            "PHOTO_DIR": tempfile.mkdtemp(prefix="vigil-photos-"),
        }
        | TEST_OVERRIDES
        | config
    )


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    """The app every API test talks to."""
    app = make_test_app(database_url)
    yield app
    app.extensions["vigil"].engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; requests join it."""
    vigil = app.extensions["vigil"]
    connection = vigil.engine.connect()
    outer = connection.begin()
    vigil.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    session = vigil.sessionmaker()
    yield session
    session.close()
    outer.rollback()
    connection.close()
    vigil.sessionmaker.configure(bind=vigil.engine, join_transaction_mode="conservative_savepoint")
    reset_clock()


@pytest.fixture
def client(app: Flask, db: Session) -> FlaskClient:
    """A test client whose requests see (and roll back with) the test's data."""
    return app.test_client()


@pytest.fixture
def make(db: Session) -> Factory:
    """Factories for objects with sane defaults: make.site(org), make.user(org, role=...)."""
    return Factory(db)


@pytest.fixture
def world(make: Factory, app: Flask) -> "World":
    """Tenant A (sites A1, A2) and tenant B (site B1), with every role in A1."""
    return build_world(make, app.extensions["vigil"].blobs)


# The usual cast: one tenant, its site 湖畔花园 (Asia/Shanghai), and request headers for people.
@pytest.fixture
def org(make: Factory) -> Any:
    return make.org()


@pytest.fixture
def site(make: Factory, org: Any) -> Any:
    return make.site(org, name="湖畔花园")


@pytest.fixture
def admin(make: Factory, org: Any) -> dict[str, str]:
    """Headers of an admin of org."""
    return make.auth(make.user(org, Role.ADMIN))


@pytest.fixture
def supervisor(make: Factory, org: Any, site: Any) -> dict[str, str]:
    """Headers of a supervisor of site."""
    return make.auth(make.user(org, Role.SUPERVISOR, [site]))


@pytest.fixture
def fresh_app(fresh_database_url: str) -> Iterator[Flask]:
    """An app on an empty database of its own, for commands and what they commit."""
    app = make_test_app(fresh_database_url)
    yield app
    app.extensions["vigil"].engine.dispose()


def run(app: Flask, *args: str) -> str:
    """Run a flask command as an operator would; it must succeed. Its output."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def log_in(app: Flask, login: str, password: str) -> Any:
    """POST /api/v1/auth/token."""
    return app.test_client().post("/api/v1/auth/token", json={"login": login, "password": password})
