"""Bad input is never a 500: a file is refused whole with one clear 422, or a row at a time."""

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.http.limits import FORM_OVERHEAD
from server.ingest.wand import MAX_FILE_BYTES
from tests.ingest.wand.uploads import HEADER, READS, post, scans, upload
from tests.wand_exports import text, workbook


@pytest.mark.parametrize(
    "data,filename,message",
    [
        (b"", "empty.csv", "the file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "巡更记录.xls", "Excel 97-2003"),
        (b"<html><body><table><tr><td>1</td></tr></table>", "巡更记录.xls", "an HTML page"),
        (b"not a zip", "broken.xlsx", "not a readable Excel file"),
        (b"PK\x03\x04\x14\x00\x00\x00", "truncated.xlsx", "not a readable Excel file"),
        (bytes(range(128, 256)) * 4, "binary.csv", "not text in UTF-8, UTF-16 or GB18030"),
        (b'"\\^', "one-column.csv", "cannot tell which column"),  # found by the API fuzzer
        (b'tag,time\n"' + b"x" * 200_000, "unclosed.csv", "not a readable CSV file"),
    ],
)
def test_an_unusable_file_is_one_clear_422(client, supervisor, site, data, filename, message):
    response = post(client, supervisor, site, data, filename, wand_serial="W1")
    assert response.status_code == 422 and message in response.json["message"]
    assert set(response.json) == {"code", "status", "message", "errors"}


class TestTheSizeLimit:
    """The file itself is held to MAX_FILE_BYTES, as the console holds it."""

    def test_a_file_at_the_limit_is_read(self, client, supervisor, site):
        data = bytes(range(128, 256)) * (MAX_FILE_BYTES // 128)
        assert len(data) == MAX_FILE_BYTES
        response = post(client, supervisor, site, data, "binary.csv", wand_serial="W1")
        assert response.status_code == 422  # read, and found not to be text
        assert "not text in UTF-8" in response.json["message"]

    def test_one_byte_more_is_refused_by_its_size(self, client, supervisor, site):
        data = b"x" * (MAX_FILE_BYTES + 1)
        response = post(client, supervisor, site, data, wand_serial="W1", dry_run="true")
        assert response.status_code == 422
        assert response.json["errors"] == {"file": ["at most 20 MB"]}
        assert set(response.json) == {"code", "status", "message", "errors"}

    def test_a_body_past_the_file_and_its_fields_is_a_413(self, client, supervisor, site):
        data = bytes(MAX_FILE_BYTES + FORM_OVERHEAD + 1)
        response = post(client, supervisor, site, data, wand_serial="W1")
        assert response.status_code == 413
        assert set(response.json) == {"code", "status", "message"}
        assert response.json["status"] == "Request Entity Too Large"


def test_missing_columns_are_one_error_listing_the_headers_and_the_options(
    client, supervisor, site
):
    rows = [(str(n), "北门", "夜班") for n in range(1, 200)]
    response = post(client, supervisor, site, text(("序号", "巡更点", "班次"), rows))
    assert response.status_code == 422
    assert response.json["message"] == (
        "cannot tell which column holds the chip id, the time or the wand serial; "
        "the header has: 序号, 巡更点, 班次; pass tag_column, time_column, wand_serial"
    )
    assert set(response.json["errors"]) == {"tag_column", "time_column", "wand_serial"}


def test_malformed_cells_are_bad_rows_and_every_good_row_is_stored(
    client, supervisor, site, checkpoints, db
):
    rows = [
        READS[0],
        ("WAND-7", "北门", "2026/11/21 22:04:00"),
        ("WAND-7", "0" * 65, "2026/11/21 22:05:00"),
        ("WAND-7", "", "2026/11/21 22:06:00"),
        ("WAND-7", "01000000AAAA0002", "2026/02/30 22:07:00"),
        ("WAND-7", "01000000AAAA0002", "0001-01-01 00:00:00"),
        ("WAND-7", "01000000AAAA0002", "99999999"),
        ("W" * 101, "01000000AAAA0002", "2026/11/21 22:08:00"),
        ("WAND-7", "01000000AAAA0002\x00", "2026/11/21 22:09:00"),
        READS[2],
    ]
    report = upload(client, supervisor, site, text(HEADER, rows))
    assert report["imported"] == 3 and len(scans(db)) == 3  # the NUL is dropped from its cell
    assert [b["line"] for b in report["bad_rows"]] == [3, 4, 5, 6, 7, 8, 9]
    assert report["bad_rows"][0] == {"line": 3, "reason": "'北门' is not a chip id"}


def test_bad_cells_of_a_workbook_are_bad_rows(client, supervisor, site, checkpoints, db):
    rows = [("01000000AAAA0001", 12.5), ("01000000AAAA0002", "#VALUE!"), ("01000000AAAA0003", None)]
    report = upload(
        client, supervisor, site, workbook(("卡号", "时间"), rows), "x.xlsx", wand_serial="W"
    )
    assert report["imported"] == 0 and [b["line"] for b in report["bad_rows"]] == [2, 3, 4]


def test_a_long_wand_memory_is_stored_a_batch_at_a_time(client, supervisor, site, checkpoints):
    # 4,000 reads in one statement would pass PostgreSQL's 65,535 parameters (17 a read).
    start = datetime(2026, 11, 1)
    rows = [("WAND-7", "01000000AAAA0001", start + timedelta(minutes=n)) for n in range(4000)]
    first = upload(client, supervisor, site, text(HEADER, rows))
    assert (first["imported"], first["bad_rows"]) == (4000, [])
    assert upload(client, supervisor, site, text(HEADER, rows))["duplicates"] == 4000


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.lists(st.lists(st.text(max_size=12), max_size=5), max_size=6).map(
            lambda rows: "\n".join(",".join(r) for r in [list(HEADER), *rows]).encode()
        ),
    ),
    st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.txt"]),
)
def test_whatever_the_bytes_the_answer_is_a_report_or_a_422(
    client, supervisor, site, data, filename
):
    response = post(client, supervisor, site, data, filename, wand_serial="W1")
    assert response.status_code in (200, 422), response.json
