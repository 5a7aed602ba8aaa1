"""Exports as vendors write them, through the API: placed, timed and attributed."""

from datetime import UTC, datetime, time

import pytest

from server.domain.actor import Role
from tests.ingest.wand.uploads import HEADER, PERSON, READS, scans, upload
from tests.wand_exports import ENCODINGS, serial, text, workbook

T = datetime(2026, 11, 21, 22, 5, 10)
T_UTC = datetime(2026, 11, 21, 14, 5, 10, tzinfo=UTC)  # Shanghai is 8 hours ahead
CHINESE = ("巡更棒", "钮号", "巡检时间", "巡检员", "地点")


def test_reads_land_on_checkpoints_attributed_to_the_guard_who_pressed_in(
    client, supervisor, site, checkpoints, guard, db
):
    report = upload(client, supervisor, site, text(HEADER, [PERSON, *READS]))
    assert (report["reads"], report["imported"], report["person_reads"]) == (4, 3, 1)
    assert (report["wands"], report["unmatched"], report["bad_rows"]) == (["WAND-7"], [], [])
    stored = scans(db)
    assert [e.checkpoint_id for e in stored] == [cp.id for cp in checkpoints.values()]
    assert {e.user_id for e in stored} == {guard.id}
    assert stored[0].corrected_time == datetime(2026, 11, 21, 14, 3, 10, tzinfo=UTC)


@pytest.mark.parametrize("style", list(ENCODINGS))
def test_each_encoding_cradle_software_writes(
    client, supervisor, site, checkpoints, guard, db, style
):
    rows = [("巡更棒3", uid, "2026年11月21日 22时05分10秒", "张伟", "北门") for uid in checkpoints]
    report = upload(client, supervisor, site, text(CHINESE, rows, style), "巡更记录.txt")
    assert report["imported"] == 3 and report["bad_rows"] == []
    assert {e.user_id for e in scans(db)} == {guard.id}
    assert {e.corrected_time for e in scans(db)} == {T_UTC}


def test_an_excel_export_with_date_cells_and_serial_numbers(
    client, supervisor, site, checkpoints, db
):
    a, b, _ = checkpoints
    data = workbook(("卡号", "刷卡时间"), [(a, T), (b, serial(T))])
    report = upload(client, supervisor, site, data, "巡更记录.xlsx", wand_serial="W-XL")
    assert (report["imported"], report["wands"]) == (2, ["W-XL"])
    assert report["mapping"]["wand_serial"] == "W-XL"
    assert [e.corrected_time for e in scans(db)] == [T_UTC, T_UTC]


def test_a_workbook_with_the_date_and_the_time_of_day_apart(
    client, supervisor, site, checkpoints, db
):
    a, *_ = checkpoints
    data = workbook(
        ("机号", "卡号", "日期", "时间"), [("W7", a, datetime(2026, 11, 21), time(22, 5, 10))]
    )
    report = upload(client, supervisor, site, data, "x.xlsx")
    assert report["mapping"]["date"]["header"] == "日期" and report["imported"] == 1
    assert scans(db)[0].corrected_time == T_UTC


def test_the_report_says_which_column_was_found_how(client, supervisor, site, checkpoints):
    a, *_ = checkpoints
    data = text(
        ("序号", "巡更点", "Logged", "Chip", "机号"),
        [("1", "北门", "2026/11/21 22:05:10", a, "W7")],
    )
    mapping = upload(client, supervisor, site, data)["mapping"]
    assert mapping == {
        "header_line": 1,
        "tag": {"column": 4, "header": "Chip", "found_by": "header"},
        "time": {"column": 3, "header": "Logged", "found_by": "content"},
        "wand": {"column": 5, "header": "机号", "found_by": "header"},
        "checkpoint": {"column": 2, "header": "巡更点", "found_by": "header"},
    }


class TestGuards:
    @pytest.mark.parametrize(
        "cell",
        ["张伟", "zw1023", "ZW1023", "01-0000-00BB-BB00-01"],
        ids=["name", "staff number", "staff number in capitals", "person tag"],
    )
    def test_a_guard_column_names_a_user_by_name_staff_number_or_person_tag(
        self, client, supervisor, site, checkpoints, guard, db, cell
    ):
        rows = [("W7", uid, "2026/11/21 22:05:10", cell, None) for uid in checkpoints]
        report = upload(client, supervisor, site, text(CHINESE, rows))
        assert (report["imported"], report["unknown_guards"]) == (3, [])
        assert {e.user_id for e in scans(db)} == {guard.id}

    def test_the_guard_column_speaks_for_its_row_over_a_person_button(
        self, client, make, org, supervisor, site, checkpoints, guard, db
    ):
        other = make.user(org, Role.GUARD, [site], name="李强")
        a, b, _ = checkpoints
        rows = [
            ("W7", "01000000BBBB0001", "2026/11/21 22:00:00", ""),  # 张伟 presses in
            ("W7", a, "2026/11/21 22:05:00", "李强"),
            ("W7", b, "2026/11/21 22:06:00", ""),
        ]
        upload(client, supervisor, site, text(("机号", "卡号", "时间", "人员"), rows))
        assert [e.user_id for e in scans(db)] == [other.id, guard.id]

    def test_guard_cells_that_name_nobody_are_reported_and_their_reads_kept(
        self, client, make, org, supervisor, site, checkpoints, db
    ):
        for _ in range(2):
            make.user(org, Role.GUARD, [site], name="王芳")
        make.user(make.org(), Role.GUARD, name="赵六")  # another tenant's
        make.user(org, Role.GUARD, name="钱七", active=False)
        a, b, c = checkpoints
        rows = [
            ("W7", a, "2026/11/21 22:05:00", "王芳"),
            ("W7", b, "2026/11/21 22:06:00", "赵六"),
            ("W7", c, "2026/11/21 22:07:00", "钱七"),
            ("W7", a, "2026/11/21 23:05:00", "赵六"),
        ]
        report = upload(client, supervisor, site, text(("机号", "卡号", "时间", "人员"), rows))
        nobody = "no active user has this name, staff number or person button"
        assert report["unknown_guards"] == [
            {
                "guard": "王芳",
                "reason": "2 users have this name: use staff numbers",
                "first_line": 2,
                "reads": 1,
            },
            {"guard": "赵六", "reason": nobody, "first_line": 3, "reads": 2},
            {"guard": "钱七", "reason": nobody, "first_line": 4, "reads": 1},
        ]
        assert report["imported"] == 4 and {e.user_id for e in scans(db)} == {None}

    def test_a_guard_not_on_the_site_is_kept_and_flagged(
        self, client, make, org, supervisor, site, checkpoints, db
    ):
        elsewhere = make.user(org, Role.GUARD, [make.site(org)], name="孙八")
        a, *_ = checkpoints
        report = upload(
            client, supervisor, site, text(CHINESE, [("W7", a, "2026/11/21 22:05:00", "孙八", "")])
        )
        assert report["flags"] == {"user_other_site": 1}
        (event,) = scans(db)
        assert (event.user_id, event.flags) == (elsewhere.id, ["user_other_site"])


def test_unknown_chips_are_listed_with_the_name_the_export_gives_them(
    client, supervisor, site, checkpoints
):
    rows = [("W7", "0100000099990009", "2026/11/21 23:00:00", "", "未设置")]
    report = upload(client, supervisor, site, text(CHINESE, rows))
    assert report["unmatched"] == [{"line": 2, "tag": "0100000099990009", "checkpoint": "未设置"}]
    assert report["flags"] == {"unknown_chip": 1}
