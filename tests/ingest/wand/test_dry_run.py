"""A dry run shows the columns, the first reads and the counts, and stores nothing."""

import pytest

from server.domain.actor import Role
from tests.ingest.wand.uploads import HEADER, READS, counts, post, upload
from tests.wand_exports import text

GUARDED = ("Wand", "Tag ID", "Time", "Guard")


@pytest.fixture
def stored(client, supervisor, site, checkpoints, guard):
    """Two of the night's reads, imported before the guard was known."""
    upload(client, supervisor, site, text(HEADER, READS[:2]))


def evening(n_new=10):
    """The night again with its guard, ten new reads (one of an unknown chip), a bad row."""
    rows = [(*row, "张伟") for row in READS[:2]]
    rows += [
        ("WAND-7", "01000000AAAA0003", f"2026/11/22 22:{m:02}:00", "张伟") for m in range(n_new - 1)
    ]
    rows += [
        ("WAND-7", "0100000099990009", "2026/11/22 23:00:00", ""),
        ("WAND-7", "01AA", "soon", ""),
    ]
    return text(GUARDED, rows)


def test_a_dry_run_reports_what_the_import_would_do_and_stores_nothing(
    client, supervisor, site, stored, guard, db
):
    before = counts(db)
    dry = upload(client, supervisor, site, evening(), dry_run="true")
    assert counts(db) == before
    assert dry["dry_run"] is True
    assert dry["mapping"]["tag"] == {"column": 2, "header": "Tag ID", "found_by": "header"}
    assert dry["mapping"]["guard"]["header"] == "Guard"
    assert len(dry["preview"]) == 10
    assert dry["preview"][0] == {
        "line": 2,
        "wand": "WAND-7",
        "tag": "01-0000-00AA-AA00-01",
        "time": "2026-11-21T22:03:10",
        "guard": "张伟",
        "checkpoint": None,
    }
    expected = {"imported": 10, "duplicates": 0, "completed": 2, "conflicts": 0}
    assert {k: dry[k] for k in expected} == expected
    assert dry["unmatched"] == [{"line": 13, "tag": "0100000099990009", "checkpoint": None}]
    assert dry["bad_rows"] == [{"line": 14, "reason": "unreadable time 'soon'"}]
    real = upload(client, supervisor, site, evening())
    assert real == dry | {"dry_run": False}
    assert counts(db)["DeviceEvent"] == before["DeviceEvent"] + 10


def test_a_dry_run_of_a_new_wand_creates_no_device_and_no_audit(
    client, supervisor, site, checkpoints, db
):
    before = counts(db)
    report = upload(client, supervisor, site, text(HEADER, READS), dry_run="true")
    assert (report["imported"], report["wands"]) == (3, ["WAND-7"])
    assert counts(db) == before


def test_a_dry_run_is_refused_as_the_import_is(client, make, org, site, checkpoints):
    guard = make.auth(make.user(org, Role.GUARD, [site]))
    assert post(client, guard, site, text(HEADER, READS), dry_run="true").status_code == 403
    supervisor = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    unusable = post(client, supervisor, site, b"a,b\n1,2\n", dry_run="true")
    assert unusable.status_code == 422 and "cannot tell which column" in unusable.json["message"]
