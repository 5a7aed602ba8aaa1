"""Checkpoints set up in a real browser: one placed by a click on the site plan, three imported
from a sheet with Chinese headers and names, one of them refused; in English and Chinese, on
a desktop and a phone."""

import math
import uuid

from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.models import Checkpoint, Site
from tests.web.conftest import accessible, shoot, sign_in, switch_language

DEMO_SITE = "湖畔花园 Lakeside Gardens"


def _site_id(demo_app) -> int:
    with demo_app.extensions["vigil"].sessionmaker() as session:
        return session.scalar(select(Site.id).where(Site.name == DEMO_SITE))


def _checkpoints(demo_app, *codes: str) -> dict[str, Checkpoint]:
    with demo_app.extensions["vigil"].sessionmaker() as session:
        found = session.scalars(select(Checkpoint).where(Checkpoint.code.in_(codes)))
        return {c.code: c for c in found}


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far apart two nearby positions are, in metres."""
    north = (a[0] - b[0]) * 111_320
    east = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(north, east)


def _unique(prefix: str) -> str:
    """A code of this run's own: the demo estate is shared by every browser test."""
    return f"{prefix}-{uuid.uuid4().hex[:6]}".upper()


def test_a_checkpoint_is_placed_by_clicking_the_site_plan(page: Page, demo_app):
    site_id = _site_id(demo_app)
    sign_in(page, "demo-admin")
    page.goto(f"/console/checkpoints?site_id={site_id}")
    expect(page.locator("table.things").first).to_contain_text("1号楼大堂 Building 1 lobby")
    shoot(page, "checkpoints-list")
    accessible(page)

    page.get_by_role("link", name="New checkpoint").click()
    code = _unique("CLICK")
    page.fill("#f-name", f"西侧围墙 <b>{page.viewport_name}</b>")
    page.fill("#f-code", code)
    plan = page.locator("svg#plan")
    plan.scroll_into_view_if_needed()
    box = plan.bounding_box()
    at = {"x": box["width"] * 0.3, "y": box["height"] * 0.65}
    plan.click(position=at)
    # Where that point is by the server's projection, read from the plan's own numbers.
    numbers = {
        k: float(plan.get_attribute(f"data-{k}"))
        for k in ("north", "west", "px-per-deg-lat", "px-per-deg-lon")
    }
    x, y = at["x"] * 640 / box["width"], at["y"] * 420 / box["height"]
    latitude = numbers["north"] - y / numbers["px-per-deg-lat"]
    longitude = numbers["west"] + x / numbers["px-per-deg-lon"]
    filled = float(page.input_value("#f-latitude")), float(page.input_value("#f-longitude"))
    assert _metres(filled, (latitude, longitude)) < 1.0  # a screen pixel is about 0.2 m here
    expect(page.locator("svg#plan .marker")).not_to_have_attribute("display", "none")
    expect(page.locator("#plan-said")).to_contain_text("Placed at")
    page.fill("#f-radius_m", "25")
    shoot(page, "checkpoints-form")
    accessible(page)

    page.get_by_role("button", name="Save").click()
    expect(page.locator("[role=status]")).to_contain_text("Checkpoint created.")
    row = page.locator("table.things tr", has_text=code)
    expect(row).to_contain_text(f"西侧围墙 <b>{page.viewport_name}</b>")  # text, not bold
    saved = _checkpoints(demo_app, code)[code]
    assert _metres((saved.latitude, saved.longitude), (latitude, longitude)) < 1.0
    assert saved.radius_m == 25

    # Typed, with no mouse: the marker follows the numbers.
    row.get_by_role("link").click()
    page.fill("#f-latitude", "31.22130")
    page.fill("#f-longitude", "121.54450")
    transform = page.locator("svg#plan .marker").get_attribute("transform")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[role=status]")).to_contain_text("Checkpoint saved.")
    moved = _checkpoints(demo_app, code)[code]
    assert (moved.latitude, moved.longitude) == (31.2213, 121.5445) and transform

    switch_language(page, "zh")
    expect(page.locator("h1")).to_have_text("巡更点和设备")
    shoot(page, "checkpoints-list")
    accessible(page)
    page.get_by_role("link", name="新增巡更点").click()
    expect(page.locator("label[for=f-latitude]")).to_have_text("纬度")
    shoot(page, "checkpoints-form")
    accessible(page)


def test_a_sheet_is_previewed_then_its_good_rows_imported(page: Page, demo_app, tmp_path):
    site_id = _site_id(demo_app)
    first, second = _unique("IMP"), _unique("IMP")
    sheet = tmp_path / "巡更点.csv"
    sheet.write_text(
        "名称,编号,区域,纬度,经度,半径（米）,说明\n"
        f"东侧消防通道,{first},1号楼 Building 1,31.22120,121.54440,20,通道畅通\n"
        "重复的大堂,B1-LOBBY,,,,,\n"  # the demo's own code: refused
        f"垃圾房,{second},,,,,关好门\n",
        encoding="utf-8-sig",
    )
    sign_in(page, "demo-admin")
    page.goto(f"/console/checkpoints/import?site_id={site_id}")
    shoot(page, "checkpoints-import")
    accessible(page)
    page.set_input_files("#f-sheet", sheet)
    page.get_by_role("button", name="Preview").click()

    rows = page.locator("table.preview tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Will be created")
    expect(rows.nth(1)).to_contain_text("Refused")
    expect(rows.nth(1)).to_contain_text("already in use")
    expect(rows.nth(2)).to_contain_text("垃圾房")
    assert _checkpoints(demo_app, first, second) == {}  # a preview writes nothing
    shoot(page, "checkpoints-import-preview")
    accessible(page)

    page.get_by_role("button", name="Create 2 checkpoints").click()
    expect(page.locator("[role=status]")).to_contain_text(
        "Import done: 2 checkpoints made. 1 row refused."
    )
    made = _checkpoints(demo_app, first, second)
    assert (made[first].name, made[first].radius_m) == ("东侧消防通道", 20)
    assert made[second].instructions == "关好门"

    switch_language(page, "zh")
    page.get_by_role("link", name="从表格导入").click()
    expect(page.locator("h1")).to_have_text("从表格导入巡更点")
    shoot(page, "checkpoints-import")
    accessible(page)
    page.set_input_files("#f-sheet", sheet)  # the same sheet again: now every code is taken
    page.get_by_role("button", name="预览").click()
    expect(page.locator("table.preview tbody tr.refused")).to_have_count(3)
    expect(page.locator(".notice")).to_contain_text("没有可以创建的行")
    shoot(page, "checkpoints-import-preview")
    accessible(page)
