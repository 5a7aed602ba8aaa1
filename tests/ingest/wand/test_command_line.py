"""`flask import-wand`: the same import, dry run and errors, committed for real."""

import json

import pytest
from sqlalchemy import func, select

from server import migrate
from server.domain.actor import Role
from server.domain.models import Device, DeviceEvent
from server.testing.factories import Factory
from tests.conftest import make_test_app
from tests.ingest.wand.uploads import READS
from tests.wand_exports import text, workbook


@pytest.fixture
def cli(fresh_database_url):
    """An app on a database of its own, a site with a checkpoint, and a guard."""
    migrate.upgrade(fresh_database_url)
    app = make_test_app(fresh_database_url)
    with app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        org = make.org()
        site = make.site(org)
        make.chip(make.checkpoint(site), "01000000AAAA0001")
        make.user(org, Role.GUARD, [site], name="张伟", login="zw1023")
        session.commit()
        app.config["WAND_TEST_SITE"] = site.id  # where run() imports
    yield app
    app.extensions["vigil"].engine.dispose()


def run(app, path, *options):
    result = app.test_cli_runner().invoke(
        args=["import-wand", str(path), "--site-id", str(app.config["WAND_TEST_SITE"]), *options]
    )
    return result.exit_code, result.output


def stored(app):
    with app.extensions["vigil"].sessionmaker() as session:
        return (
            session.scalar(select(func.count()).select_from(DeviceEvent)),
            session.scalar(select(func.count()).select_from(Device)),
            session.scalar(
                select(func.count())
                .select_from(DeviceEvent)
                .where(DeviceEvent.user_id.is_not(None))
            ),
        )


def test_the_command_line_import_is_the_same_and_safe_to_run_again(cli, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(text(("Wand", "Tag ID", "Time"), READS[:1]))
    first, output = run(cli, path)
    assert first == 0 and json.loads(output)["imported"] == 1
    second, output = run(cli, path)
    assert second == 0 and json.loads(output)["duplicates"] == 1
    assert stored(cli) == (1, 1, 0)


def test_a_dry_run_prints_the_report_and_commits_nothing(cli, tmp_path):
    path = tmp_path / "巡更记录.xlsx"
    path.write_bytes(
        workbook(("卡号", "时间", "保安"), [("01000000AAAA0001", "2026-11-21 22:03:10", "zw1023")])
    )
    code, output = run(cli, path, "--wand-serial", "W-XL", "--dry-run")
    report = json.loads(output)
    assert code == 0 and (report["dry_run"], report["imported"]) == (True, 1)
    assert report["mapping"]["guard"]["header"] == "保安"
    assert report["preview"][0]["tag"] == "01000000AAAA0001"
    assert stored(cli) == (0, 0, 0)
    code, output = run(cli, path, "--wand-serial", "W-XL", "--guard-column", "3")
    assert code == 0 and json.loads(output)["dry_run"] is False
    assert stored(cli) == (1, 1, 1)


def test_a_file_it_cannot_read_names_the_headers_and_the_options_to_pass(cli, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(text(("序号", "巡更点", "班次"), [("1", "北门", "夜班")], "gbk"))
    code, output = run(cli, path)
    assert code == 1
    assert "the header has: 序号, 巡更点, 班次" in output
    for option in ("--tag-column", "--time-column", "--wand-serial"):
        assert f"  {option}: " in output
