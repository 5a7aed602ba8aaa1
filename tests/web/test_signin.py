"""Signing in and out of the console in a real browser, in both languages."""

from playwright.sync_api import Page, expect

from tests.web.conftest import accessible, fill_sign_in, shoot, sign_in, switch_language


def test_a_supervisor_signs_in_switches_language_and_signs_out(page: Page):
    page.goto("/console/alerts")
    expect(page).to_have_url("/console/sign-in?next=/console/alerts")
    shoot(page, "sign-in")
    accessible(page)
    switch_language(page, "zh")
    expect(page.locator("h1")).to_have_text("登录 Vigil 控制台")
    shoot(page, "sign-in")
    fill_sign_in(page)
    expect(page).to_have_url("/console/alerts")
    expect(page.locator(".bar nav")).to_contain_text("告警")
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url("/console/sign-in")
    page.goto("/console/today")
    expect(page.locator("h1")).to_have_text("登录 Vigil 控制台")


def test_a_wrong_password_is_refused_in_words(page: Page):
    sign_in(page, password="not-the-password")
    expect(page.locator("[role=alert]")).to_have_text("Wrong login or password.")
    expect(page).to_have_url("/console/sign-in")
