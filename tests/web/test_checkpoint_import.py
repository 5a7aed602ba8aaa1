"""Checkpoints from a sheet: read in English or Chinese, every row previewed with its fate and
nothing written, then the good rows made on confirmation, one bad row costing the others
nothing."""

import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.models import AuditEvent, Checkpoint
from server.domain.registry import checkpoints
from server.web.checkpoints import sheet

HEADER = "名称,编号,区域,纬度,经度,半径（米）,说明\n"


@pytest.fixture
def console(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def _count(db, model=Checkpoint) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def _upload(console, site, data: bytes, name: str = "巡更点.csv"):
    return console.post_form(
        f"/console/checkpoints/import?site_id={site.id}", {"sheet": (io.BytesIO(data), name)}
    )


def _rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.split("<tr")[1:]


def _workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestReadingASheet:
    def test_chinese_headers_with_units_name_the_columns(self):
        read = sheet.read((HEADER + "北门,N-1,,31.22,121.54,30,查看门锁\n").encode("utf-8-sig"))
        assert read.rows == [
            sheet.Row(
                2,
                {
                    "name": "北门",
                    "code": "N-1",
                    "zone": "",
                    "latitude": "31.22",
                    "longitude": "121.54",
                    "radius_m": "30",
                    "instructions": "查看门锁",
                },
            )
        ]

    def test_a_csv_saved_by_chinese_excel_is_read(self):
        read = sheet.read("名称,编号,备用\n车库,P-1,x\n".encode("gb18030"))
        assert read.rows[0].cells == {"name": "车库", "code": "P-1"}
        assert read.ignored == ["备用"]

    def test_a_workbook_gives_numbers_as_typed(self):
        data = _workbook([["Name", "Code", "Latitude", "Radius (m)"], ["一号", 101, 31.5, 30.0]])
        assert sheet.read(data).rows[0].cells == {
            "name": "一号",
            "code": "101",
            "latitude": "31.5",
            "radius_m": "30",
        }

    @pytest.mark.parametrize(
        ("data", "said"),
        [
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a CSV or Excel"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file"),
            (b"PK\x03\x04broken", "could not be read"),
            (b"x" * (sheet.MAX_BYTES + 1), "larger than 512 KB"),
            (b"", "empty"),
            ("名称,区域\n北门,A\n".encode(), "missing: code"),
            ("名称,编号\n".encode(), "no checkpoints under it"),
            (("name,code\n" + "a,b\n" * (sheet.MAX_ROWS + 1)).encode(), "more than 500 rows"),
            (b"name,code,name\na,b,c\n", "Two columns"),
        ],
    )
    def test_what_cannot_be_read_is_said_in_words(self, data, said):
        with pytest.raises(sheet.SheetError, match=said):
            sheet.read(data)


class TestThePreview:
    def test_every_row_shows_its_fate_and_nothing_is_written(self, console, make, db, site):
        make.zone(site, name="1号楼")
        make.checkpoint(site, code="TAKEN")
        before, audited = _count(db), _count(db, AuditEvent)
        data = HEADER + (
            "大堂 <b>,B1-L,1号楼,31.2211,121.5442,30,检查门禁\n"
            "屋顶,TAKEN,,,,,\n"
            "楼梯,B1-S,2号楼,,,,\n"
            "花园,G-1,,95,121.5,,\n"
            "再次大堂,B1-L,,,,,\n"
            "没有位置,N-1,,,,30,\n"
        )
        answer = _upload(console, site, data.encode())
        assert answer.status_code == 200
        rows = _rows(answer.text)
        assert len(rows) == 6
        assert "Will be created" in rows[0] and "大堂 &lt;b&gt;" in rows[0]
        assert "already in use" in rows[1]
        assert "no zone named “2号楼”" in rows[2]
        assert "less than or equal to 90" in rows[3]
        assert "already in use" in rows[4]  # the sheet's own row 2 takes the code first
        assert "a radius needs a position" in rows[5]
        assert "Create 1 checkpoint" in answer.text
        assert (_count(db), _count(db, AuditEvent)) == (before, audited)

    def test_a_file_that_is_not_a_sheet_comes_back_to_the_upload(self, console, site):
        answer = _upload(console, site, b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png")
        assert answer.status_code == 422
        assert "This is not a CSV or Excel (.xlsx) file." in answer.text
        assert 'id="sheet-error"' in answer.text

    def test_no_file_is_said_so(self, console, site):
        answer = console.post_form(f"/console/checkpoints/import?site_id={site.id}", {})
        assert answer.status_code == 422 and "Choose a CSV or Excel" in answer.text


class TestConfirming:
    def test_the_good_rows_are_made_and_audited_the_bad_one_costs_nothing(self, console, db, site):
        data = HEADER + "北门,N-1,,31.2,121.5,20,\n坏行,,,,,,\n南门,S-1,,,,,锁好\n"
        preview = _upload(console, site, data.encode()).text
        sealed = re.search(r'name="sheet" value="([^"]+)"', preview).group(1)
        answer = console.post_form("/console/checkpoints/import/confirm", {"sheet": sealed})
        assert answer.status_code == 302
        assert "done=imported" in answer.location and "made=2" in answer.location
        assert "refused=1" in answer.location
        made = db.scalars(select(Checkpoint).where(Checkpoint.site_id == site.id)).all()
        assert sorted((c.code, c.name, c.radius_m) for c in made) == [
            ("N-1", "北门", 20),
            ("S-1", "南门", None),
        ]
        events = select(AuditEvent.action).where(
            AuditEvent.object_type == "checkpoint",
            AuditEvent.object_id.in_([c.id for c in made]),
        )
        assert db.scalars(events).all() == ["create", "create"]
        page = console.get(answer.location).text
        assert "Import done: 2 checkpoints made. 1 row refused." in page

    def test_a_changed_copy_of_the_preview_is_refused(self, console, db, site):
        preview = _upload(console, site, (HEADER + "北门,N-1,,,,,\n").encode()).text
        sealed = re.search(r'name="sheet" value="([^"]+)"', preview).group(1)
        answer = console.post_form(
            "/console/checkpoints/import/confirm", {"sheet": sealed[:-3] + "AAA"}
        )
        assert answer.status_code == 422 and "upload the sheet again" in answer.text
        assert _count(db) == 0

    def test_confirming_twice_makes_nothing_twice(self, console, db, site):
        preview = _upload(console, site, (HEADER + "北门,N-1,,,,,\n").encode()).text
        sealed = re.search(r'name="sheet" value="([^"]+)"', preview).group(1)
        console.post_form("/console/checkpoints/import/confirm", {"sheet": sealed})
        again = console.post_form("/console/checkpoints/import/confirm", {"sheet": sealed})
        assert "made=0" in again.location and "refused=1" in again.location
        assert _count(db) == 1


class TestTheBatch:
    def test_a_dry_run_answers_as_the_batch_does_and_leaves_nothing(self, db, site, make, org):
        token = set_actor(Actor(None, org.id, Role.ADMIN, label="test"))
        try:
            rows = [
                {"site_id": site.id, "name": "一", "code": "A"},
                {"site_id": site.id, "name": "二", "code": "A"},
                {"site_id": site.id, "name": "三", "code": "B"},
            ]
            tried = checkpoints.create_each(db, rows, dry_run=True)
            assert _count(db) == 0
            done = checkpoints.create_each(db, rows)
        finally:
            reset_actor(token)
        assert [e is None for e in tried] == [e is None for e in done] == [True, False, True]
        assert _count(db) == 2
