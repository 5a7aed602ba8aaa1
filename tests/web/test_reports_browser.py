"""The report pages in a real browser: a night shift's report asked for through the form, seen
being made and then ready (the page refreshes itself), downloaded as stored; the list with an
amended version and what it changed, in English and Chinese."""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.clock import utcnow
from server.domain.models import Site
from server.reports import making
from server.testing.factories import Factory
from tests.web.conftest import accessible, shoot, sign_in, switch_language

DEMO_SITE = "湖畔花园 Lakeside Gardens"
BEFORE = {
    "rounds": 6, "rounds_completed": 5, "rounds_incomplete": 0, "rounds_missed": 1,
    "stops_scanned": 41, "stops_missed": 3, "incidents": 1, "shift_notes": 2,
    "alerts_raised": 2, "alerts_resolved": 1, "inspections": 1, "abnormal_readings": 0,
}  # fmt: skip
AFTER = BEFORE | {"rounds_completed": 6, "rounds_missed": 0, "stops_scanned": 44, "stops_missed": 0}


@pytest.fixture(scope="module")
def amended(demo_app) -> tuple[int, int]:
    """An old night's report of the demo site, made, then amended by late data: both ids."""
    vigil = demo_app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        site = session.scalar(select(Site).where(Site.name == DEMO_SITE))
        make = Factory(session)
        params = {"day": "2026-10-08", "shift": "20:00", "name": "夜班"}
        first = make.report(
            site, vigil.blobs, subject="2026-10-08 20:00", params=params, figures=BEFORE
        )
        first.since = datetime(2026, 10, 8, 12, tzinfo=UTC)  # 20:00 to 08:00 in Shanghai
        first.until = first.since + timedelta(hours=12)
        changes = [f"{k}: {BEFORE[k]} → {v}" for k, v in AFTER.items() if BEFORE[k] != v]
        second = make.report(
            site,
            vigil.blobs,
            content=b"%PDF-1.4 amended",
            subject=first.subject,
            params=params,
            figures=AFTER,
            version=2,
            amends_id=first.id,
            changes=changes,
        )
        second.since, second.until = first.since, first.until
        session.commit()
        return first.id, second.id


def _made_by_the_worker(demo_app) -> None:
    vigil = demo_app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        assert making.make(session, vigil.blobs, utcnow()) >= 1


def test_a_shift_report_is_asked_for_made_and_downloaded(page: Page, demo_app):
    # Each viewport asks for another night, so each sees its report being made.
    back = 1 if page.viewport_name == "desktop" else 2  # type: ignore[attr-defined]
    night = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=back)).date().isoformat()
    sign_in(page)
    page.locator(".bar nav").get_by_role("link", name="Reports", exact=True).click()
    expect(page.locator("h1")).to_have_text("Reports")
    page.get_by_role("link", name="Ask for a report").click()
    page.select_option("#c-site", label=DEMO_SITE)
    # Another kind, other fields (htmx swaps them in; without script, "Choose" does).
    page.select_option("#c-kind", "compliance")
    expect(page.locator("#f-since")).to_be_visible()
    expect(page.locator("#f-shift")).to_have_count(0)
    page.select_option("#c-kind", "daily_activity")
    expect(page.locator("#ask-h")).to_contain_text(DEMO_SITE)
    page.fill("#f-day", night)
    page.select_option("#f-shift", "20:00")
    expect(page.locator("#f-shift option")).to_have_text(["白班 (08:00)", "夜班 (20:00)"])
    shoot(page, "report-ask")
    accessible(page)
    page.get_by_role("button", name="Ask for it").click()

    expect(page.locator("h1")).to_have_text(f"Daily activity: {night} 夜班")
    expect(page.locator(".state-line")).to_contain_text("Being made")
    shoot(page, "report-being-made")
    _made_by_the_worker(demo_app)
    # The page asks again every few seconds and shows the report once made.
    expect(page.locator(".state-line")).to_contain_text("Ready", timeout=15_000)
    expect(page.locator(".figure-table")).to_contain_text("Scheduled rounds")
    shoot(page, "report")
    accessible(page)

    sha256 = page.locator("code.hash").inner_text()
    with page.expect_download() as download:
        page.locator("#report a.button[download]").click()
    saved = download.value
    assert (
        saved.suggested_filename == f"Daily_activity-湖畔花园_Lakeside_Gardens-{night}_夜班-v1.pdf"
    )
    assert hashlib.sha256(Path(saved.path()).read_bytes()).hexdigest() == sha256

    switch_language(page, "zh")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    shoot(page, "report")
    accessible(page)


def test_the_list_marks_an_amended_version_and_says_what_changed(
    page: Page, amended: tuple[int, int]
):
    first, second = amended
    sign_in(page)
    page.goto("/console/reports")
    page.select_option("#f-kind", "daily_activity")
    expect(page).to_have_url(re.compile(r"kind=daily_activity"))
    row = page.locator(f"tr[data-report='{second}']")
    expect(row).to_contain_text("2026-10-08 夜班")
    expect(row).to_contain_text("amended")
    expect(page.locator(f"tr[data-report='{first}']")).not_to_contain_text("amended")
    shoot(page, "reports")
    accessible(page)

    row.get_by_role("link", name="Daily activity").click()
    changed = page.locator(".card", has_text="Late data changed these figures")
    expect(changed.locator("tbody tr")).to_have_count(4)
    missed = page.get_by_role("rowheader", name="Rounds missed", exact=True)
    expect(changed.locator("tr", has=missed).locator("td")).to_have_text(["1", "0"])
    expect(page.locator(".versions li")).to_have_count(2)
    shoot(page, "report-amended")
    accessible(page)

    switch_language(page, "zh")
    shoot(page, "report-amended")
    page.goto("/console/reports")
    shoot(page, "reports")
    accessible(page)
