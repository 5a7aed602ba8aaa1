"""Enrolling a handheld from the screen, in a real browser: the QR code read off a screenshot
is what the reference client enrolls with, the code counts down, the page sees it enrolled,
the list shows it; then it is revoked, and an unused code withdrawn."""

import io
import re
import uuid

import httpx
from PIL import Image
from playwright.sync_api import Page, expect

from device_protocol.client import Handheld, ProtocolError
from tests.decoding import needs_zbar, zbar
from tests.web.conftest import accessible, shoot, sign_in, switch_language

DEMO_SITE = "湖畔花园 Lakeside Gardens"


def _show_code(page: Page, lifetime: str = "30") -> None:
    """From the list: a new code for the demo site."""
    page.goto("/console/handhelds")
    site = page.locator("#f-site_id")
    if site.locator("option[value='']").count():
        site.select_option(label=DEMO_SITE)
    page.select_option("#f-ttl_minutes", lifetime)
    page.locator("form[action$='/handhelds/codes'] button[type=submit]").click()
    page.wait_for_load_state()


def _qr_text(page: Page) -> list[str]:
    """What zbar reads in a screenshot of the QR code as the page shows it."""
    return zbar(Image.open(io.BytesIO(page.locator("svg.qr").screenshot())))


@needs_zbar
def test_a_supervisor_enrolls_a_handheld_from_the_screen(page: Page, console: str):
    sign_in(page)
    page.goto("/console/handhelds")
    expect(page.locator("h1")).to_have_text("Handhelds")
    shoot(page, "handhelds")
    accessible(page)

    _show_code(page)
    expect(page.locator("h1")).to_contain_text("Enroll a handheld on")
    code = page.locator("#enrollment-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    (payload,) = _qr_text(page)
    assert payload == "VE1:" + code.replace("-", "")  # what docs/device-protocol.md says
    # The time left counts down, a second at a time.
    left = page.locator(".countdown time")
    expect(left).to_be_visible()
    before = left.inner_text()
    page.wait_for_timeout(2200)
    assert left.inner_text() != before and re.fullmatch(r"\d+:\d\d", left.inner_text())
    expect(page.locator("#code-state")).to_contain_text("Waiting for a handheld")
    shoot(page, "handhelds-code")
    accessible(page)

    # The handheld scans it and enrolls against this server, as the reference client does.
    serial = f"HT-WEB-{page.viewport_name}-{uuid.uuid4().hex[:6]}"  # type: ignore[attr-defined]
    label = f"巡更机 扫码 {serial[-6:]}"
    with httpx.Client(base_url=console, timeout=10) as http:
        enrolled = Handheld(http).enroll(payload, serial, label)
        # Once only: the same code a second time is refused.
        try:
            Handheld(http).enroll(payload, serial + "-2")
            raise AssertionError("a used code enrolled a second handheld")
        except ProtocolError as refused:
            assert refused.status == 401
    assert enrolled["token"]
    # The page asks every few seconds and says so, without a reload.
    expect(page.locator("#code-state")).to_contain_text(f"Enrolled: {label}", timeout=8000)
    expect(page.locator(".countdown")).to_be_hidden()
    page.get_by_role("link", name="See it in the list").click()
    row = page.locator("tr", has_text=serial)
    expect(row).to_contain_text(label)
    expect(row).to_contain_text("✓ Active")
    expect(row).to_contain_text(DEMO_SITE)

    # Revoke it: the sentence says what happens, and its token stops working.
    row.locator("summary").click()
    expect(row).to_contain_text("Its token stops working at once")
    row.get_by_role("button", name=f"Revoke {label}").click()
    expect(page.locator("[role=status]")).to_contain_text("Handheld revoked")
    expect(page.locator("tr", has_text=serial)).to_contain_text("✕ Revoked")
    with httpx.Client(base_url=console, timeout=10) as http:
        device = Handheld(http)
        device.token = enrolled["token"]
        try:
            device.fetch_config()
            raise AssertionError("a revoked handheld still got its configuration")
        except ProtocolError as refused:
            assert refused.status == 401


def test_in_chinese_a_code_counts_down_and_an_unused_one_is_revoked(page: Page):
    sign_in(page)
    page.goto("/console/handhelds")
    switch_language(page, "zh")
    expect(page.locator("h1")).to_have_text("手持机")
    shoot(page, "handhelds")
    accessible(page)
    _show_code(page, "10")
    expect(page.locator("h1")).to_contain_text("登记手持机")
    expect(page.locator(".countdown")).to_contain_text("剩余时间")
    expect(page.locator("#code-state")).to_contain_text("正在等待手持机")
    shoot(page, "handhelds-code")
    accessible(page)
    code_url = page.locator("#code-state").get_attribute("hx-get")
    code_id = code_url.rsplit("/", 1)[1]
    page.goto("/console/handhelds")
    row = page.locator(f"#code-{code_id}")
    expect(row).to_contain_text(DEMO_SITE)
    row.get_by_role("button", name="作废登记码").click()
    expect(page.locator("[role=status]")).to_contain_text("登记码已作废")
    expect(page.locator(f"#code-{code_id}")).to_have_count(0)
    page.goto(code_url)
    expect(page.locator("#code-state")).to_contain_text("此登记码已作废")
    shoot(page, "handhelds-code-state")
    accessible(page)
