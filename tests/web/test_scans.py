"""The scan log page: filters that filter, flags in words, keyset pages, a CSV of the same rows."""

import csv
import html
import io
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import Checkpoint, Device, DeviceEvent, User
from server.testing.factories import Factory
from tests.events import conftest as scan_log
from tests.events.conftest import T0, Log, newest_first
from tests.web.conftest import accessible, shoot, sign_in, switch_language

PATH = "/console/scans"
log = scan_log.log  # the API's small scan log, read here through `lake`


@pytest.fixture
def lake(make, org, log: Log) -> Log:
    """The log with two more events at 湖畔花园 that differ from the rest in every filter: the
    handheld of both sites carried by another guard to no checkpoint, and an incident at the
    gate."""
    gate = make.checkpoint(log.lakeside, name="东门")
    other = make.user(org, Role.GUARD, [log.lakeside], name="王芳")
    log.events += [
        make.event(
            log.roamer,
            log.lakeside,
            "scan",
            at=T0 + timedelta(minutes=8),
            user_id=other.id,
            data={"method": "qr", "payload": "x"},
        ),
        make.event(
            log.handheld,
            log.lakeside,
            "incident",
            at=T0 + timedelta(minutes=9),
            user_id=log.guard.id,
            checkpoint_id=gate.id,
            data={"category": "fire", "severity": "high", "text": "烟", "photos": []},
        ),
    ]
    return log


@pytest.fixture
def supervisor(console_as, make, org, lake: Log):
    """A supervisor of 湖畔花园 only (not of 滨江大厦)."""
    return console_as(make.user(org, Role.SUPERVISOR, [lake.lakeside]))


def shown(supervisor, **query) -> list[int]:
    """The ids of the events the page lists, in its order."""
    answer = supervisor.get(PATH, query_string=query)
    assert answer.status_code == 200, answer.text
    return [int(i) for i in re.findall(r'data-event="(\d+)"', answer.text)]


def at_lakeside(lake: Log, **wanted) -> list[int]:
    return lake.by(site_id=lake.lakeside.id, **wanted)


class TestFilters:
    def test_unfiltered_the_sites_events_newest_first_by_corrected_time(
        self, supervisor, lake: Log
    ):
        assert shown(supervisor) == at_lakeside(lake)
        # The late-synced event happened first: it comes last.
        assert shown(supervisor)[-1] == lake.events[6].id

    @pytest.mark.parametrize(
        "query,wanted",
        [
            (lambda lake: {"guard": lake.guard.id}, lambda lake: {"user_id": lake.guard.id}),
            (
                lambda lake: {"handheld": lake.handheld.id},
                lambda lake: {"device_id": lake.handheld.id},
            ),
            (
                lambda lake: {"checkpoint": lake.hv_room.id},
                lambda lake: {"checkpoint_id": lake.hv_room.id},
            ),
            (lambda lake: {"type": "scan"}, lambda lake: {"type": "scan"}),
        ],
    )
    def test_each_filter_narrows_the_list(self, supervisor, lake, query, wanted):
        assert shown(supervisor, **query(lake)) == at_lakeside(lake, **wanted(lake))

    def test_flagged_only_and_one_flag(self, supervisor, lake: Log):
        flagged = [lake.events[4].id, lake.events[1].id]
        assert shown(supervisor, flagged="1") == flagged
        assert shown(supervisor, flag="inactive_checkpoint") == [lake.events[4].id]
        assert shown(supervisor, flag="manual_entry", flagged="1") == flagged

    def test_from_and_to_are_the_sites_wall_clock(self, supervisor, lake: Log):
        # T0 is 22:00 in Shanghai: 22:01 up to (not including) 22:05 holds minutes 1 and 2.
        query = {"from": "2026-11-20T22:01", "to": "2026-11-20T22:05"}
        assert shown(supervisor, **query) == [lake.events[1].id, lake.events[0].id]

    def test_another_site_or_tenant_is_not_there(self, supervisor, lake: Log):
        listed = shown(supervisor)
        assert lake.foreign.id not in listed and lake.events[3].id not in listed
        assert supervisor.get(PATH, query_string={"site_id": lake.tower.id}).status_code == 404
        foreign_site = lake.foreign.site_id
        assert supervisor.get(f"{PATH}.csv?site_id={foreign_site}").status_code == 404

    @pytest.mark.parametrize(
        "query,field",
        [
            ({"from": "yesterday"}, "From"),
            ({"to": "2026-02-30T10:00"}, "To"),
            ({"from": "2026-11-21T00:00", "to": "2026-11-20T00:00"}, "To"),
            ({"guard": "abc"}, "Guard"),
            ({"handheld": "-1"}, "Handheld"),
            ({"checkpoint": "99999999999"}, "Checkpoint"),
            ({"site_id": "１"}, "Site"),
            ({"type": "dance"}, "Event"),
            ({"flag": "purple"}, "Flag"),
            ({"cursor": "not-a-cursor"}, "Page"),
            ({"from": "0001-01-01T00:00"}, "From"),
        ],
    )
    def test_bad_input_is_a_page_that_says_what_is_wrong(self, supervisor, query, field):
        for path in (PATH, f"{PATH}.csv"):
            answer = supervisor.get(path, query_string=query)
            assert answer.status_code == 422
            assert f"<b>{field}</b>" in answer.text and 'role="alert"' in answer.text


