"""On SQLite, readers never queue behind a writer, and a writer kept waiting gets a 503."""

import sqlite3

import pytest

from server import migrate
from server.domain.actor import Role
from server.testing.factories import Factory
from tests.conftest import make_test_app


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "locking.db"
    migrate.upgrade(f"sqlite:///{path}")
    app = make_test_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=200)
    with app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        org = make.org()
        headers = make.auth(make.user(org, Role.ADMIN))
        make.site(org)
        session.commit()
    yield app, path, headers
    app.extensions["vigil"].engine.dispose()


@pytest.fixture
def writer_holding_the_lock(sqlite_app):
    _, path, _ = sqlite_app
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield
    other.execute("ROLLBACK")
    other.close()


def test_reads_go_on_while_another_process_writes(sqlite_app, writer_holding_the_lock):
    app, _, headers = sqlite_app
    response = app.test_client().get("/api/v1/sites", headers=headers)
    assert response.status_code == 200 and len(response.json) == 1


def test_a_write_that_cannot_get_the_lock_answers_503(sqlite_app, writer_holding_the_lock):
    app, _, headers = sqlite_app
    response = app.test_client().post(
        "/api/v1/sites", json={"name": "S", "timezone": "UTC"}, headers=headers
    )
    assert response.status_code == 503
    assert response.json["code"] == 503 and response.headers["Retry-After"] == "1"
