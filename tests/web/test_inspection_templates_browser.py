"""Inspection setup in a real browser, as the demo's admin: a starter becomes our template, its
limits change and an item is added (the next version), a clone, a new generator's own limits,
and a schedule spaced from the last inspection; in English and Chinese, on a desktop and a phone.

The demo estate is shared: everything here is made new, with names no other test uses.
"""

import re
import uuid

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.models import Asset, AssetKind, Site
from server.testing.factories import Factory
from tests.web.conftest import accessible, shoot, sign_in, switch_language


@pytest.fixture
def new_set(demo_app: Flask) -> Asset:
    """A generator of our own on the demo's site (the demo's plant stays as it is)."""
    with demo_app.extensions["vigil"].sessionmaker() as session:
        site = session.scalars(select(Site).order_by(Site.id)).first()
        tag = uuid.uuid4().hex[:6]
        made = Factory(session).asset(
            site, kind=AssetKind.GENERATOR, name=f"备用发电机 G-{tag}", code=f"GX{tag}"
        )
        session.commit()
        session.refresh(made)
        session.expunge(made)
        return made


def item(page: Page, key: str):
    """An item of the editor, found by its key."""
    return page.locator("li.item", has=page.locator(f"input[name$='-key'][value='{key}']"))


def test_an_admin_sets_up_a_generator_inspection(page: Page, new_set: Asset):
    tag = uuid.uuid4().hex[:6]
    sign_in(page, "demo-admin")
    page.goto("/console/inspection-templates")
    expect(page.locator("h1")).to_have_text("Inspection templates")
    shoot(page, "inspection_templates-index")
    accessible(page)

    # A starter becomes a template of ours.
    starter = page.locator(".starters li", has_text="Standby generator weekly inspection")
    starter.get_by_role("link", name="Use this starter").click()
    expect(page.locator("#f-code")).to_have_value(re.compile(r"^generator_weekly_\d+$"))
    page.fill("#f-code", f"gen_{tag}")
    page.fill("#f-name", f"Generator weekly {tag}")
    page.fill("#f-name_zh", f"发电机周检 {tag}")
    shoot(page, "inspection_templates-new")
    accessible(page)
    page.get_by_role("button", name="Make the template").click()
    expect(page.locator("[role=status]")).to_contain_text("Template made")
    expect(page.locator("h1")).to_have_text(f"Generator weekly {tag}")
    battery = item(page, "battery_v")
    expect(battery.locator("input[name$='-label_zh']")).to_have_value("启动电瓶电压")
    expect(battery.locator("input[name$='-critical_high']")).to_have_value("16")

    # Move an item with the script (in place, not saved), change limits, add an item.
    charger = item(page, "charger_ok")
    charger.get_by_role("button", name="Up").click()
    expect(page.locator("ol.items").first.locator("li.item").first).to_have_id(
        charger.get_attribute("id")
    )
    expect(page.locator("[data-unsaved]")).to_be_visible()
    battery.locator("input[name$='-warning_low']").fill("11.8")
    page.get_by_role("button", name="Add an item to this section").first.click()
    fresh = page.locator("li.item", has=page.locator("input[name$='-key'][value='']"))
    expect(fresh).to_have_count(1)
    expect(fresh.locator("input[name$='-key']")).to_be_focused()
    fresh.locator("input[name$='-key']").fill("room_temp_c")
    fresh.locator("input[name$='-label_en']").fill("Generator room temperature")
    fresh.locator("input[name$='-label_zh']").fill("机房温度")
    fresh.locator("input[name$='-unit']").fill("°C")
    fresh.locator("input[name$='-warning_high']").fill("40")
    fresh.locator("input[name$='-critical_high']").fill("35")  # inside the warning: refused
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator("#form-problem")).to_contain_text("The form is not valid")
    refused = item(page, "room_temp_c")
    expect(refused.locator(".field-error")).to_contain_text(
        "the critical high limit is below the warning high limit"
    )
    expect(refused.locator("input[name$='-label_zh']")).to_have_value("机房温度")  # kept
    expect(item(page, "battery_v").locator("input[name$='-warning_low']")).to_have_value("11.8")
    refused.locator("input[name$='-critical_high']").fill("45")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator("[role=status]")).to_contain_text("version 2 is the form now")
    expect(page.locator("[role=status]")).to_contain_text("keep the version")
    keys = page.locator("ol.items").first.locator("input[name$='-key']")
    order = keys.evaluate_all("inputs => inputs.map(i => i.value)")
    assert order == ["charger_ok", "battery_v", "terminals_ok", "room_temp_c"]
    shoot(page, "inspection_templates-edit")
    accessible(page)

    # Clone it.
    page.get_by_role("link", name="Clone").first.click()
    expect(page.locator("#f-name")).to_have_value(f"Generator weekly {tag} (copy)")
    page.fill("#f-code", f"gen_{tag}_b")
    page.get_by_role("button", name="Make the copy").click()
    expect(page.locator("h1")).to_have_text(f"Generator weekly {tag} (copy)")
    expect(item(page, "room_temp_c")).to_have_count(1)

    # A new generator's own limits for the battery (a 24 V set).
    page.goto(f"/console/inspection-templates/assets/{new_set.id}/limits")
    expect(page.locator("h1")).to_contain_text(new_set.name)
    own = page.locator("#limit-battery_v")
    own.get_by_text("This asset's own limits").click()  # opens its form
    own.locator("input[name='warning_low']").fill("23")
    own.locator("input[name='warning_high']").fill("29")
    own.locator("input[name='critical_high']").fill("32")
    own.locator("input[name='note']").fill("24 V 电瓶：按厂家说明书")
    own.get_by_role("button", name="Save own limits").click()
    expect(page.locator("[role=status]")).to_contain_text("own limits are saved")
    own = page.locator("#limit-battery_v")
    expect(own.locator(".tag.own")).to_be_visible()
    expect(own.locator("table.bounds")).to_contain_text("below 23 V or above 29 V")
    shoot(page, "inspection_templates-limits")
    accessible(page)

    # Schedule our template on it: every 40 days at most, flagged if within 20.
    page.get_by_role("link", name="Inspection schedules of").click()
    form = page.locator("#new-schedule form")
    form.locator("#f-asset_id").select_option(label=f"{new_set.name} · {new_set.code}")
    form.locator("#f-template_id").select_option(label=f"Generator weekly {tag}")
    expect(form.locator("#f-weekday")).to_be_hidden()  # no calendar chosen: its fields hidden
    form.locator("#f-least").fill("20")
    form.locator("#f-most").fill("40")
    form.get_by_role("button", name="Schedule it").click()
    expect(page.locator("[role=status]")).to_contain_text("Schedule made")
    row = page.locator("table.schedules tr", has_text=new_set.name)
    expect(row).to_contain_text("Due 40 days after the last inspection of the asset.")
    expect(row).to_contain_text("less than 20 days after the one before is flagged as too soon")
    shoot(page, "inspection_templates-schedules")
    accessible(page)
    row.get_by_role("button", name="Pause").click()
    row = page.locator("table.schedules tr", has_text=new_set.name)
    expect(row).to_contain_text("Paused")
    row.get_by_role("link", name="Change").click()
    expect(page.locator("#f-most")).to_have_value("40")
    shoot(page, "inspection_templates-schedule")
    accessible(page)

    # The same pages in Chinese.
    switch_language(page, "zh")
    expect(page.locator("h1")).to_contain_text(new_set.name)
    shoot(page, "inspection_templates-schedule")
    accessible(page)
    page.get_by_role("link", name="的巡检计划").click()
    row = page.locator("table.schedules tr", has_text=new_set.name)
    expect(row).to_contain_text("上次巡检后 40 天到期")
    expect(row).to_contain_text(f"发电机周检 {tag}")
    shoot(page, "inspection_templates-schedules")
    accessible(page)
    page.goto(f"/console/inspection-templates/assets/{new_set.id}/limits")
    expect(page.locator("#limit-battery_v h2")).to_contain_text("启动电瓶电压")
    shoot(page, "inspection_templates-limits")
    accessible(page)
    page.goto("/console/inspection-templates")
    expect(page.locator(".starters")).to_contain_text("备用发电机每周巡检")
    shoot(page, "inspection_templates-index")
    accessible(page)
    page.locator("table.templates a", has_text=f"发电机周检 {tag}").first.click()
    expect(item(page, "room_temp_c").locator("h3")).to_have_text("机房温度")
    expect(item(page, "battery_v").locator("h3")).to_have_text("启动电瓶电压")
    shoot(page, "inspection_templates-edit")
    accessible(page)
    page.goto("/console/inspection-templates/new?starter=substation_daily")
    expect(page.locator("h1")).to_contain_text("配电房日常巡检")
    shoot(page, "inspection_templates-new")
    accessible(page)
