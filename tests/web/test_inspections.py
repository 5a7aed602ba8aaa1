"""Inspections in a real browser: the generator's abnormal reading, its record, its trend chart."""

from datetime import timedelta

from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from server.domain.clock import utcnow
from server.domain.models import Asset, Reading
from tests.web.conftest import accessible, shoot, sign_in, switch_language


def the_abnormal_battery_reading(demo_app: Flask) -> Reading:
    """The demo generator's starter battery reading that reached its warning level."""
    with demo_app.extensions["vigil"].sessionmaker() as session:
        return session.scalars(
            select(Reading)
            .join(Asset, Asset.id == Reading.asset_id)
            .where(Asset.code == "G1", Reading.item_key == "battery_v", Reading.level == "warning")
        ).one()


def readings_in_the_last(demo_app: Flask, asset_id: int, days: int) -> int:
    with demo_app.extensions["vigil"].sessionmaker() as session:
        return session.scalar(
            select(func.count()).where(
                Reading.asset_id == asset_id,
                Reading.item_key == "battery_v",
                Reading.at >= utcnow() - timedelta(days=days),
            )
        )


def test_a_supervisor_reads_the_generators_abnormal_reading_and_its_trend(
    page: Page, demo_app: Flask
):
    reading = the_abnormal_battery_reading(demo_app)
    sign_in(page)
    page.locator(".bar nav").get_by_role("link", name="Inspections").click()
    expect(page.locator("h1")).to_contain_text("Inspections")
    expect(page.locator("#overdue-heading")).to_be_visible()
    shoot(page, "inspections")
    accessible(page)

    page.locator(f"table.records a[href='/console/inspections/{reading.record_id}']").click()
    expect(page).to_have_url(f"/console/inspections/{reading.record_id}")
    row = page.locator("table.readings tr", has_text="Starter battery voltage")
    expect(row).to_contain_text("11.8 V")
    expect(row).to_contain_text("Warning")
    expect(row).to_contain_text("below 12 V or above 15 V")
    expect(page.locator("ul.alerts")).to_contain_text("Starter battery voltage 11.8 V")
    shoot(page, "inspection-record")
    accessible(page)

    page.get_by_role("link", name="Trends of").click()
    expect(page).to_have_url(f"/console/inspections/assets/{reading.asset_id}")
    chart = page.locator("svg#chart-battery_v")
    for days in (30, 7, 90, 365):
        if days != 30:
            page.locator(".periods").get_by_role("link", name=f"{days} days").click()
            expect(page).to_have_url(f"/console/inspections/assets/{reading.asset_id}?days={days}")
        expect(page.locator(".periods [aria-current=page]")).to_have_text(f"{days} days")
        expect(chart.locator("rect.band-warning")).to_have_count(2)  # below 12 V, 15 to 16 V
        expect(chart.locator("rect.band-critical")).to_have_count(1)  # above 16 V
        points = chart.locator("polyline.readings").get_attribute("points").split()
        assert len(points) == readings_in_the_last(demo_app, reading.asset_id, days), days
        expect(chart.locator("g.point-warning")).to_have_count(1)
        if days == 30:
            shoot(page, "asset-trend")
            accessible(page)

    switch_language(page, "zh")
    expect(page.locator(".periods [aria-current=page]")).to_have_text("365 天")
    expect(page.locator("#chart-battery_v-heading")).to_contain_text("启动电瓶电压")
    page.locator(".periods").get_by_role("link", name="30 天").click()
    shoot(page, "asset-trend")
    page.goto(f"/console/inspections/{reading.record_id}")
    expect(page.locator("table.readings tr", has_text="启动电瓶电压")).to_contain_text("警告")
    shoot(page, "inspection-record")
    page.locator(".bar nav").get_by_role("link", name="设备巡检").click()
    expect(page.locator("h1")).to_contain_text("设备巡检")
    shoot(page, "inspections")
