"""Routes in a real browser: make a route, put its stops in order by keyboard alone, by dragging,
and without a script; in English and Chinese, on a desktop and a phone. Each test adds a route
of its own: the demo's routes are used by other tests."""

import uuid

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from server.demo.estate import NIGHT_ROUTE
from server.domain.models import PatrolRoute
from tests.web.conftest import (
    DEMO_PASSWORD,
    accessible,
    fill_sign_in,
    shoot,
    sign_in,
    switch_language,
)


def _route_stops(demo_app, name: str) -> list[int]:
    """The saved route's checkpoints, in walking order."""
    with demo_app.extensions["vigil"].sessionmaker() as session:
        route = session.scalars(select(PatrolRoute).where(PatrolRoute.name == name)).one()
        return [stop.checkpoint_id for stop in route.stops]


def _create(page: Page, name: str, stops: int) -> list[int]:
    """Make a route of the first checkpoints through the list page's form; their ids in order."""
    page.goto("/console/routes")
    page.fill("#f-name", name)
    boxes = page.locator("input[name=checkpoint_ids]")
    chosen = []
    for n in range(stops):
        boxes.nth(n).check()
        chosen.append(int(boxes.nth(n).get_attribute("value")))
    page.get_by_role("button", name="Create the route").click()
    expect(page.locator("h1")).to_have_text(name)
    return chosen


def _checkpoints_on_page(page: Page) -> list[int]:
    return [
        int(v) for v in page.locator("table.stops select").evaluate_all("s => s.map(x => x.value)")
    ]


def test_a_supervisor_makes_a_route_and_sees_it_in_both_languages(page: Page, demo_app):
    name = f"巡更 Patrol {uuid.uuid4().hex[:6]} <b>"
    sign_in(page)
    page.goto("/console/routes")
    expect(page.locator("table.routes")).to_contain_text("Strict: in the listed order")
    shoot(page, "routes-list")
    accessible(page)
    chosen = _create(page, name, 3)
    expect(page.locator("[role=status]").first).to_contain_text("Route created")
    expect(page.locator("#versions")).to_contain_text("every past round keep the stops")
    assert _checkpoints_on_page(page) == chosen
    shoot(page, "routes-editor")
    accessible(page)
    # A name the site's night route already has: refused beside the field, the rest kept.
    page.fill("#f-name", NIGHT_ROUTE[0])
    page.fill("#s2-tolerance_min", "7")
    page.get_by_role("button", name="Save route", exact=True).click()
    expect(page.locator("[role=alert]")).to_contain_text("already has this name")
    expect(page.locator("#name-error")).to_have_text("already in use")
    expect(page.locator("#s2-tolerance_min")).to_have_value("7")
    shoot(page, "routes-editor-refused")
    accessible(page)
    switch_language(page, "zh")
    expect(page.locator("#versions")).to_contain_text("过去的轮次保持原样")
    expect(page.locator("table.stops")).to_contain_text("上移")
    shoot(page, "routes-editor")
    accessible(page)
    page.goto("/console/routes")
    expect(page.locator("table.routes")).to_contain_text(name)
    expect(page.locator("h1")).to_have_text("巡更路线")
    shoot(page, "routes-list")
    accessible(page)


def _tab_to(page: Page, element_id: str, limit: int = 120) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_a_keyboard_user_moves_a_stop_down_and_saves(page: Page, demo_app):
    name = f"键盘 Keyboard {uuid.uuid4().hex[:6]}"
    sign_in(page)
    first, *others = _create(page, name, 4)
    page.goto(page.url.split("?")[0])  # the editor, as a fresh page: focus starts at the top
    _tab_to(page, "s1-down")
    page.keyboard.press("Enter")
    page.keyboard.press(" ")
    page.keyboard.press("Enter")
    # The same button kept the focus all along: the stop went to the end.
    assert page.evaluate("document.activeElement.id") == "s1-down"
    expect(page.locator("#said")).to_contain_text("position 4 of 4")
    expect(page.locator("table.stops tbody tr").last.locator(".pos")).to_have_text("4")
    assert _checkpoints_on_page(page) == [*others, first]
    _tab_to(page, "save-route")
    page.keyboard.press("Enter")
    expect(page.locator("[role=status]").first).to_contain_text("Saved.")
    assert _route_stops(demo_app, name) == [*others, first]


def test_a_stop_is_dragged_to_the_top_with_the_mouse(page: Page, demo_app):
    name = f"拖动 Drag {uuid.uuid4().hex[:6]}"
    sign_in(page)
    a, b, c = _create(page, name, 3)
    rows = page.locator("table.stops tbody tr")
    grip = rows.nth(2).locator(".grip")
    grip.scroll_into_view_if_needed()
    start = grip.bounding_box()
    x = start["x"] + start["width"] / 2
    page.mouse.move(x, start["y"] + start["height"] / 2)
    page.mouse.down()
    # On a phone the first card is above the window: holding the row at the top edge scrolls.
    for _ in range(60):
        if rows.nth(0).bounding_box()["y"] >= 0:
            break
        page.mouse.move(x, 12)
        page.mouse.move(x, 10)
    target = rows.nth(0).bounding_box()
    page.mouse.move(x, target["y"] + 8, steps=5)
    page.mouse.up()
    assert _checkpoints_on_page(page) == [c, a, b]
    expect(page.locator("#said")).to_contain_text("position 1 of 3")
    expect(rows.nth(0).locator(".pos")).to_have_text("1")
    page.get_by_role("button", name="Save route", exact=True).last.click()
    expect(page.locator("[role=status]").first).to_contain_text("Saved.")
    assert _route_stops(demo_app, name) == [c, a, b]


def test_without_a_script_the_buttons_still_move_stops_and_keep_the_focus(
    browser: Browser, console: str, demo_app
):
    context = browser.new_context(base_url=console, java_script_enabled=False, locale="en-US")
    page = context.new_page()
    try:
        page.goto("/console/sign-in")
        fill_sign_in(page, "demo-admin", DEMO_PASSWORD)
        name = f"无脚本 No script {uuid.uuid4().hex[:6]}"
        a, b, c = _create(page, name, 3)
        page.click("#s1-down")
        expect(page.locator("#said")).to_contain_text("Not saved yet")
        assert page.evaluate("document.activeElement.id") == "s1-down"
        page.keyboard.press("Enter")  # the focus came back to the same button
        expect(page.locator("#said")).to_contain_text("position 3 of 3")
        assert _checkpoints_on_page(page) == [b, c, a]
        assert _route_stops(demo_app, name) == [a, b, c]  # not saved yet
        page.fill("#f-name", f"{name} 2")
        page.keyboard.press("Enter")  # Enter in a field saves: it never moves a stop
        expect(page.locator("h1")).to_have_text(f"{name} 2")
        assert _route_stops(demo_app, f"{name} 2") == [b, c, a]
    finally:
        context.close()
