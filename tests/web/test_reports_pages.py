"""The report pages as a test client sees them: the list (latest period first, filtered, paged,
amended versions marked), asking for a report (its kind's fields, the domain's refusals beside
them, a new request or the latest version), a version's page (figures, what changed, every
version), its file as stored; and nothing of a site the supervisor does not work on."""

import hashlib
import re
from urllib.parse import quote

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import Report, ReportKind, ReportState

PATH = "/console/reports"
NIGHT = {"day": "2026-12-01", "shift": "20:00", "name": "夜班"}


@pytest.fixture
def blobs(app):
    return app.extensions["vigil"].blobs


@pytest.fixture
def other_site(make, org):
    return make.site(org, name="滨江大厦")


@pytest.fixture
def supervisor_user(make, org, site, other_site):
    """A supervisor of 湖畔花园 only (not of 滨江大厦)."""
    return make.user(org, Role.SUPERVISOR, [site], name="王主管")


@pytest.fixture
def console(console_as, supervisor_user):
    return console_as(supervisor_user)


@pytest.fixture
def night(make, site, blobs):
    """A made daily activity report of 湖畔花园's night shift of 2026-12-01."""
    return make.report(site, blobs, figures={"rounds": 4, "rounds_missed": 1, "incidents": 2})


def a_report(make, db, site, blobs, day: str, **kw) -> Report:
    """A report of the night shift starting on day (its period starts then), made unless a
    state is given."""
    state = kw.pop("state", ReportState.MADE)
    report = make.report(
        site, blobs, content=day.encode(), subject=f"{day} 20:00", params=NIGHT | {"day": day}, **kw
    )
    report.since = report.since.replace(month=int(day[5:7]), day=int(day[-2:]))
    report.state = state
    db.flush()
    return report


def listed(client, **query) -> list[int]:
    answer = client.get(PATH, query_string=query)
    assert answer.status_code == 200, answer.text
    return [int(i) for i in re.findall(r'data-report="(\d+)"', answer.text)]


def row(page: str, report: Report) -> str:
    return page[page.index(f'data-report="{report.id}"') :].split("</tr>")[0]


def field_error(page: str, name: str) -> str:
    found = re.search(rf'class="field-error" id="{name}-error">([^<]*)<', page)
    return found.group(1) if found else ""


def ask_form(site, **change) -> dict:
    form = {"site_id": site.id, "kind": "daily_activity", "language": "zh", "format": "pdf"}
    return form | {"day": "2026-12-02", "shift": "20:00"} | change


class TestList:
    def test_the_latest_period_first_each_row_in_words(self, console, make, db, site, blobs):
        older = a_report(make, db, site, blobs, "2026-11-20")
        newer = a_report(make, db, site, blobs, "2026-11-21")
        asked = a_report(make, db, site, blobs, "2026-11-22", state=ReportState.REQUESTED)
        assert listed(console) == [asked.id, newer.id, older.id]
        page = console.get(PATH).text
        shown = row(page, older)
        assert all(w in shown for w in ("Daily activity", "湖畔花园", "2026-11-20 夜班", "Ready"))
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d \+08:00", shown)  # made, in site time
        assert f'href="{PATH}/{older.id}/file"' in shown
        assert "Being made" in row(page, asked) and "/file" not in row(page, asked)

    def test_an_amended_version_is_marked_and_the_first_stays(
        self, console, make, db, site, blobs, night
    ):
        amended = make.report(site, blobs, version=2, amends_id=night.id)
        page = console.get(PATH).text
        assert listed(console) == [amended.id, night.id]
        assert "amended" in row(page, amended) and "amended" not in row(page, night)

    def test_filters_by_site_and_kind(self, console_as, make, org, site, other_site, blobs):
        here, there = make.report(site, blobs), make.report(other_site, blobs)
        admin = console_as(make.user(org, Role.ADMIN))
        assert set(listed(admin)) == {here.id, there.id}
        assert listed(admin, site_id=other_site.id) == [there.id]
        assert listed(admin, kind="compliance") == []
        assert listed(admin, kind="daily_activity", site_id=site.id) == [here.id]
        assert admin.get(PATH, query_string={"kind": "weekly"}).status_code == 422

    def test_pages_of_twenty_neither_repeat_nor_skip(self, console, make, db, site, blobs):
        for n in range(23):
            a_report(make, db, site, blobs, f"2026-11-{n + 1:02d}")
        first, second = listed(console), listed(console, page=2)
        assert len(first) == 20 and len(second) == 3 and not set(first) & set(second)
        assert "Page 2 of 2" in console.get(PATH, query_string={"page": 2}).text

    def test_a_failed_report_says_why(self, console, make, db, site, blobs):
        failed = a_report(
            make, db, site, blobs, "2026-11-02", state=ReportState.FAILED, error="no such shift"
        )
        shown = row(console.get(PATH).text, failed)
        assert "Failed" in shown and "no such shift" in shown

    def test_the_bar_links_to_it(self, console):
        assert f'href="{PATH}"' in console.get("/console/today").text


