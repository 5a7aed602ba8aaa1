"""People in a real browser: an admin adds a guard with a Chinese name on the demo site, the
password shown once signs them in, a reset shows another that replaces it; a supervisor only
reads."""

import re
import secrets

import httpx
from playwright.sync_api import Page, expect

from tests.web.conftest import accessible, shoot, sign_in, switch_language

DEMO_SITE = "湖畔花园 Lakeside Gardens"


def _token(console: str, login: str, password: str) -> int:
    """What the API's token endpoint answers to this login and password."""
    with httpx.Client(base_url=console, timeout=10) as http:
        return http.post(
            "/api/v1/auth/token", json={"login": login, "password": password}
        ).status_code


def _shown_password(page: Page) -> str:
    password = page.locator("#new-password").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    return password


def test_an_admin_adds_a_guard_and_resets_their_password(page: Page, console: str):
    run = secrets.token_hex(3)
    name, login = f"陈静 {run}", f"chen.jing.{run}"
    chip = f"0A{run.upper()}5E"
    sign_in(page, "demo-admin")
    page.goto("/console/people")
    expect(page.locator("#list-h")).to_contain_text("Who signs in")
    shoot(page, "people")
    accessible(page)

    page.locator("summary", has_text="Add a person").click()
    page.fill("#f-name", name)
    page.fill("#f-login", login)
    page.select_option("#f-role", "guard")
    page.get_by_label(DEMO_SITE).check()
    page.fill("#f-person_tags", f"ibutton {chip}")
    page.get_by_role("button", name="Add this person").click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".secret")).to_contain_text("It will not be shown again.")
    first = _shown_password(page)
    shoot(page, "people-added")
    accessible(page)
    assert _token(console, login, first) == 201

    page.get_by_role("button", name="Reset the password").click()
    second = _shown_password(page)
    assert second != first
    expect(page.locator("#secret-h")).to_have_text("New password")
    assert _token(console, login, second) == 201
    assert _token(console, login, first) == 401

    # Their page, without the password, and in the list with their site and chip.
    page.get_by_role("link", name="People").first.click()
    row = page.locator("tr", has_text=login)
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("Guard")
    expect(row).to_contain_text(DEMO_SITE)
    expect(row).to_contain_text(chip)
    row.get_by_role("link", name=name).click()
    expect(page.locator("#new-password")).to_have_count(0)
    shoot(page, "people-person")
    accessible(page)

    switch_language(page, "zh")
    expect(page.locator("#account-h")).to_have_text("密码与登录权限")
    shoot(page, "people-person")
    accessible(page)
    page.get_by_role("button", name="重置密码").click()
    third = _shown_password(page)
    expect(page.locator(".secret")).to_contain_text("此密码不会再次显示。")
    shoot(page, "people-added")
    assert _token(console, login, third) == 201
    page.goto("/console/people")
    expect(page.locator("tr", has_text=login)).to_contain_text("保安")
    shoot(page, "people")
    accessible(page)


def test_a_refused_person_keeps_what_was_typed(page: Page):
    sign_in(page, "demo-admin")
    page.goto("/console/people")
    page.locator("summary", has_text="Add a person").click()
    page.fill("#f-name", "重名的人")
    page.fill("#f-login", "demo-guard1")  # taken
    page.fill("#f-password", "short")
    page.get_by_role("button", name="Add this person").click()
    expect(page.locator("#form-problem")).to_be_visible()
    expect(page.locator("#f-name")).to_have_value("重名的人")
    expect(page.locator("#f-password")).to_have_value("")
    accessible(page)


def test_a_supervisor_reads_people_but_changes_nothing(page: Page):
    sign_in(page, "demo-super")
    page.goto("/console/people")
    expect(page.locator("tr", has_text="demo-guard1")).to_contain_text("张伟")
    expect(page.locator("#new-h")).to_have_count(0)
    page.locator("tr", has_text="demo-guard1").get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.get_by_role("button", name="Reset the password")).to_have_count(0)
    expect(page.locator("#edit-h")).to_have_count(0)
    accessible(page)