class TestWords:
    def test_flags_read_as_words_in_either_language(self, supervisor, lake: Log):
        page = supervisor.get(PATH, query_string={"flagged": "1"}).text
        assert "code typed in, not scanned" in page and "checkpoint deactivated" in page
        assert "manual_entry" not in re.sub(r'value="[a-z_]+"', "", page)
        supervisor.set_cookie("vigil_lang", "zh", path="/")
        page = supervisor.get(PATH, query_string={"flagged": "1"}).text
        assert "手动输入编号，未扫描" in page and "巡更点已停用" in page
        assert '"事件">扫描 <span class="muted">· NFC</span>' in page  # not the English, cached

    def test_times_are_the_sites_with_its_offset_and_names_are_names(self, supervisor, lake: Log):
        page = supervisor.get(PATH).text
        row = page[page.index(f'data-event="{lake.events[1].id}"') :].split("</tr>")[0]
        assert "2026-11-20 22:02 +08:00" in row
        assert all(name in row for name in ("张伟", "巡更机 1", "高压配电室"))

    def test_html_in_a_note_or_a_name_shows_as_text(self, supervisor, make, lake: Log):
        lake.guard.name = "<b>张伟</b>"
        note = {"method": "nfc", "uid": "04", "note": "<script>alert(1)</script>"}
        make.event(lake.handheld, lake.lakeside, "scan", at=T0, user_id=lake.guard.id, data=note)
        page = supervisor.get(PATH).text
        assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
        assert "<b>张伟" not in page and "&lt;b&gt;张伟" in page


def csv_rows(answer) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))


class TestCsv:
    def test_the_download_holds_the_pages_rows_with_chinese_names(self, supervisor, lake: Log):
        page = supervisor.get(PATH, query_string={"guard": lake.guard.id}).text
        link = html.unescape(re.search(r'href="([^"]+\.csv[^"]*)"[^>]*>Download CSV', page)[1])
        answer = supervisor.get(link)
        assert answer.status_code == 200
        assert answer.data.startswith("\ufeffid,".encode())  # Excel reads UTF-8 with a BOM
        rows = csv_rows(answer)
        assert [int(r["id"]) for r in rows] == shown(supervisor, guard=lake.guard.id)
        assert {(r["site"], r["guard"], r["device"]) for r in rows} == {
            ("湖畔花园", "张伟", "巡更机 1")
        }

    def test_the_file_is_an_attachment_named_for_the_site_and_dates(self, supervisor, lake: Log):
        query = {"from": "2026-11-20T22:00", "to": "2026-11-21T06:00"}
        answer = supervisor.get(f"{PATH}.csv", query_string=query)
        disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="scans_2026-11-20_2026-11-21.csv"')
        assert (
            unquote(disposition.split("UTF-8''")[1]) == "scans_湖畔花园_2026-11-20_2026-11-21.csv"
        )
        assert [int(r["id"]) for r in csv_rows(answer)] == shown(supervisor, **query)


