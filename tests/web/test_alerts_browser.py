"""The supervisor's loop in a real browser: find the alert, understand it, close it."""

import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.models import Alert
from tests.web.conftest import accessible, shoot, sign_in, switch_language


def _alert(demo_app, kind: str, about: str = "") -> Alert:
    """The demo's alert of this kind (whose title mentions about)."""
    with demo_app.extensions["vigil"].sessionmaker() as session:
        found = select(Alert).where(Alert.kind == kind, Alert.title.contains(about))
        return session.scalars(found.order_by(Alert.id)).first()


@pytest.fixture
def fix_photo(tmp_path):
    path = tmp_path / "fixed.jpg"
    Image.new("RGB", (640, 480), (40, 120, 60)).save(path, "JPEG")
    return path


def test_the_queue_filters_and_opens_an_alert(page: Page, demo_app):
    sign_in(page)
    page.goto("/console/alerts")
    shoot(page, "alerts")
    accessible(page)
    with demo_app.extensions["vigil"].sessionmaker() as session:
        high = session.scalars(select(Alert).where(Alert.state == "open", Alert.severity == "high"))
        titles = {a.title for a in high}
    page.select_option("#f-state", "open")
    page.select_option("#f-severity", "high")
    expect(page.locator("table.queue tbody tr")).to_have_count(len(titles))
    expect(page).to_have_url(re.compile(r"state=open&severity=high"))  # a link to share
    shown = page.locator("table.queue tbody tr td:nth-child(3) a").all_inner_texts()
    assert set(shown) == titles
    switch_language(page, "zh")
    expect(page.locator("table.queue tbody tr").first).to_contain_text("高")
    shoot(page, "alerts")
    page.locator("table.queue tbody tr a", has_text="北门").first.click()
    expect(page.locator("h1")).to_contain_text("北门")
    accessible(page)


def test_a_supervisor_closes_a_round_alert_with_a_note_and_a_photo(page: Page, demo_app, fix_photo):
    alert = _alert(demo_app, "round_incomplete")
    sign_in(page)
    page.goto(f"/console/alerts/{alert.id}")
    expect(page.locator(".why")).to_contain_text("not scanned: 车库B2区 Car park zone B2")
    # Car park B2 is underground, with no position: named beside the plan, marked missed.
    expect(page.locator(".unplaced .bad")).to_have_text("车库B2区 Car park zone B2 ✗ missed")
    steps = page.locator("svg.plan circle.step").count()
    assert steps >= 2
    expect(page.locator("svg.plan line.path")).to_have_count(steps - 1)
    shoot(page, "alert-round")
    accessible(page)
    page.fill("#fix-note", "B2 区已补巡，门禁正常 <b>ok</b>")
    page.set_input_files("#fix-photo", fix_photo)
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("[role=status]")).to_contain_text("Resolved")
    expect(page.locator(".actions")).to_contain_text("B2 区已补巡，门禁正常 <b>ok</b>")
    thumbnail = page.locator(".photos img[alt='Rectification photo']")
    expect(thumbnail).to_be_visible()
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.evaluate("img => img.naturalWidth") == 320  # the thumbnail, served
    page.fill("#reopen-note", "复查发现仍未整改")
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator(".tag.st-open")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("复查发现仍未整改")
    switch_language(page, "zh")
    expect(page.locator(".why")).to_contain_text("未扫描：车库B2区 Car park zone B2")
    shoot(page, "alert-round")


def test_the_generator_alert_reads_in_chinese_and_closes(page: Page, demo_app, fix_photo):
    alert = _alert(demo_app, "inspection_out_of_bounds", "Starter battery voltage")
    sign_in(page)
    switch_language(page, "zh")
    page.goto(f"/console/alerts/{alert.id}")
    expect(page.locator("h1")).to_contain_text("低于")
    expect(page.locator(".why")).to_contain_text("正常范围 13.2 – 13.8 V")
    expect(page.locator("svg.plan")).to_have_count(0)  # nobody walked anywhere: no plan
    shoot(page, "alert-reading")
    accessible(page)
    if page.locator("#ack-note").count():
        page.fill("#ack-note", "值班电工已到场")
        page.get_by_role("button", name="确认").click()
        expect(page.locator(".tag.st-acknowledged")).to_be_visible()
    page.fill("#fix-note", "已更换启动电瓶")
    page.set_input_files("#fix-photo", fix_photo)
    page.get_by_role("button", name="整改完成").click()
    expect(page.locator("[role=status]")).to_contain_text("已整改")
    expect(page.locator(".photos img[alt='整改照片']")).to_be_visible()
    page.fill("#reopen-note", "演示复原")
    page.get_by_role("button", name="重新打开").click()
    expect(page.locator(".tag.st-open")).to_be_visible()
    switch_language(page, "en")
    expect(page.locator("h1")).to_contain_text("below the warning limit 12 V")
    shoot(page, "alert-reading")


def test_the_speed_alert_draws_the_path_between_its_scans(page: Page, demo_app):
    alert = _alert(demo_app, "impossible_speed")
    sign_in(page)
    page.goto(f"/console/alerts/{alert.id}")
    expect(page.locator(".why")).to_contain_text("94 m apart: 9.4 m/s")
    expect(page.locator("svg.plan circle.step")).to_have_count(2)
    expect(page.locator("svg.plan line.path")).to_have_count(1)
    shoot(page, "alert-speed")
    switch_language(page, "zh")
    expect(page.locator(".why")).to_contain_text("相距 94 米，扫描仅隔 10 秒：速度 9.4 米/秒")
    shoot(page, "alert-speed")
