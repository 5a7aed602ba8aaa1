"""Schedules in a real browser: an admin builds a night patrol for a new site in New York, the
live preview reaches the next clock change and says what it does to a round, then saves and
pauses it; in English and Chinese, on a desktop and a phone."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.models import Organization, User
from server.testing.factories import Factory
from tests.web.conftest import accessible, shoot, sign_in, switch_language

# The next change in New York is a spring (02:30 does not exist) or an autumn one (01:30 comes
# twice), whenever the suite runs: the night below has a round in both.
CHANGED = re.compile(
    r"(02:30 does not exist on .+ in America/New_York \(the clocks go forward\): "
    r"the round is at 03:30 UTC-04:00\.)"
    r"|(01:30 comes twice on .+ in America/New_York \(the clocks go back\): "
    r"the round is at the first one, 01:30 UTC-04:00\.)"
)
CHANGED_ZH = re.compile(r"America/New_York (没有 02:30 这一时刻（时钟拨快）|的 01:30 会出现两次)")


@pytest.fixture
def new_york(demo_app) -> dict[str, object]:
    """A new site of the demo's organization in New York, with a checkpoint and a route."""
    mark = uuid.uuid4().hex[:6]
    with demo_app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        admin = session.scalar(select(User).where(User.login == "demo-admin"))
        site = make.site(
            session.get(Organization, admin.org_id),
            name=f"纽约仓库 NY depot {mark}",
            timezone="America/New_York",
        )
        gate = make.checkpoint(site, name=f"东门 East gate {mark}")
        route = make.route([gate], name=f"夜巡路线 Night route {mark}")
        session.commit()
        return {"site_id": site.id, "route": route.name, "mark": mark}


def test_an_admin_builds_a_night_patrol_across_a_clock_change_and_pauses_it(page: Page, new_york):
    sign_in(page, "demo-admin")
    page.goto(f"/console/schedules?site_id={new_york['site_id']}")
    expect(page.locator("h1")).to_have_text("Schedules")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Every day at 22:00, 00:00, 02:00, and 04:00")
    page.fill("#f-name", f"夜间巡逻 Night patrol {new_york['mark']}")
    page.select_option("#f-route_id", label=str(new_york["route"]))
    # The live preview follows the builder: a round at 01:30 too, all at half past.
    page.locator(".hours label", has_text="01").locator("input").check()
    page.fill("#f-minute", "")
    page.locator("#f-minute").press_sequentially("30")  # typed: the preview follows the keys
    expect(preview).to_contain_text("Every day at 22:30, 00:30, 01:30, 02:30, and 04:30")
    expect(preview.locator(".change")).to_contain_text("the clocks in America/New_York go")
    expect(preview.locator(".flags li").first).to_contain_text(CHANGED)
    expect(preview.locator("tr.flagged").first).to_contain_text(
        re.compile("moved from 02:30|the first of two 01:30")
    )
    expect(preview).to_contain_text("UTC-05:00")
    shoot(page, "schedules")
    accessible(page)

    page.fill("#f-window_min", "50")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[role=status]")).to_contain_text("Schedule saved")
    expect(page.locator("h1")).to_have_text(f"夜间巡逻 Night patrol {new_york['mark']}")
    expect(page.locator(".facts")).to_contain_text("● Active")
    expect(page.locator('.hours input[value="1"]')).to_be_checked()
    expect(page.locator("#preview .flags li").first).to_contain_text(CHANGED)
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("[role=status]")).to_contain_text("Paused: no rounds are made")
    expect(page.locator(".facts")).to_contain_text("‖ Paused")
    shoot(page, "schedule")
    accessible(page)

    switch_language(page, "zh")
    expect(page.locator(".facts")).to_contain_text("已暂停")
    expect(page.locator(".facts")).to_contain_text("每天 22:30、00:30、01:30、02:30和04:30")
    expect(page.locator("#preview .flags li").first).to_contain_text(CHANGED_ZH)
    shoot(page, "schedule")
    accessible(page)
    page.get_by_role("link", name=re.compile("纽约仓库 NY depot .* 的排班计划")).click()
    row = page.locator("table.schedules tr", has_text=f"Night patrol {new_york['mark']}")
    expect(row).to_contain_text("已暂停")
    expect(row).to_contain_text("夜巡路线 Night route")
    shoot(page, "schedules")
    accessible(page)


def test_without_javascript_the_preview_button_shows_the_preview(browser, console, new_york):
    context = browser.new_context(base_url=console, java_script_enabled=False, locale="en-US")
    page = context.new_page()
    try:
        sign_in(page, "demo-admin")
        page.goto(f"/console/schedules?site_id={new_york['site_id']}")
        page.locator('input[name="shape"][value="every"]').check()
        page.fill("#f-every", "3")
        page.fill("#f-from_time", "21:00")
        page.fill("#f-to_time", "03:00")
        page.get_by_role("button", name="Preview").click()
        expect(page.locator("#preview")).to_contain_text("Every day at 21:00, 00:00, and 03:00")
        expect(page.locator('input[name="shape"][value="every"]')).to_be_checked()
    finally:
        context.close()
