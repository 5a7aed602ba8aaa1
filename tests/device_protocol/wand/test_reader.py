"""The reader row by row: each read as the wand recorded it, each bad row with its reason.

tests/ingest/wand/ covers the import end to end (matching, guards, identity, the API and CLI).
"""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from device_protocol import clock, wand
from device_protocol.events import parse_batch
from device_protocol.wand import BadRow, Mapping, WandFileError, WandRead, read
from tests.wand_exports import text, workbook

T1 = datetime(2026, 11, 21, 22, 3, 10)
T2 = datetime(2026, 11, 21, 22, 9, 44)
HEADER = ("Wand", "Tag", "Time")


def test_each_touch_becomes_a_read_with_its_line_chip_time_and_wand():
    export = read(
        text(
            HEADER,
            [("WAND-7", "01-0000-00AA-AA00-01", "2026/11/21 22:03:10"), ("WAND-7", "01AB", T2)],
        ),
        "export.csv",
    )
    assert export.bad == []
    assert export.reads == [
        WandRead(2, "01-0000-00AA-AA00-01", T1, "WAND-7"),
        WandRead(3, "01AB", T2, "WAND-7"),
    ]


def test_times_stay_the_wands_naive_wall_clock():
    (only,) = read(text(HEADER, [("W", "01AA", "2026-11-21 22:03:10")]), "x.csv").reads
    assert only.local_time.tzinfo is None  # the importer places it in the site's zone


def test_cells_are_trimmed_and_an_empty_wand_cell_falls_back_to_the_given_serial():
    rows = [(" W1 ", " 01AA ", " 2026-11-21 22:03:10 "), (" ", "01AB", "2026-11-21 22:09:44")]
    export = read(text(HEADER, rows), "x.csv", Mapping(wand_serial="W-GIVEN"))
    assert [(r.wand, r.tag) for r in export.reads] == [("W1", "01AA"), ("W-GIVEN", "01AB")]


def test_bad_rows_are_reported_by_line_and_the_good_ones_kept():
    rows = [
        ("W1", "01AA", "2026/11/21 22:03:10"),
        ("W1", "", "2026/11/21 22:04:00"),
        ("", "", ""),
        ("W1", "01AC", "yesterday"),
        ("W1", "01AD"),
        ("", "01AE", "2026/11/21 22:05:00"),
        ("W" * 101, "01AF", "2026/11/21 22:06:00"),
        ("W1", "01AG", "0001-01-01 00:00:00"),
        ("W1", "01AB", "2026/11/21 22:09:44"),
    ]
    export = read(text(HEADER, rows), "x.csv")
    assert [(r.line, r.tag) for r in export.reads] == [(2, "01AA"), (10, "01AB")]
    assert export.bad == [
        BadRow(3, "no chip id"),
        BadRow(5, "unreadable time 'yesterday'"),
        BadRow(6, "no time"),
        BadRow(7, "no wand serial"),
        BadRow(8, "a wand serial longer than 100 characters"),
        BadRow(9, "time out of range: 0001-01-01"),
    ]  # the blank line 4 is skipped, not bad


def test_a_header_only_export_has_no_reads():
    export = read(text(HEADER, []), "x.csv")
    assert (export.reads, export.bad) == ([], [])


def test_bad_cells_of_a_workbook_are_bad_rows_too():
    rows = [("W9", "01AA", T1), ("W9", "01AB", "soon"), ("W9", "01AC", 12.5), ("W9", None, T2)]
    export = read(workbook(HEADER, rows), "巡更记录.XLSX")
    assert export.reads == [WandRead(2, "01AA", T1, "W9")]
    assert [b.line for b in export.bad] == [3, 4, 5]


def test_a_wand_column_with_more_serials_than_wands_is_refused():
    rows = [(f"W{n}", "01AA", "2026-11-21 22:03:10") for n in range(wand.MAX_WANDS + 1)]
    with pytest.raises(WandFileError, match="different wand serials in 'Wand'") as caught:
        read(text(HEADER, rows), "x.csv")
    assert list(caught.value.errors) == ["wand_column"]


_CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2026-11-21 22:03:10", "01AA", "46347.5", "巡检时间", "钮号", "机号", '"']),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_CELLS, max_size=6), max_size=8), st.sampled_from([",", "\t", ";"]))
def test_any_text_is_an_export_or_one_clear_refusal(rows, delimiter):
    data = "\n".join(delimiter.join(row) for row in rows).encode()
    try:
        export = read(data, "x.csv", Mapping(wand_serial="W"))
    except WandFileError as error:
        assert str(error) and all(isinstance(v, list) for v in error.errors.values())
        return
    assert all(isinstance(r.local_time, datetime) for r in export.reads)


def test_a_wand_clock_offset_moves_every_read_by_the_same_amount():
    # The importer sends a wand's reads as batches "sent" at download time less the offset
    # (PC minus wand): a wand 10 minutes slow has each read placed 10 minutes later.
    export = read(text(HEADER, [("W", "01AA", T1), ("W", "01AB", T2)]), "x.csv")
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
        for n, r in enumerate(export.reads)
    ]
    batch = parse_batch({"sent_at": (received - offset).isoformat(), "events": events})
    placed = [clock.corrected_time(e, batch, received) for e in batch.items]
    assert placed == [
        (datetime(2026, 11, 21, 14, 13, 10, tzinfo=UTC), "wall_clock"),
        (datetime(2026, 11, 21, 14, 19, 44, tzinfo=UTC), "wall_clock"),
    ]
