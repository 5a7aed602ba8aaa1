"""Setting up a site in a real browser: pick its timezone by typing, add a zone, tune what
raises an alert; in English and Chinese, on a desktop and a phone."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.models import Site, Zone
from tests.web.conftest import accessible, shoot, sign_in, switch_language


def _site(demo_app, name: str) -> tuple[Site, list[str]]:
    with demo_app.extensions["vigil"].sessionmaker() as session:
        site = session.scalar(select(Site).where(Site.name == name))
        zones = session.scalars(select(Zone.name).where(Zone.site_id == site.id)).all()
        return site, list(zones)


def test_an_admin_sets_up_a_site_with_its_timezone_zone_and_settings(page: Page, demo_app):
    name = f"测试园区 <b>x</b> {page.viewport_name}"  # the demo is shared: a name of its own
    sign_in(page, "demo-admin")
    page.goto("/console/sites")
    expect(page.locator("table.sites")).to_contain_text("湖畔花园 Lakeside Gardens")
    expect(page.locator("table.sites")).to_contain_text("UTC+08:00")
    shoot(page, "sites-list")
    accessible(page)

    page.fill("#f-name", name)
    page.fill("#f-address", "杭州市西湖区 1 号")
    page.locator("#f-timezone").press_sequentially("Shang")
    choice = page.get_by_role("option", name="Asia/Shanghai")
    expect(choice).to_be_visible()
    expect(page.locator("#f-timezone")).to_have_attribute("aria-expanded", "true")
    shoot(page, "sites-timezone-picker")
    accessible(page)
    choice.click()
    expect(page.locator("#f-timezone")).to_have_value("Asia/Shanghai")
    expect(page.locator("#timezone-offset")).to_have_text("UTC+08:00")
    page.get_by_role("button", name="Add site").click()

    expect(page.locator("[role=status]")).to_contain_text("Site added")
    expect(page.locator("h1")).to_have_text(name)  # the markup is text, not bold
    page.fill("#zone-name", "一号楼")
    page.select_option("#zone-kind", "building")
    page.get_by_role("button", name="Add zone").click()
    expect(page.locator("[role=status]")).to_contain_text("Zone added")
    expect(page.locator("table.zones")).to_contain_text("一号楼")

    page.fill("#f-max_speed_mps", "2.5")
    page.fill("#f-inactivity_min", "45")
    page.get_by_role("button", name="Save site").click()
    expect(page.locator("[role=status]")).to_have_text("Saved.")
    expect(page.locator("#f-max_speed_mps")).to_have_value("2.5")
    site, zones = _site(demo_app, name)
    assert (site.timezone, site.max_speed_mps, site.inactivity_min) == ("Asia/Shanghai", 2.5, 45)
    assert zones == ["一号楼"]
    shoot(page, "sites-site")
    accessible(page)

    switch_language(page, "zh")
    expect(page.locator("h2#settings-h")).to_have_text("项目与告警设置")
    # By keyboard, in Chinese words: 北京 finds Beijing time.
    picker = page.locator("#f-timezone")
    picker.fill("")
    picker.press_sequentially("北京")
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(picker).to_have_value("Asia/Shanghai")
    expect(page.locator("table.zones")).to_contain_text("楼栋")
    shoot(page, "sites-site")
    accessible(page)
    page.get_by_role("link", name="所有项目").click()
    expect(page.locator("table.sites")).to_contain_text(name)
    shoot(page, "sites-list")
    accessible(page)


def test_a_supervisor_reads_the_settings_and_adds_nothing_but_zones(page: Page, demo_app):
    sign_in(page, "demo-super")
    page.goto("/console/sites")
    expect(page.get_by_role("button", name="Add site")).to_have_count(0)
    page.get_by_role("link", name="湖畔花园 Lakeside Gardens").click()
    expect(page.locator("dl.settings")).to_contain_text("120 minutes")  # the demo's watch
    expect(page.get_by_role("button", name="Save site")).to_have_count(0)
    expect(page.get_by_role("button", name="Add zone")).to_be_visible()
    shoot(page, "sites-site-supervisor")
    accessible(page)
