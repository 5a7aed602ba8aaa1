"""An export's bytes as rows: workbooks and text in the encodings and layouts software writes."""

from datetime import datetime

import pytest

from device_protocol import wand
from device_protocol.wand import Mapping, WandFileError, WandRead, read
from tests.wand_exports import ENCODINGS, serial, text, workbook

T = datetime(2026, 11, 21, 22, 5, 10)
HEADER = ("巡更棒", "钮号", "巡检时间", "巡检员", "地点")
ROW = ("巡更棒3", "01000000AAAA0001", "2026/11/21 22:05:10", "张伟", "北门")
EXPECTED = [WandRead(2, "01000000AAAA0001", T, "巡更棒3", "张伟", "北门")]


class TestText:
    @pytest.mark.parametrize("style", list(ENCODINGS))
    def test_each_encoding_cradle_software_writes(self, style):
        assert read(text(HEADER, [ROW], style), "巡更记录.csv").reads == EXPECTED

    @pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
    def test_each_delimiter(self, delimiter):
        data = "\n".join(delimiter.join(r) for r in (HEADER, ROW)).encode()
        assert read(data, "export.txt").reads == EXPECTED

    def test_quoted_cells_may_hold_the_delimiter(self):
        data = text(HEADER, [(*ROW[:4], '"北门, 东侧"')])
        assert read(data, "x.csv").reads[0].checkpoint == "北门, 东侧"

    def test_title_lines_before_the_header_are_skipped_and_lines_keep_their_numbers(self):
        data = text(HEADER, [ROW], "gbk", before=["巡检记录报表", "导出时间: 2026-11-22"])
        export = read(data, "x.csv")
        assert export.layout.header_line == 3
        assert [(r.line, r.tag) for r in export.reads] == [(4, "01000000AAAA0001")]

    def test_a_text_file_named_xls_is_read_as_the_text_it_is(self):
        data = text(HEADER, [ROW], "utf-16 tabs (Excel Unicode text)")
        assert read(data, "巡更记录.xls").reads == EXPECTED


class TestWorkbooks:
    def test_date_cells_and_serial_numbers_in_general_format(self):
        rows = [("W7", "01AA", T, "张伟", "北门"), ("W7", "01AB", serial(T), "张伟", "南门")]
        export = read(workbook(HEADER, rows), "巡更记录.xlsx")
        assert [r.local_time for r in export.reads] == [T, T] and export.bad == []

    def test_serial_numbers_of_a_mac_1904_workbook(self):
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        rows = [("W7", "01AA", serial(T, CALENDAR_MAC_1904), None, None)]
        assert read(workbook(HEADER, rows, mac_1904=True), "x.xlsx").reads[0].local_time == T

    def test_numeric_cells_are_read_as_the_text_excel_shows(self):
        rows = [(7, 1234567, T, 1023, None)]
        (only,) = read(workbook(HEADER, rows), "x.xlsx").reads
        assert (only.wand, only.tag, only.guard) == ("7", "1234567", "1023")

    def test_the_first_sheet_with_anything_in_it(self):
        data = workbook(HEADER, [("W7", "01AA", T, None, None)], sheets_before=2)
        assert len(read(data, "x.xlsx").reads) == 1

    def test_the_headers_an_error_lists_are_the_sheets_own(self):
        with pytest.raises(WandFileError, match="the header has: 序号, 地点; pass"):
            read(workbook(("序号", "地点"), [("1", "北门")]), "x.xlsx")

    def test_a_workbook_is_a_workbook_whatever_its_name(self):
        assert len(read(workbook(HEADER, [("W7", "01AA", T, None, None)]), "x.csv").reads) == 1


class TestUnusableFiles:
    @pytest.mark.parametrize(
        "data,filename,message",
        [
            (b"", "export.csv", "the file is empty"),
            (b"\r\n , ,\r\n", "export.csv", "the file is empty"),
            (bytes(range(128, 256)) * 4, "export.csv", "not text in UTF-8, UTF-16 or GB18030"),
            (b"%PDF-1.7\n\x80\xff\xfe", "export.csv", "not text"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "巡更记录.xls", "Excel 97-2003"),
            (b"<html><table><tr><td>\xe9\x92\xae</td></tr></table>", "x.xls", "an HTML page"),
            (b"PK\x03\x04 not really a zip", "export.xlsx", "not a readable Excel file"),
            (b"Tag,Time\n01AA,2026-11-21 22:03:10\n", "export.xlsx", "not a readable Excel"),
            (b'tag,time\n"' + b"x" * 200_000, "unclosed.csv", "not a readable CSV file"),
        ],
        ids=[
            "empty",
            "blank",
            "binary",
            "pdf",
            "xls",
            "html",
            "broken xlsx",
            "text as xlsx",
            "quote",
        ],
    )
    def test_a_file_that_is_not_an_export_is_refused_whole(self, data, filename, message):
        with pytest.raises(WandFileError, match=message):
            read(data, filename, Mapping(wand_serial="W1"))

    def test_a_full_wand_memory_fits_and_more_rows_than_the_limit_do_not(self):
        row = ("01AA", "2026-11-21 22:03:10")
        export = read(
            text(("Tag", "Time"), [row] * wand.MAX_ROWS), "x.csv", Mapping(wand_serial="W")
        )
        assert len(export.reads) == wand.MAX_ROWS
        with pytest.raises(WandFileError, match="import the export in parts"):
            read(text(("Tag", "Time"), [row] * (wand.MAX_ROWS + 1)), "x.csv")
