"""The scan log as CSV: the list's events, names in Chinese, local times, safe for Excel."""

import csv
import io

import pytest

from server.domain import events
from server.domain.actor import Role
from server.domain.models import Organization
from tests.events.conftest import newest_first

PATH = "/api/v1/events.csv"


def exported(client, headers, **query):
    response = client.get(PATH, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response


def rows(response):
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_file_is_utf8_with_a_bom_for_excel_as_an_attachment(client, admin, log):
    response = exported(client, admin)
    assert response.data.startswith("\ufeffid,uuid,type,".encode())
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="events.csv"'


def test_it_holds_the_lists_events_in_the_lists_order(client, admin, log):
    query = {"user_id": log.guard.id}
    listed = client.get("/api/v1/events", query_string=query, headers=admin).json["items"]
    assert [int(r["id"]) for r in rows(exported(client, admin, **query))] == [
        e["id"] for e in listed
    ]
    assert [int(r["id"]) for r in rows(exported(client, admin))] == newest_first(log.events)


def test_a_row_names_the_place_handheld_and_guard_in_chinese_at_local_time(client, admin, log):
    event = log.events[1]
    (row,) = rows(exported(client, admin, flags="manual_entry", until="2026-11-20T14:03:00Z"))
    assert row == {
        "id": str(event.id),
        "uuid": event.uuid,
        "type": "scan",
        # 14:02 UTC is 22:02 in Shanghai, written with its offset.
        "corrected_time": "2026-11-20T22:02:00+08:00",
        "device_time": "2026-11-20T22:02:00+08:00",
        "received_at": "2026-11-20T22:02:00+08:00",
        "time_source": "wall_clock",
        "site_id": str(log.lakeside.id),
        "site": "湖畔花园",
        "checkpoint_id": str(log.hv_room.id),
        "checkpoint": "高压配电室",
        "device_id": str(log.handheld.id),
        "device": "巡更机 1",
        "device_serial": "HT-0001",
        "user_id": str(log.guard.id),
        "guard": "张伟",
        "flags": "manual_entry",
        "data": '{"method": "nfc", "uid": "04A21F9C"}',
    }


def test_a_long_export_is_streamed_a_page_at_a_time_neither_repeating_nor_skipping(
    client, make, admin, log, monkeypatch
):
    # Two more events at the same instant as the oldest: a page boundary falls among them.
    oldest = log.events[-1]
    log.events += [make.event(log.handheld, log.lakeside, "scan", at=oldest.corrected_time)]
    log.events += [make.event(log.roamer, log.lakeside, "scan", at=oldest.corrected_time)]
    monkeypatch.setattr(events, "_CHUNK", 2)
    response = exported(client, admin)
    assert response.is_streamed
    assert [int(r["id"]) for r in rows(response)] == newest_first(log.events)


def test_an_event_at_no_site_is_written_in_utc(client, admin, log):
    (row,) = rows(exported(client, admin, type="shift"))
    assert row["site"] == "" and row["corrected_time"] == "2026-11-20T14:06:00+00:00"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_names_that_would_run_as_formulas_are_written_as_text(client, make, org, admin, log, name):
    log.guard.name = name
    log.hv_room.name = name
    make.session.flush()
    (row,) = rows(exported(client, admin, flags="inactive_checkpoint"))
    assert row["guard"] == "'" + name and row["checkpoint"] == "'" + name


def test_a_supervisor_exports_only_their_sites(client, supervisor, log):
    assert {r["site"] for r in rows(exported(client, supervisor))} == {"湖畔花园"}


def test_another_tenant_exports_none_of_these(client, make, log):
    other = make.auth(make.user(make.session.get(Organization, log.foreign.org_id), Role.ADMIN))
    assert [int(r["id"]) for r in rows(exported(client, other))] == [log.foreign.id]


def test_more_events_than_an_export_holds_is_refused_before_any_is_written(
    client, admin, log, monkeypatch
):
    monkeypatch.setattr(events, "MAX_EXPORT", len(log.events) - 1)
    response = client.get(PATH, headers=admin)
    assert response.status_code == 422
    assert "shorter time range" in response.json["message"]
    assert len(rows(exported(client, admin, site_id=log.tower.id))) == 2


def test_a_cursor_is_not_a_filter_of_the_export(client, admin, log):
    assert client.get(PATH, query_string={"cursor": "x"}, headers=admin).status_code == 422
