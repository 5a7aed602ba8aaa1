"""Which column holds what: header names in Chinese and English, then the cells themselves."""

import pytest

from device_protocol.wand import Mapping, WandFileError, read
from tests.wand_exports import text

CHIP, TIME = "01000000AAAA0001", "2026/11/21 22:05:10"


def layout(header, row, **mapping):
    return read(text(header, [row]), "x.csv", Mapping(**mapping)).layout.as_dict()


def headers_of(found):
    return {role: found[role]["header"] for role in found if role != "header_line"}


class TestHeaders:
    @pytest.mark.parametrize(
        "header",
        [
            ("巡更棒", "钮号", "巡检时间", "巡检员", "巡更点"),
            ("棒号", "卡号", "巡更时间", "姓名", "地点"),
            ("机号", "信息钮", "时间", "人员", "点名称"),
            ("设备号", "标签号", "日期", "工号", "地点名称"),
            ("巡检器", "点号", "刷卡时间", "保安", "巡检点"),
            ("Wand", "Tag ID", "Date Time", "Guard", "Checkpoint Name"),
            ("reader", "card_no", "visit time", "officer", "location"),
            ("Serial No.", "iButton", "Read Time", "Staff No", "Point"),
            ("机号(Reader)", "卡号（Card No.）", "时间 [Time]", "人员 (Guard)", "地点"),
        ],
    )
    def test_vendor_header_names_in_chinese_and_english(self, header):
        found = layout(header, ("W7", CHIP, TIME, "张伟", "北门"))
        assert headers_of(found) == dict(
            zip(("wand", "tag", "time", "guard", "checkpoint"), header, strict=True)
        )
        assert {found[r]["found_by"] for r in ("wand", "tag", "time", "guard")} == {"header"}

    def test_columns_named_by_header_or_number_override_what_is_recognised(self):
        found = layout(
            ("a", "Tag", "c", "d"),
            ("W1", "ignored", "21-11-2026 22h03", CHIP),
            tag_column="4",
            time_column="C",
            wand_column="a",
            time_format="%d-%m-%Y %Hh%M",
        )
        assert headers_of(found) == {"tag": "d", "time": "c", "wand": "a"}
        assert found["tag"]["found_by"] == "option"

    @pytest.mark.parametrize("tag_column", ["4", "D", "d", " 4 "])
    def test_a_column_by_number_or_excel_letter(self, tag_column):
        found = layout(("Wand", "b", "Time", "x"), ("W1", "y", TIME, CHIP), tag_column=tag_column)
        assert found["tag"] == {"column": 4, "header": "x", "found_by": "option"}

    @pytest.mark.parametrize("tag_column", ["²", "٣", "0", "ZZ", "99999999"])
    def test_a_number_or_letter_that_is_no_column_names_the_headers(self, tag_column):
        with pytest.raises(WandFileError, match="the header has: a, Time, Wand"):
            layout(("a", "Time", "Wand"), (CHIP, TIME, "W1"), tag_column=tag_column)


class TestCells:
    def test_a_column_of_chip_ids_beats_a_column_of_checkpoint_names(self):
        found = layout(("巡更点", "地点", "时间", "机号"), ("北门", CHIP, TIME, "W7"))
        assert (found["tag"]["header"], found["checkpoint"]["header"]) == ("地点", "巡更点")

    def test_a_checkpoint_column_of_ids_is_the_chip_column(self):
        found = layout(("Checkpoint", "Time", "Reader"), (CHIP, TIME, "W1"))
        assert found["tag"] == {"column": 1, "header": "Checkpoint", "found_by": "header"}

    def test_unknown_headers_are_judged_by_their_cells(self):
        found = layout(("序号", "X", "Y", "Z"), ("1", "W7", TIME, CHIP), wand_column="X")
        assert (found["time"]["found_by"], found["tag"]["found_by"]) == ("content", "content")
        assert headers_of(found) == {"wand": "X", "time": "Y", "tag": "Z"}

    def test_a_column_that_reads_as_times_beats_a_time_header_that_does_not(self):
        found = layout(("时间", "Tag", "Logged", "机号"), ("夜班", CHIP, TIME, "W7"))
        assert found["time"] == {"column": 3, "header": "Logged", "found_by": "content"}

    def test_a_row_number_is_never_the_chip(self):
        rows = [(str(1000 + n), "W7", TIME, CHIP) for n in range(3)]
        export = read(text(("n", "机号", "时间", "code"), rows), "x.csv")
        assert export.layout.tag.header == "code"

    def test_a_date_column_beside_a_time_of_day_column_makes_the_time(self):
        export = read(
            text(("机号", "卡号", "日期", "时间"), [("W7", CHIP, "2026-11-21", "22:05:10")]),
            "x.csv",
        )
        assert (export.layout.date.header, export.layout.time.header) == ("日期", "时间")
        assert export.reads[0].local_time.isoformat() == "2026-11-21T22:05:10"

    def test_date_and_time_columns_named_with_a_plus(self):
        rows = [("W7", CHIP, "21/11/2026", "10:05:10 PM", "2026-01-01 00:00")]
        header = ("机号", "卡号", "d", "t", "导出时间")
        export = read(text(header, rows), "x.csv", Mapping(time_column="d+t"))
        assert export.reads[0].local_time.isoformat() == "2026-11-21T22:05:10"

    def test_a_file_without_a_header_is_read_by_its_cells(self):
        export = read(text(None, [(CHIP, TIME)]), "x.csv", Mapping(wand_serial="W9"))
        assert (export.layout.header_line, export.reads[0].line) == (0, 1)
        assert export.reads[0].tag == CHIP


class TestMissing:
    def test_one_error_names_every_missing_column_the_headers_and_the_options(self):
        with pytest.raises(WandFileError) as caught:
            read(text(("序号", "地点", "备注"), [("1", "北门", "")]), "x.csv")
        message = str(caught.value)
        assert message.startswith("cannot tell which column holds the chip id")
        assert "the time" in message and "the wand serial" in message
        assert "the header has: 序号, 地点, 备注" in message
        assert set(caught.value.errors) == {"tag_column", "time_column", "wand_serial"}
        assert "地点 holds checkpoint names" in caught.value.errors["tag_column"][0]

    def test_a_wand_serial_for_the_file_stands_for_a_wand_column(self):
        with pytest.raises(WandFileError) as caught:
            read(text(("钮号", "巡检时间"), [(CHIP, TIME)]), "x.csv")
        assert caught.value.errors == {
            "wand_serial": [
                "no wand column: give the wand's serial, or name its column with wand_column"
            ]
        }
        mapped = Mapping(wand_serial="W-XL")
        assert (
            read(text(("钮号", "巡检时间"), [(CHIP, TIME)]), "x.csv", mapped).reads[0].wand
            == "W-XL"
        )

    @pytest.mark.parametrize(
        "option", [{"tag_column": "tag"}, {"time_column": "9"}, {"guard_column": "巡检员"}]
    )
    def test_a_named_column_the_file_lacks_names_the_headers(self, option):
        with pytest.raises(WandFileError, match="the header has: a, b, c") as caught:
            read(
                text(("a", "b", "c"), [("W1", CHIP, TIME)]),
                "x.csv",
                Mapping(wand_column="a", **option),
            )
        assert list(caught.value.errors) == list(option)
