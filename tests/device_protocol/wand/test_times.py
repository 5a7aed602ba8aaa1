"""A read's time from a cell: Excel dates and serial numbers, Chinese and ISO text."""

from datetime import datetime, time

import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from device_protocol.wand import parse_clock, parse_date, parse_moment
from tests.wand_exports import serial

T = datetime(2026, 11, 21, 22, 5, 10)


class TestText:
    @pytest.mark.parametrize(
        "text",
        [
            "2026/11/21 22:05:10",
            "2026-11-21 22:05:10",
            "2026.11.21 22:05:10",
            "2026-11-21T22:05:10",
            "2026年11月21日 22时05分10秒",
            "2026年11月21日22:05:10",
            "2026/11/21 下午 10:05:10",
            "2026/11/21 10:05:10 PM",
            "20261121220510",
            "21.11.2026 22:05:10",
            "21/11/2026 22:05:10",
            " 2026/11/21  22:05:10 ",
            "2026-11-21 22:05:09.6",
        ],
    )
    def test_common_chinese_iso_and_european_formats(self, text):
        assert parse_moment(text) == T

    @pytest.mark.parametrize(
        "text,expected",
        [
            ("2026-11-21 22:05", datetime(2026, 11, 21, 22, 5)),
            ("2026.11.21 22:05", datetime(2026, 11, 21, 22, 5)),
            ("2026年11月21日 22时05分", datetime(2026, 11, 21, 22, 5)),
            ("2026/1/5 8:05:09", datetime(2026, 1, 5, 8, 5, 9)),
            ("2026/1/5 上午 12:30", datetime(2026, 1, 5, 0, 30)),
            ("2026/1/5 下午 12:30", datetime(2026, 1, 5, 12, 30)),
        ],
    )
    def test_minutes_only_unpadded_and_twelve_hour_times(self, text, expected):
        assert parse_moment(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "11/21/2026 22:03:10",  # American: month first is never guessed
            "yesterday",
            "2026-13-01 10:00",
            "2026-02-30 10:00",
            "2026-11-21 25:00",
            "2026-11-21",  # a date is not a read's time
            "下午 13:05",
            "",
        ],
    )
    def test_what_is_not_a_time_is_refused_with_the_cell(self, text):
        with pytest.raises(ValueError, match="unreadable time"):
            parse_moment(text)

    @pytest.mark.parametrize("text", ["0001-01-01 00:00:00", "9999-12-31 23:59:59"])
    def test_years_no_wand_kept_are_refused(self, text):
        with pytest.raises(ValueError, match="out of range"):
            parse_moment(text)

    def test_a_given_format_replaces_the_known_ones(self):
        assert parse_moment("21-11-2026 22h05", fmt="%d-%m-%Y %Hh%M") == datetime(
            2026, 11, 21, 22, 5
        )
        with pytest.raises(ValueError):
            parse_moment("2026-11-21 22:05:10", fmt="%d/%m/%Y %H:%M")


class TestExcel:
    def test_date_cells_are_read_to_the_second(self):
        assert parse_moment(datetime(2026, 11, 21, 22, 5, 9, 999_600)) == T

    @pytest.mark.parametrize("cell", [serial(T), str(serial(T)), f"{serial(T):.6f}"])
    def test_serial_numbers_in_general_format_as_numbers_or_text(self, cell):
        assert parse_moment(cell) == T

    def test_serial_numbers_of_a_1904_workbook(self):
        assert parse_moment(serial(T, CALENDAR_MAC_1904), CALENDAR_MAC_1904) == T

    @pytest.mark.parametrize("cell", [12.5, 1_000_000, -3, True])
    def test_numbers_that_are_no_date_are_refused(self, cell):
        with pytest.raises(ValueError):
            parse_moment(cell)


class TestSplitColumns:
    @pytest.mark.parametrize(
        "cell", ["2026-11-21", "2026/11/21", "2026年11月21日", datetime(2026, 11, 21), 46347]
    )
    def test_dates(self, cell):
        assert parse_date(cell).isoformat() == "2026-11-21"

    @pytest.mark.parametrize(
        "cell", ["22:05:10", "22时05分10秒", "下午 10:05:10", time(22, 5, 10), 0.920254629629]
    )
    def test_times_of_day(self, cell):
        assert parse_clock(cell) == time(22, 5, 10)

    @pytest.mark.parametrize("cell", [datetime(2026, 11, 21, 8), 46347.5, "22:05"])
    def test_a_cell_with_a_time_of_day_is_not_a_date(self, cell):
        with pytest.raises(ValueError):
            parse_date(cell)

    @pytest.mark.parametrize("cell", [46347, 1.5, "8 o'clock", "2026-11-21"])
    def test_a_whole_day_or_a_date_is_not_a_time_of_day(self, cell):
        with pytest.raises(ValueError):
            parse_clock(cell)
