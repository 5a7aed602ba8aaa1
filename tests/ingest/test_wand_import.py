"""Classic wand exports: read, placed, attributed, and never stored twice."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from server import migrate
from server.domain.actor import Role
from server.domain.models import DeviceEvent
from server.testing.factories import Factory
from tests.conftest import make_test_app


@pytest.fixture
def checkpoints(make, site):
    found = {}
    for uid, name in (
        ("01000000AAAA0001", "北门"),
        ("01000000AAAA0002", "南门"),
        ("01000000AAAA0003", "配电房"),
    ):
        cp = make.checkpoint(site, name=name)
        make.chip(cp, uid)
        found[uid] = cp
    return found


@pytest.fixture
def guard(make, org, site):
    user = make.user(org, Role.GUARD, [site], name="张伟")
    make.chip(user, "01000000BBBB0001")
    return user


EXPORT = [
    ("WAND-7", "01-0000-00BB-BB00-01", "2026/11/21 22:00:05"),  # the guard's own button
    ("WAND-7", "01-0000-00AA-AA00-01", "2026/11/21 22:03:10"),
    ("WAND-7", "01-0000-00AA-AA00-02", "2026/11/21 22:09:44"),
    ("WAND-7", "01-0000-00AA-AA00-03", "2026/11/21 22:15:02"),
]


def csv_bytes(rows, header=("Wand", "Tag ID", "Time"), encoding="utf-8"):
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


def upload(client, headers, site, data, filename="export.csv", **form):
    body = {
        "site_id": str(site.id),
        **{k: str(v) for k, v in form.items()},
        "file": (io.BytesIO(data), filename),
    }
    response = client.post(
        "/api/v1/wand-imports", data=body, headers=headers, content_type="multipart/form-data"
    )
    assert response.status_code == 200, response.json
    return response.json


def scans(db):
    return db.scalars(select(DeviceEvent).order_by(DeviceEvent.corrected_time)).all()


def test_reads_land_on_checkpoints_attributed_to_the_guard_who_pressed_in(
    client, supervisor, site, checkpoints, guard, db
):
    report = upload(client, supervisor, site, csv_bytes(EXPORT))
    assert report | {"unmatched": [], "bad_rows": []} == report
    assert (report["reads"], report["imported"], report["person_reads"], report["wands"]) == (
        4,
        3,
        1,
        ["WAND-7"],
    )
    stored = scans(db)
    assert [e.checkpoint_id for e in stored] == [cp.id for cp in checkpoints.values()]
    assert {e.user_id for e in stored} == {guard.id}
    # 22:03:10 Shanghai is 14:03:10 UTC.
    assert stored[0].corrected_time == datetime(2026, 11, 21, 14, 3, 10, tzinfo=UTC)


def test_the_same_file_twice_and_an_overlapping_later_export_add_nothing_twice(
    client, supervisor, site, checkpoints, guard, db
):
    upload(client, supervisor, site, csv_bytes(EXPORT))
    again = upload(client, supervisor, site, csv_bytes(EXPORT))
    assert (again["imported"], again["duplicates"]) == (0, 3)
    # Wands keep old records: the next download repeats last night and adds tonight.
    later = [
        *EXPORT,
        ("WAND-7", "01-0000-00BB-BB00-01", "2026/11/22 22:00:00"),
        ("WAND-7", "01-0000-00AA-AA00-01", "2026/11/22 22:04:00"),
        ("WAND-7", "01-0000-00AA-AA00-02", "2026/11/22 22:11:00"),
    ]
    overlap = upload(client, supervisor, site, csv_bytes(later))
    assert (overlap["imported"], overlap["duplicates"]) == (2, 3)
    assert len(scans(db)) == 5


def test_the_wand_clock_offset_at_download_corrects_every_read(
    client, supervisor, site, checkpoints, db
):
    upload(client, supervisor, site, csv_bytes(EXPORT[1:2]), clock_offset_seconds=600)
    (event,) = scans(db)
    assert event.device_time == datetime(2026, 11, 21, 14, 3, 10, tzinfo=UTC)
    assert abs(event.corrected_time - (event.device_time + timedelta(minutes=10))) < timedelta(
        seconds=2
    )


def test_chinese_headers_in_gb18030(client, supervisor, site, checkpoints, db):
    data = csv_bytes(EXPORT[1:], header=("巡更棒", "地点钮", "巡检时间"), encoding="gb18030")
    assert upload(client, supervisor, site, data)["imported"] == 3


def test_excel_exports_with_date_cells_and_a_given_wand_serial(
    client, supervisor, site, checkpoints, db
):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["卡号", "刷卡时间"])
    sheet.append(["01000000AAAA0001", datetime(2026, 11, 21, 23, 0, 0)])
    sheet.append(["01000000AAAA0002", datetime(2026, 11, 21, 23, 5, 0)])
    buffer = io.BytesIO()
    book.save(buffer)
    report = upload(
        client, supervisor, site, buffer.getvalue(), filename="巡更记录.xlsx", wand_serial="W-XL"
    )
    assert (report["imported"], report["wands"]) == (2, ["W-XL"])


def test_unknown_tags_and_bad_rows_are_reported_by_line(client, supervisor, site, checkpoints, db):
    rows = [
        EXPORT[1],
        ("WAND-7", "0100000099990009", "2026/11/21 23:00:00"),
        ("WAND-7", "01000000AAAA0002", "yesterday"),
    ]
    report = upload(client, supervisor, site, csv_bytes(rows))
    assert report["imported"] == 2
    assert report["unmatched"] == [{"line": 3, "tag": "0100000099990009"}]
    assert report["bad_rows"] == [{"line": 4, "reason": "unreadable time 'yesterday'"}]
    assert report["flags"] == {"unknown_chip": 1}


@pytest.mark.parametrize(
    "data,filename,message",
    [
        (b"", "empty.csv", "empty"),
        (b"a,b\n1,2\n", "odd.csv", "cannot tell which column"),
        (b"not a zip", "broken.xlsx", "not a readable Excel file"),
        (b'"\\^', "one-column.csv", "cannot tell which column"),  # found by the API fuzzer
        (b'tag,time\n"' + b"x" * 200_000, "unclosed.csv", "not a readable CSV file"),
    ],
)
def test_unusable_files_are_a_clear_422(client, supervisor, site, data, filename, message):
    body = {"site_id": str(site.id), "file": (io.BytesIO(data), filename)}
    response = client.post(
        "/api/v1/wand-imports", data=body, headers=supervisor, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and message in response.json["message"]


def test_person_tags_are_managed_on_users(client, make, org, site):
    admin = make.auth(make.user(org, Role.ADMIN))
    body = {
        "name": "刘强",
        "login": "liu.qiang",
        "role": "guard",
        "password": "long enough pw",
        "site_ids": [site.id],
        "person_tags": [{"kind": "ibutton", "uid": "01:00:00:00:cc:cc:00:01"}],
    }
    created = client.post("/api/v1/users", json=body, headers=admin)
    assert created.status_code == 201 and created.json["person_tags"] == [
        {"kind": "ibutton", "uid": "01000000CCCC0001"}
    ]
    cleared = client.patch(
        f"/api/v1/users/{created.json['id']}", json={"person_tags": []}, headers=admin
    )
    assert cleared.json["person_tags"] == []


def test_the_command_line_import_is_the_same(fresh_database_url, tmp_path):
    migrate.upgrade(fresh_database_url)
    cli_app = make_test_app(fresh_database_url)
    with cli_app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        cli_site = make.site(make.org())
        make.chip(make.checkpoint(cli_site), "01000000AAAA0001")
        session.commit()
        site_id = cli_site.id
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(EXPORT[1:2]))
    runner = cli_app.test_cli_runner()
    first = runner.invoke(args=["import-wand", str(path), "--site-id", str(site_id)])
    second = runner.invoke(args=["import-wand", str(path), "--site-id", str(site_id)])
    assert first.exit_code == 0 and '"imported": 1' in first.output
    assert second.exit_code == 0 and '"duplicates": 1' in second.output
    cli_app.extensions["vigil"].engine.dispose()
