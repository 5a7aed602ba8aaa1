"""Field reports in the console: incidents and shift notes by site and day, each on its own page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from server.domain.actor import Role
from tests.field_reports import conftest as field_reports
from tests.field_reports.conftest import T0, Reports, newest_first
from tests.web.conftest import accessible, shoot, sign_in, switch_language

PATH = "/console/field-reports"
reports = field_reports.reports  # the API's reports, read here by a supervisor of 湖畔花园


@pytest.fixture
def supervisor(console_as, make, org, reports: Reports):
    """A supervisor of 湖畔花园 only (not of 滨江大厦)."""
    return console_as(make.user(org, Role.SUPERVISOR, [reports.lakeside]))


def shown(client, **query) -> list[int]:
    answer = client.get(PATH, query_string=query)
    assert answer.status_code == 200, answer.text
    return [int(i) for i in re.findall(r'data-event="(\d+)"', answer.text)]


class TestLists:
    def test_the_sites_incidents_and_shift_notes_newest_first(self, supervisor, reports):
        lakeside = reports.lakeside.id
        incidents = [e for e in reports.incidents.values() if e.site_id == lakeside]
        shifts = [e for e in reports.shifts.values() if e.site_id == lakeside]
        assert shown(supervisor) == newest_first(incidents)
        assert shown(supervisor, tab="shift-notes") == newest_first(shifts)
        assert reports.incidents["intruder"].id not in shown(supervisor)  # 滨江大厦's

    def test_a_day_is_the_sites_day(self, supervisor, make, reports):
        # T0 is 22:00 in Shanghai; three hours on it is 01:00 the next day there.
        late = make.event(
            reports.handheld,
            reports.lakeside,
            "incident",
            at=T0 + timedelta(hours=3),
            data={"category": "other", "severity": "low", "text": "门没锁", "photos": []},
        )
        assert shown(supervisor, day="2026-11-21") == [late.id]
        assert late.id not in shown(supervisor, day="2026-11-20")
        assert len(shown(supervisor, day="2026-11-20")) == 3

    def test_pages_of_twenty_neither_repeat_nor_skip(self, supervisor, make, reports):
        for n in range(25):
            make.event(
                reports.handheld,
                reports.lakeside,
                "shift",
                at=T0 - timedelta(hours=n + 1),
                data={"kind": "handover", "note": f"第 {n} 班"},
            )
        first = shown(supervisor, tab="shift-notes")
        second = shown(supervisor, tab="shift-notes", page=2)
        assert len(first) == 20 and len(second) == 7 and not set(first) & set(second)
        assert (
            "Page 2 of 2"
            in supervisor.get(PATH, query_string={"tab": "shift-notes", "page": 2}).text
        )

    def test_a_report_shows_its_people_place_time_text_and_photos(self, supervisor, reports):
        page = supervisor.get(PATH).text
        smoke = reports.incidents["smoke"]
        card = page[page.index(f'data-event="{smoke.id}"') :].split('<li class="card report"')[0]
        assert "2026-11-20 22:01 +08:00" in card
        assert all(
            word in card
            for word in ("Fire", "High", "张伟", "巡更机 1", "东门岗亭", "配电房有烟味")
        )
        thumbnail = f"/console/photos/{reports.received}/thumbnail.jpg"
        assert f'<a href="/console/photos/{reports.received}/display.jpg">' in card
        assert thumbnail in card
        assert "not uploaded by the handheld yet" in card and reports.awaited not in card
        assert supervisor.get(thumbnail).status_code == 200

    @pytest.mark.parametrize(
        "query,field",
        [({"day": "2026-02-30"}, "Day"), ({"site_id": "x"}, "Site"), ({"page": "0"}, "Page")],
    )
    def test_bad_input_is_a_page_that_says_what_is_wrong(self, supervisor, query, field):
        answer = supervisor.get(PATH, query_string=query)
        assert answer.status_code == 422 and f"<b>{field}</b>" in answer.text


class TestOne:
    def test_an_incident_in_full_with_its_flag_in_words(self, supervisor, reports):
        smoke = reports.incidents["smoke"]
        page = supervisor.get(f"{PATH}/incidents/{smoke.id}").text
        assert "Incident: Fire" in page and "配电房有烟味" in page
        assert "handheld clock off by five minutes or more" in page
        assert "31.23040, 121.47370" in page and "(within 8 m)" in page
        supervisor.set_cookie("vigil_lang", "zh", path="/")
        page = supervisor.get(f"{PATH}/incidents/{smoke.id}").text
        assert "事件上报：火情" in page and "手持机时钟偏差五分钟以上" in page

    def test_a_shift_note_in_full(self, supervisor, reports):
        handover = reports.shifts["handover"]
        page = supervisor.get(f"{PATH}/shift-notes/{handover.id}").text
        assert "Shift: Handover" in page and "东门锁坏了，已报修" in page and "张伟" in page

    def test_html_in_a_note_or_an_incident_shows_as_text(self, supervisor, make, reports):
        script = "<script>alert(1)</script>"
        note = make.event(
            reports.handheld,
            reports.lakeside,
            "shift",
            at=T0,
            user_id=reports.guard.id,
            data={"kind": "handover", "note": script},
        )
        reports.guard.name = "<i>张伟</i>"
        make.session.flush()
        for path in (f"{PATH}?tab=shift-notes", f"{PATH}/shift-notes/{note.id}"):
            page = supervisor.get(path).text
            assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
            assert "<i>张伟" not in page and "&lt;i&gt;张伟" in page

    def test_another_tenants_or_sites_report_is_not_found(self, supervisor, reports):
        for event in (reports.foreign, reports.incidents["intruder"]):
            assert supervisor.get(f"{PATH}/incidents/{event.id}").status_code == 404
        assert supervisor.get(f"{PATH}/shift-notes/{reports.shifts['off'].id}").status_code == 404
        # An incident is not a shift note, nor a scan an incident.
        smoke = reports.incidents["smoke"].id
        assert supervisor.get(f"{PATH}/shift-notes/{smoke}").status_code == 404
        assert supervisor.get(f"{PATH}/incidents/{reports.scan.id}").status_code == 404
        assert supervisor.get(PATH, query_string={"site_id": reports.tower.id}).status_code == 404


# --- in the browser, on the demo estate -------------------------------------------------------


def test_a_supervisor_reads_last_nights_incident_with_its_photo(page: Page):
    sign_in(page)
    page.goto("/console/field-reports")
    expect(page.locator("h1")).to_have_text("Field reports")
    cards = page.locator(".report")
    expect(cards).to_have_count(2)
    shoot(page, "field-reports")
    accessible(page)
    page.get_by_role("link", name="Water leak").click()
    expect(page.locator("h1")).to_contain_text("Incident: Water leak")
    expect(page.locator(".text")).to_contain_text("地下车库B2区消防管道接头漏水")
    photo = page.locator(".report-photos a img")
    expect(photo).to_have_accessible_name("Photo 1 of 1, opens full size")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    shoot(page, "field-report-incident")
    accessible(page)
    switch_language(page, "zh")
    expect(page.locator("h1")).to_contain_text("事件上报：漏水")
    shoot(page, "field-report-incident")
    photo.click()
    expect(page).to_have_url(re.compile(r"/console/photos/[0-9a-f]{64}/display\.jpg$"))
    page.go_back()
    page.get_by_role("link", name="← 现场报告").click()
    expect(cards.first).to_contain_text("损坏")
    shoot(page, "field-reports")
    accessible(page)
    page.get_by_role("link", name="交接班记录").click()
    expect(page.locator("table.log tbody tr").first).to_contain_text("张伟")
    shoot(page, "field-report-shift-notes")
    accessible(page)
