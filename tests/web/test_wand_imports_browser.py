"""Wand import in a real browser: upload a classic wand's export, read the check, import it,
see the result; the same file again is all duplicates, in Chinese."""

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from tests.wand_exports import text
from tests.web.conftest import DEMO_PASSWORD, accessible, shoot, sign_in, switch_language

DEMO_SITE = "湖畔花园 Lakeside Gardens"


def _chipped_checkpoint(console: str, run: str) -> str:
    """A new checkpoint of the demo site with an iButton chip; the chip's id."""
    chip = f"01{run.upper()}0000AA01"[:16]
    with httpx.Client(base_url=console, timeout=10) as http:
        login = {"login": "demo-super", "password": DEMO_PASSWORD}
        token = http.post("/api/v1/auth/token", json=login).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        sites = http.get("/api/v1/sites", headers=headers).json()
        site = next(s for s in sites if s["name"] == DEMO_SITE)
        body = {
            "site_id": site["id"],
            "name": f"水泵房后门 Pump room back door {run}",
            "code": f"WI-{run}",
            "physical_tags": [{"kind": "ibutton", "uid": chip}],
        }
        made = http.post("/api/v1/checkpoints", json=body, headers=headers)
        assert made.status_code == 201, made.text
    return chip


def _export(tmp_path, run: str, chip: str):
    """Last night on a new wand: the guard's staff number beside each read, one unknown chip."""
    night = datetime.now(ZoneInfo("Asia/Shanghai")).replace(hour=22, minute=0, second=0)
    night -= timedelta(days=1)
    wand = f"W-{run}"
    rows = [
        (wand, chip, f"{night:%Y/%m/%d %H:%M:%S}", "demo-guard1"),
        (wand, chip, f"{night + timedelta(hours=2):%Y/%m/%d %H:%M:%S}", "demo-guard1"),
        (wand, "01FFFF" + run.upper() + "0001", f"{night:%Y/%m/%d} 23:10:00", "demo-guard1"),
    ]
    path = tmp_path / f"巡更棒导出 {run}.csv"
    path.write_bytes(text(("棒号", "钮号", "巡检时间", "人员"), rows, style="gbk"))
    return path


def test_a_wand_export_is_checked_then_imported(page: Page, console: str, tmp_path):
    run = secrets.token_hex(3)
    export = _export(tmp_path, run, _chipped_checkpoint(console, run))
    sign_in(page)
    page.goto("/console/wand-imports")
    page.select_option("#f-site_id", label=DEMO_SITE)
    shoot(page, "wand_imports-form")
    accessible(page)
    page.set_input_files("#f-file", export)
    page.get_by_role("button", name="Check the file").click()

    expect(page.locator("h1")).to_contain_text(export.name)
    expect(page.locator("[role=status]")).to_contain_text("Nothing is stored yet")
    said = page.locator(".said")
    expect(said).to_contain_text("The file holds 3 reads, from wand W-")
    expect(said).to_contain_text("3 new scans would be stored:")
    expect(said).to_contain_text("2 at checkpoints of this site")
    expect(said).to_contain_text("Every guard the file names is a known person.")
    expect(said).to_contain_text("1 of a chip no checkpoint has")
    expect(page.locator("#unmatched-heading")).to_be_visible()
    expect(page.locator("table.reads")).to_contain_text("demo-guard1")
    shoot(page, "wand_imports-check")
    accessible(page)
    page.get_by_role("button", name="Import 3 new scans").click()

    done = page.locator("[role=status]")
    expect(done).to_contain_text("3 new scans stored.")
    expect(done).to_contain_text("1 scan is of a chip no checkpoint has")
    expect(page.locator("table.recent tbody tr").first).to_contain_text(export.name)
    shoot(page, "wand_imports-result")
    accessible(page)

    switch_language(page, "zh")
    expect(page.locator("[role=status]")).to_contain_text("已保存 3 条新的巡更记录")
    shoot(page, "wand_imports-result")
    accessible(page)
    page.goto("/console/wand-imports")
    expect(page.locator("h1")).to_have_text("巡更棒导入")
    shoot(page, "wand_imports-form")
    accessible(page)
    # The same file again: everything is already there, and nothing would be stored.
    page.select_option("#f-site_id", label=DEMO_SITE)
    page.set_input_files("#f-file", export)
    page.get_by_role("button", name="校验文件").click()
    expect(page.locator(".said")).to_contain_text("3 条记录已经保存过")
    expect(page.locator(".confirm")).to_contain_text("没有新数据")
    shoot(page, "wand_imports-check")
    accessible(page)
