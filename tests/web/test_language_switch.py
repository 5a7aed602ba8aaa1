"""The language switch (and the sign-in page, after a session ends) returns to a page a GET
can show, and never to another site: after a form's POST the address in the bar is the
form's, which may take POST only."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from server.domain.actor import Role
from server.domain.clock import set_clock, utcnow
from tests.web.conftest import sign_in, switch_language

HOME = "/console/today"
# A site with no timezone: refused, and the list re-rendered by the POST to /console/sites/new.
BAD_SITE = {"name": "无时区", "timezone": ""}


def switch_of(page_text: str, code: str) -> str:
    link = re.search(rf'href="(/console/language/{code}\?[^"]*)"', page_text).group(1)
    return link.replace("&amp;", "&")


@pytest.fixture
def as_admin(console_as, make, org):
    return console_as(make.user(org, Role.ADMIN))


def test_after_a_refused_form_the_switch_returns_to_the_page_of_the_form(as_admin):
    refused = as_admin.post_form(
        "/console/sites/new", BAD_SITE, headers={"Referer": "http://localhost/console/sites?x=1"}
    )
    assert refused.status_code == 422
    answer = as_admin.get(switch_of(refused.text, "zh"))
    assert answer.status_code == 302 and answer.location == "/console/sites?x=1"
    again = as_admin.get(answer.location)
    assert again.status_code == 200 and '<html lang="zh-CN">' in again.text


@pytest.mark.parametrize(
    "referrer",
    [
        None,
        "https://evil.example/console/sites",  # another origin
        "http://localhost.evil.example/console/sites",
        "http://localhost//evil.example/console/sites",
        "http://localhost/api/v1/sites",  # this origin, not the console
        "http://localhost/console/sites/new",  # the form refused twice: POST only
        "http://localhost/console/no-such-page",
    ],
)
def test_otherwise_the_switch_returns_home(as_admin, referrer):
    headers = {"Referer": referrer} if referrer else {}
    refused = as_admin.post_form("/console/sites/new", BAD_SITE, headers=headers)
    assert refused.status_code == 422
    answer = as_admin.get(switch_of(refused.text, "en"))
    assert answer.status_code == 302 and answer.location == HOME


def test_after_a_get_the_switch_returns_to_the_same_page(as_admin, site):
    shown = as_admin.get(f"/console/sites/{site.id}?saved=1")
    answer = as_admin.get(switch_of(shown.text, "zh"))
    assert answer.location == f"/console/sites/{site.id}?saved=1"


def test_a_form_sent_after_the_session_ended_signs_in_back_to_the_form(as_admin):
    later = utcnow() + timedelta(hours=1)
    set_clock(lambda: later)  # past the idle timeout
    sent = as_admin.post_form(
        "/console/sites/new", BAD_SITE, headers={"Referer": "http://localhost/console/sites"}
    )
    assert sent.status_code == 302
    where = urlsplit(sent.location)
    assert where.path == "/console/sign-in"
    assert parse_qs(where.query) == {"next": ["/console/sites"]}


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/console/", "/api/v1/sites", ""]
)
def test_a_hand_made_switch_link_never_leads_off_the_console(client, target):
    answer = client.get("/console/language/zh", query_string={"next": target})
    assert answer.status_code == 302 and answer.location == HOME
    assert "vigil_lang=zh" in answer.headers["Set-Cookie"]


def refuse_a_site(page: Page) -> None:
    """Submit the new-site form with a timezone that does not exist, and wait for the refusal."""
    page.fill("#f-name", "无时区")
    page.fill("#f-timezone", "Mars/Olympus_Mons")
    with page.expect_navigation():
        page.locator("form[action$='/sites/new'] button[type=submit]").click()
    expect(page).to_have_url("/console/sites/new")
    expect(page.locator("#f-timezone")).to_have_attribute("aria-invalid", "true")


def test_a_browser_switches_language_after_a_refused_form(page: Page):
    sign_in(page, "demo-admin")
    page.goto("/console/sites")
    refuse_a_site(page)
    switch_language(page, "zh")
    expect(page).to_have_url("/console/sites")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    refuse_a_site(page)
    refuse_a_site(page)  # now the page the form is on is the POST's address
    switch_language(page, "en")
    expect(page).to_have_url("/console/today")
    expect(page.locator("html")).to_have_attribute("lang", "en")
