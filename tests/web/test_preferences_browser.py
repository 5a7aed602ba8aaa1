"""My notifications in a real browser: a guard finds the page in the bar, picks a timezone by
typing part of a city, is told what quiet hours do, sees a refusal beside its field and saves;
an admin opens the same person's page from People and sees what they chose."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.models import User
from tests.web.conftest import accessible, shoot, sign_in, switch_language


def test_a_guard_sets_their_own_notifications(page: Page):
    sign_in(page, "demo-guard1")
    page.get_by_role("link", name="My notifications").click()
    expect(page.locator("h1")).to_have_text("My notifications")
    expect(page.locator("#quiet-explained")).to_contain_text(
        "high and critical alerts always come through"
    )
    page.fill("#f-email", "guard1@example.com")
    page.select_option("#f-language", "zh")
    page.fill("#f-timezone", "")
    page.locator("#f-timezone").press_sequentially("shangh")
    page.locator(".tz-choices li", has_text="Asia/Shanghai").first.click()
    expect(page.locator("#timezone-offset")).to_have_text("UTC+08:00")
    page.fill("#f-quiet_start", "22:00")
    page.fill("#f-quiet_end", "")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#quiet_end-error")).to_contain_text("quiet hours need a start and an end")
    expect(page.locator("#f-quiet_end")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-email")).to_have_value("guard1@example.com")  # what was typed stays
    shoot(page, "my-notifications-refused")
    accessible(page)
    page.fill("#f-quiet_end", "06:30")
    page.fill("#f-digest_at", "07:00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[role=status]")).to_have_text("Saved.")
    expect(page.locator("#f-quiet_end")).to_have_value("06:30")
    shoot(page, "my-notifications")
    accessible(page)
    switch_language(page, "zh")
    expect(page.locator("#f-timezone")).to_have_value("Asia/Shanghai")
    shoot(page, "my-notifications")
    accessible(page)


def test_an_admin_opens_a_persons_notifications_from_people(page: Page, demo_app):
    with demo_app.extensions["vigil"].sessionmaker() as session:
        guard = session.scalars(select(User).where(User.login == "demo-guard2")).one()
    sign_in(page, "demo-admin")
    page.goto(f"/console/people/{guard.id}")
    page.get_by_role("link", name=f"How {guard.name} is told of alerts").click()
    expect(page.locator("h1")).to_have_text(f"Notifications for {guard.name}")
    expect(page.locator("#f-timezone")).to_have_value("Asia/Shanghai")  # their site's
    page.fill("#f-email", "guard2@example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[role=status]")).to_have_text("Saved.")
    expect(page.locator("#f-email")).to_have_value("guard2@example.com")
    shoot(page, "person-notifications")
    accessible(page)