class TestPaging:
    def test_older_pages_never_repeat_or_skip_even_as_events_arrive(
        self, supervisor, make, lake: Log
    ):
        # 120 more, in pairs at the same instant: the id settles each tie.
        for n in range(60):
            for _ in range(2):
                make.event(lake.handheld, lake.lakeside, "scan", at=T0 - timedelta(minutes=n + 1))
        expected = newest_first(
            make.session.scalars(
                select(DeviceEvent).where(DeviceEvent.site_id == lake.lakeside.id)
            ).all()
        )
        seen, target, pages = [], PATH, 0
        while target:
            text = supervisor.get(target).text
            seen += [int(i) for i in re.findall(r'data-event="(\d+)"', text)]
            pages += 1
            # A new event arriving meanwhile goes to the top, never onto a later page.
            make.event(lake.handheld, lake.lakeside, "scan", at=utcnow())
            found = re.search(r'rel="next" href="([^"]+)"', text)
            target = html.unescape(found[1]) if found else None
            assert target is None or ("cursor=" in target and "offset" not in target)
        assert seen == expected and pages == 3


# --- in the browser, on the demo estate -------------------------------------------------------


@pytest.fixture(scope="module")
def flagged(demo_app) -> list[int]:
    """Two flagged scans in the demo (it has none): a typed code and a revoked tag, two nights
    ago at the north gate, as sync stores them."""
    with demo_app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        device = session.scalar(select(Device).where(Device.serial == "HT-0001"))
        guard = session.scalar(select(User).where(User.login == "demo-guard1"))
        gate = session.scalar(select(Checkpoint).where(Checkpoint.name.like("%North gate%")))
        site = device.sites[0]
        at = utcnow() - timedelta(days=2)
        made = []
        for minutes, flags, data in (
            (0, ["manual_entry"], {"method": "manual", "code": gate.code}),
            (1, ["tag_revoked"], {"method": "qr", "payload": "V1:C:1:G:1:REVOKED"}),
        ):
            event = make.event(
                device,
                site,
                "scan",
                at=at + timedelta(minutes=minutes),
                checkpoint_id=gate.id,
                user_id=guard.id,
                flags=flags,
                data=data,
            )
            made.append(event.id)
        session.commit()
    return made


def test_a_supervisor_filters_to_flagged_scans_reads_why_and_downloads_them(
    page: Page, flagged: list[int]
):
    sign_in(page)
    page.get_by_role("link", name="Scan log").click()
    expect(page.locator("h1")).to_have_text("Scan log")
    page.get_by_label("Flagged only").check()
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.log tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("QR tag revoked")
    expect(rows.nth(1)).to_contain_text("code typed in, not scanned")
    expect(rows.first).to_contain_text("张伟 Zhang Wei")
    shoot(page, "scans")
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("scans_湖畔花园 Lakeside Gardens_all_")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows_in_file = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["id"]) for r in rows_in_file] == sorted(flagged, reverse=True)
    assert {r["guard"] for r in rows_in_file} == {"张伟 Zhang Wei (guard)"}

    switch_language(page, "zh")
    expect(page.locator("h1")).to_have_text("巡更记录")
    expect(page.get_by_label("仅看有标记的")).to_be_checked()
    expect(rows.first).to_contain_text("扫描 · 二维码")
    expect(rows.first).to_contain_text("二维码已作废")
    expect(rows.nth(1)).to_contain_text("手动输入编号，未扫描")
    shoot(page, "scans")
    accessible(page)
