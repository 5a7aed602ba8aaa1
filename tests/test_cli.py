"""Commands a newcomer and an operator run: init, create-org, demo, the worker."""

import json
import re

from sqlalchemy import func, select

from server import create_app, settings
from server.domain.models import (
    Round,
)
from server.settings import TEST_OVERRIDES
from server.testing.factories import Factory
from tests.conftest import log_in, run


def test_first_init_creates_an_admin_whose_printed_password_works(fresh_app):
    output = run(fresh_app, "init")
    password = re.search(r"password: (\S+)", output).group(1)
    response = log_in(fresh_app, "admin", password)
    assert response.status_code == 201
    assert response.json["user"]["is_superuser"] is True
    again = run(fresh_app, "init")
    assert "password" not in again and "Database ready." in again


def test_create_org_makes_a_tenant_and_its_admin(fresh_app):
    run(fresh_app, "init")
    output = run(fresh_app, "create-org", "绿城物业", "--admin-login", "LC.Admin")
    password = re.search(r"password: (\S+)", output).group(1)
    assert log_in(fresh_app, "lc.admin", password).status_code == 201
    result = fresh_app.test_cli_runner().invoke(
        args=["create-org", "绿城物业", "--admin-login", "x"]
    )
    assert result.exit_code != 0 and "already exists" in result.output


def test_test_settings_only_lower_the_hashing_cost_and_fix_the_secret():
    assert set(TEST_OVERRIDES) == {
        "ARGON2_TIME_COST",
        "ARGON2_MEMORY_KIB",
        "ARGON2_PARALLELISM",
        "SECRET_KEY",
    }


def test_init_on_a_fresh_checkout_creates_the_default_sqlite_database(tmp_path, monkeypatch):
    instance = tmp_path / "checkout" / "instance"
    monkeypatch.setattr(settings, "INSTANCE", instance)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"LOG_LEVEL": "WARNING"} | TEST_OVERRIDES)
    try:
        assert "login:    admin" in run(app, "init")
    finally:
        app.extensions["vigil"].engine.dispose()
    assert (instance / "vigil.db").is_file()


def test_the_worker_makes_the_next_48_hours_of_rounds_once(fresh_app):
    run(fresh_app, "init")
    with fresh_app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        site = make.site(make.org())
        make.schedule(make.route([make.checkpoint(site)]), rrule="FREQ=HOURLY;INTERVAL=6")
        session.commit()
    first = json.loads(run(fresh_app, "vigil", "worker", "--once"))
    assert first["rounds_made"] == 8  # every 6 hours for 48 hours
    assert json.loads(run(fresh_app, "vigil", "worker", "--once"))["rounds_made"] == 0
    with fresh_app.extensions["vigil"].sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(Round)) == 8