class TestScope:
    def test_a_supervisor_of_another_site_sees_none_of_its_reports(
        self, console, make, other_site, blobs
    ):
        theirs = make.report(other_site, blobs)
        assert theirs.id not in listed(console)
        assert console.get(PATH, query_string={"site_id": other_site.id}).status_code == 404
        assert console.get(f"{PATH}/{theirs.id}").status_code == 404
        assert console.get(f"{PATH}/{theirs.id}/file").status_code == 404
        asked = console.post_form(f"{PATH}/new", ask_form(other_site))
        assert asked.status_code == 422 and field_error(asked.text, "site_id") == "unknown site"

    def test_guards_are_refused(self, console_as, make, org, site, night):
        guard = console_as(make.user(org, Role.GUARD, [site]))
        assert guard.get(PATH).status_code == 403
        assert guard.get(f"{PATH}/{night.id}/file").status_code == 403


class TestAsk:
    def test_the_form_offers_the_sites_own_shifts(self, console, db, site):
        site.shifts = [{"name": "早班", "start": "06:00"}, {"name": "中班", "start": "14:00"}]
        db.flush()
        page = console.get(f"{PATH}/new").text
        assert '<option value="06:00">早班 (06:00)</option>' in page
        assert "夜班" not in page
        assert 'name="csrf_token"' in page and 'method="post"' in page

    @pytest.mark.parametrize(
        ("kind", "fields"),
        [
            ("daily_activity", ("day", "shift")),
            ("compliance", ("since", "until")),
            ("asset_month", ("asset_id", "month")),
            ("audit", ("record_id",)),
        ],
    )
    def test_each_kind_asks_for_what_it_needs(self, console, make, org, site, kind, fields):
        generator = make.asset(site, name="1号发电机")
        make.inspection(generator, make.template(org, name="安全巡查"), score=86.5, grade="good")
        page = console.get(f"{PATH}/new", query_string={"kind": kind}).text
        asked = set(re.findall(r'name="(day|shift|since|until|asset_id|month|record_id)"', page))
        assert asked == set(fields)

    def test_equipment_and_scored_audits_of_the_site_are_offered(
        self, console, make, org, site, other_site
    ):
        generator = make.asset(site, name="1号发电机")
        make.asset(other_site, name="滨江发电机")
        audit = make.template(org, name="Audit", name_zh="安全巡查")
        scored = make.inspection(generator, audit, score=86.5, grade="good")
        make.inspection(generator, audit)  # not scored
        equipment = console.get(f"{PATH}/new", query_string={"kind": "asset_month"}).text
        assert "1号发电机" in equipment and "滨江发电机" not in equipment
        audits = console.get(f"{PATH}/new", query_string={"kind": "audit"}).text
        offered = re.findall(r'<option value="(\d+)">([^<]*)</option>', audits)
        assert [int(v) for v, _ in offered] == [scored.id]
        assert "Audit · 86.5" in offered[0][1]

    def test_a_shift_the_site_lacks_is_refused_beside_the_field(self, console, db, site):
        answer = console.post_form(f"{PATH}/new", ask_form(site, shift="21:00"))
        assert answer.status_code == 422
        assert field_error(answer.text, "shift") == "one of 08:00, 20:00"
        assert 'value="2026-12-02"' in answer.text  # what was typed is kept
        assert db.scalars(select(Report)).all() == []

    def test_what_the_schema_refuses_is_beside_its_field(self, console, site):
        answer = console.post_form(f"{PATH}/new", ask_form(site, day="2026-02-30"))
        assert answer.status_code == 422 and field_error(answer.text, "day")
        missing = console.post_form(
            f"{PATH}/new", ask_form(site, kind="compliance", since="2026-11-01")
        )
        assert missing.status_code == 422 and field_error(missing.text, "until")

    def test_asking_makes_a_request_and_shows_its_page(self, console, db, site, supervisor_user):
        answer = console.post_form(f"{PATH}/new", ask_form(site))
        assert answer.status_code == 302
        report = db.scalars(select(Report)).one()
        assert answer.location == f"{PATH}/{report.id}?asked=new"
        assert (report.kind, report.subject) == (ReportKind.DAILY_ACTIVITY, "2026-12-02 20:00")
        assert report.state is ReportState.REQUESTED
        assert report.requested_by == supervisor_user.id
        page = console.get(answer.location).text
        assert "Being made" in page and "王主管" in page
        assert f'hx-get="{PATH}/{report.id}" hx-trigger="every 3s"' in page

    def test_asking_again_for_a_made_report_shows_its_latest_version(self, console, site, night):
        answer = console.post_form(f"{PATH}/new", ask_form(site, day="2026-12-01"))
        assert answer.location == f"{PATH}/{night.id}?asked=made"
        assert "asked for before" in console.get(answer.location).text

    def test_without_the_csrf_token_nothing_is_asked(self, console, db, site):
        assert console.post(f"{PATH}/new", data=ask_form(site)).status_code == 403
        assert db.scalars(select(Report)).all() == []


