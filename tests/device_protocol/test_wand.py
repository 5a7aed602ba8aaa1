"""The wand export reader on its own: columns, times, bad rows, unusable files.

tests/ingest/test_wand_import.py covers the import end to end (matching, dedupe, the API).
"""

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from device_protocol import clock, wand
from device_protocol.events import parse_batch
from device_protocol.wand import BadRow, WandFileError, WandRead, read

T1 = datetime(2026, 11, 21, 22, 3, 10)
T2 = datetime(2026, 11, 21, 22, 9, 44)


def text(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


def workbook(*rows: list) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class TestCsv:
    def test_each_touch_becomes_a_read_with_its_line_tag_time_and_wand(self):
        data = text(
            "Wand,Tag ID,Time",
            "WAND-7,01-0000-00AA-AA00-01,2026/11/21 22:03:10",
            "WAND-7,01-0000-00AA-AA00-02,2026/11/21 22:09:44",
        )
        reads, bad = read(data, "export.csv")
        assert bad == []
        assert reads == [
            WandRead(2, "01-0000-00AA-AA00-01", T1, "WAND-7"),
            WandRead(3, "01-0000-00AA-AA00-02", T2, "WAND-7"),
        ]

    def test_times_stay_naive_wand_wall_clock(self):
        ((only,), _) = read(text("Tag,Time", "01AA,2026-11-21 22:03:10"), "x.csv")
        assert only.local_time.tzinfo is None  # the importer places it in the site's zone

    @pytest.mark.parametrize(
        "lines",
        [
            ("Tag;Time;Reader", "01AA;21.11.2026 22:03:10;W1"),  # European: semicolons
            ("Tag ID\tDate Time\tDevice", "01AA\t21/11/2026 22:03:10\tW1"),  # tab-separated
            ('"Card","Read Time","Serial"', '"01AA","2026-11-21 22:03:10","W1"'),  # quoted
            ("checkpoint,visit time,reader", "01AA,2026/11/21 22:03:10,W1"),
        ],
        ids=["semicolons", "tabs", "quoted", "lower-case headers"],
    )
    def test_common_layouts_and_header_names_are_recognised(self, lines):
        reads, bad = read(text(*lines), "export.csv")
        assert (reads, bad) == ([WandRead(2, "01AA", T1, "W1")], [])

    def test_crlf_line_endings_are_read(self):
        data = b"Tag,Time\r\n01AA,2026-11-21 22:03:10\r\n01AB,2026-11-21 22:09:44\r\n"
        reads, _ = read(data, "x.csv")
        assert [(r.line, r.local_time) for r in reads] == [(2, T1), (3, T2)]

    def test_minutes_only_times_are_read(self):
        ((only,), _) = read(text("Tag,Time", "01AA,2026/11/21 22:03"), "x.csv")
        assert only.local_time == datetime(2026, 11, 21, 22, 3)

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
    def test_chinese_headers_in_utf8_with_bom_or_gb18030(self, encoding):
        data = text("卡号,刷卡时间,机号", "01AA,2026-11-21 22:03:10,巡更棒3", encoding=encoding)
        assert read(data, "巡更记录.csv") == ([WandRead(2, "01AA", T1, "巡更棒3")], [])

    def test_without_a_wand_column_reads_have_no_wand(self):
        reads, _ = read(text("钮号,巡检时间", "01AA,2026-11-21 22:03:10"), "x.csv")
        assert reads[0].wand is None

    def test_an_empty_wand_cell_is_no_wand(self):
        reads, _ = read(text("Wand,Tag,Time", " ,01AA,2026-11-21 22:03:10"), "x.csv")
        assert reads[0].wand is None

    def test_cells_are_trimmed(self):
        reads, _ = read(text("Wand,Tag,Time", " W1 , 01AA , 2026-11-21 22:03:10 "), "x.csv")
        assert reads == [WandRead(2, "01AA", T1, "W1")]

    def test_a_header_only_export_has_no_reads(self):
        assert read(text("Tag,Time"), "x.csv") == ([], [])


class TestMapping:
    DATA = text("a,b,c", "W1,01AA,21-11-2026 22h03")

    def test_columns_named_by_number_or_header_with_a_time_format(self):
        reads, bad = read(
            self.DATA,
            "x.csv",
            tag_column="2",
            time_column="C",
            wand_column="a",
            time_format="%d-%m-%Y %Hh%M",
        )
        assert (reads, bad) == ([WandRead(2, "01AA", datetime(2026, 11, 21, 22, 3), "W1")], [])

    def test_a_given_format_replaces_the_known_ones(self):
        data = text("Tag,Time", "01AA,2026-11-21 22:03:10")
        reads, bad = read(data, "x.csv", time_format="%d/%m/%Y %H:%M")
        assert reads == [] and bad == [BadRow(2, "unreadable time '2026-11-21 22:03:10'")]

    def test_a_mapping_overrides_the_recognised_headers(self):
        data = text("Tag,Time,Card", "01AA,2026-11-21 22:03:10,PERSON-9")
        reads, _ = read(data, "x.csv", tag_column="card")
        assert reads[0].tag == "PERSON-9"

    @pytest.mark.parametrize("mapping", [{"tag_column": "tag"}, {"time_column": "4"}])
    def test_a_mapped_column_the_file_lacks_names_the_header(self, mapping):
        with pytest.raises(WandFileError, match="the header has: a, b, c"):
            read(self.DATA, "x.csv", **({"tag_column": "2", "time_column": "3"} | mapping))

    @pytest.mark.parametrize("header,missing", [("Tag,When", "time"), ("Code,Time", "tag id")])
    def test_an_unrecognised_column_must_be_mapped(self, header, missing):
        with pytest.raises(WandFileError, match=f"which column holds the {missing}"):
            read(text(header, "01AA,2026-11-21 22:03:10"), "x.csv")


class TestBadRows:
    def test_bad_rows_are_reported_by_line_and_the_good_ones_kept(self):
        data = text(
            "Wand,Tag,Time",
            "W1,01AA,2026/11/21 22:03:10",
            "W1,,2026/11/21 22:04:00",
            "",
            "W1,01AC,yesterday",
            "W1,01AD",
            ",,",
            "W1,01AB,2026/11/21 22:09:44",
        )
        reads, bad = read(data, "x.csv")
        assert [(r.line, r.tag) for r in reads] == [(2, "01AA"), (8, "01AB")]
        assert bad == [
            BadRow(3, "no tag id"),
            BadRow(5, "unreadable time 'yesterday'"),
            BadRow(6, "row too short"),
        ]  # blank lines 4 and 7 are skipped, not bad

    def test_a_us_style_date_is_not_guessed(self):
        _, bad = read(text("Tag,Time", "01AA,11/21/2026 22:03:10"), "x.csv")
        assert bad == [BadRow(2, "unreadable time '11/21/2026 22:03:10'")]


class TestExcel:
    def test_date_cells_and_text_times_in_the_first_sheet(self):
        data = workbook(
            ["Checkpoint", "Read time", "Reader"],
            ["01AA", T1, "W9"],
            ["01AB", "2026/11/21 22:09:44", None],
            ["01AC", "soon", "W9"],
        )
        reads, bad = read(data, "巡更记录.XLSX")
        assert reads == [WandRead(2, "01AA", T1, "W9"), WandRead(3, "01AB", T2, None)]
        assert bad == [BadRow(4, "unreadable time 'soon'")]

    def test_numeric_tag_cells_are_read_as_text(self):
        reads, _ = read(workbook(["卡号", "刷卡时间"], [1234567, T1]), "x.xlsx")
        assert reads[0].tag == "1234567"

    def test_a_file_named_xlsx_that_is_not_a_workbook_is_unusable(self):
        with pytest.raises(WandFileError, match="not a readable Excel file"):
            read(text("Tag,Time", "01AA,2026-11-21 22:03:10"), "export.xlsx")

    def test_a_workbook_named_csv_is_not_text(self):
        with pytest.raises(WandFileError, match="neither UTF-8 nor GB18030"):
            read(workbook(["Tag", "Time"], ["01AA", T1]), "export.csv")


class TestUnusableFiles:
    @pytest.mark.parametrize(
        "data,message",
        [
            (b"", "the file is empty"),
            (bytes(range(256)), "neither UTF-8 nor GB18030"),
            (b"%PDF-1.7\n\x80\xff\xfe", "neither UTF-8 nor GB18030"),
        ],
    )
    def test_a_file_that_is_not_an_export_is_refused_whole(self, data, message):
        with pytest.raises(WandFileError, match=message):
            read(data, "export.csv")

    def test_a_full_wand_memory_fits_and_more_rows_than_the_limit_do_not(self):
        row = "01AA,2026-11-21 22:03:10"
        reads, _ = read(text("Tag,Time", *[row] * wand.MAX_ROWS), "x.csv")
        assert len(reads) == wand.MAX_ROWS
        with pytest.raises(WandFileError, match="import the export in parts"):
            read(text("Tag,Time", *[row] * (wand.MAX_ROWS + 1)), "x.csv")


def test_a_wand_clock_offset_moves_every_read_by_the_same_amount():
    # The importer sends a wand's reads as one batch "sent" at download time less the offset
    # (PC minus wand): a wand 10 minutes slow has each read placed 10 minutes later.
    reads, _ = read(
        text("Tag,Time", "01AA,2026-11-21 22:03:10", "01AB,2026-11-21 22:09:44"), "x.csv"
    )
    received = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    offset = timedelta(seconds=600)
    events = [
        {
            "uuid": f"6f1c2a8e-0000-4000-8000-00000000000{n}",
            "type": "scan",
            "method": "ibutton",
            "uid": r.tag,
            "device_time": r.local_time.isoformat() + "+08:00",
        }
        for n, r in enumerate(reads)
    ]
    batch = parse_batch({"sent_at": (received - offset).isoformat(), "events": events})
    placed = [clock.corrected_time(e, batch, received) for e in batch.items]
    assert placed == [
        (datetime(2026, 11, 21, 14, 13, 10, tzinfo=UTC), "wall_clock"),
        (datetime(2026, 11, 21, 14, 19, 44, tzinfo=UTC), "wall_clock"),
    ]