class TestReportPage:
    def test_a_made_report_with_its_hash_size_and_figures(self, console, night):
        page = console.get(f"{PATH}/{night.id}").text
        assert night.sha256 in page and "13 bytes" in page
        figures = page[page.index("<h2>Figures</h2>") :]
        assert re.search(r"Scheduled rounds</th><td[^>]*>4<", figures)
        assert re.search(r"Rounds missed</th><td[^>]*>1<", figures)
        assert f'href="{PATH}/{night.id}/file"' in page
        assert "hx-trigger" not in page

    def test_an_amended_version_says_what_changed_and_links_every_version(
        self, console, make, site, blobs, night
    ):
        later = {"rounds": 4, "rounds_missed": 0, "incidents": 2, "new_figure": 3}
        amended = make.report(
            site,
            blobs,
            content=b"v2",
            version=2,
            figures=later,
            amends_id=night.id,
            changes=["rounds_missed: 1 → 0"],
        )
        page = console.get(f"{PATH}/{amended.id}").text
        changed = page[page.index("What changed") : page.index("<h2>Figures</h2>")]
        assert re.search(r"Rounds missed</th><td[^>]*>1</td><td[^>]*>0<", changed)
        assert re.search(r"new_figure</th><td[^>]*>0</td><td[^>]*>3<", changed)  # as it is
        assert "Incidents" not in changed  # unchanged
        assert f'href="{PATH}/{night.id}"' in page  # the first version, still there
        first = console.get(f"{PATH}/{night.id}").text
        assert f'href="{PATH}/{amended.id}"' in first and "What changed" not in first

    def test_while_it_is_made_htmx_hears_nothing_new_then_the_made_part(self, console, db, night):
        night.state = ReportState.REQUESTED
        db.flush()
        htmx = {"HX-Request": "true"}
        assert console.get(f"{PATH}/{night.id}", headers=htmx).status_code == 204
        night.state = ReportState.MADE
        db.flush()
        part = console.get(f"{PATH}/{night.id}", headers=htmx)
        assert part.status_code == 200 and part.text.lstrip().startswith('<div id="report"')
        assert "Ready" in part.text and "hx-trigger" not in part.text


class TestFile:
    def test_the_bytes_as_stored_with_a_name_in_words(self, console, make, site, blobs):
        content = "%PDF-1.7 报告".encode()
        report = make.report(site, blobs, content=content)
        answer = console.get(f"{PATH}/{report.id}/file")
        assert answer.status_code == 200 and answer.data == content
        assert hashlib.sha256(answer.data).hexdigest() == report.sha256
        assert answer.mimetype == "application/pdf"
        disposition = answer.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        name = "Daily_activity-湖畔花园-2026-12-01_夜班-v1.pdf"
        assert f"filename*=UTF-8''{quote(name)}" in disposition

    @pytest.mark.parametrize(
        ("state", "says"),
        [(ReportState.REQUESTED, "still making"), (ReportState.FAILED, "could not be made")],
    )
    def test_a_report_not_made_is_a_page_saying_so(self, console, db, night, state, says):
        night.state, night.error = state, "gather failed" if state is ReportState.FAILED else None
        db.flush()
        answer = console.get(f"{PATH}/{night.id}/file")
        assert answer.status_code == 409 and says in answer.text
        assert f'href="{PATH}/{night.id}"' in answer.text
