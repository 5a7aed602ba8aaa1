"""The audit trail in a real browser: a change made now is found by who made it and the day,
shown field by field before and after, in English and Chinese."""

import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from tests.web.conftest import DEMO_PASSWORD, accessible, shoot, sign_in, switch_language

DEMO_SITE = "湖畔花园 Lakeside Gardens"
SUPERVISOR = "李主管 Li (security supervisor)"


def _rename_a_new_checkpoint(console: str, run: str) -> tuple[str, str]:
    """As the demo supervisor, through the API: a new checkpoint, then renamed."""
    with httpx.Client(base_url=console, timeout=10) as http:
        login = {"login": "demo-super", "password": DEMO_PASSWORD}
        token = http.post("/api/v1/auth/token", json=login).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        site = next(
            s for s in http.get("/api/v1/sites", headers=headers).json() if s["name"] == DEMO_SITE
        )
        before, after = f"西门 West gate {run}", f"西侧门 <i>West door</i> {run}"
        body = {"site_id": site["id"], "name": before, "code": f"AU-{run}"}
        made = http.post("/api/v1/checkpoints", json=body, headers=headers)
        assert made.status_code == 201, made.text
        changed = http.patch(
            f"/api/v1/checkpoints/{made.json()['id']}", json={"name": after}, headers=headers
        )
        assert changed.status_code == 200, changed.text
    return before, after


def test_a_change_is_found_by_who_and_when_with_before_and_after(page: Page, console: str):
    run = secrets.token_hex(3)
    before, after = _rename_a_new_checkpoint(console, run)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    sign_in(page)
    page.goto("/console/audit")
    page.select_option("#f-site", label=DEMO_SITE)
    expect(page.locator(".zone-note")).to_contain_text("Asia/Shanghai")
    page.select_option("#f-actor", label=SUPERVISOR)
    page.select_option("#f-type", "checkpoint")
    page.fill("#f-since", today)
    page.fill("#f-until", today)
    page.get_by_role("button", name="Filter").click()
    # The filters are in the address once the trail is shown: a link to share.
    expect(page).to_have_url(re.compile(rf"actor_id=\d+&object_type=checkpoint&.*until={today}"))
    renamed = page.locator(".event", has_text=after).first
    expect(renamed).to_contain_text("Changed: Checkpoint")
    row = renamed.locator("tr.changed", has=page.locator("code", has_text="name"))
    expect(row.locator("td").nth(0)).to_have_text("→ changed")
    expect(row.locator("td").nth(1)).to_have_text(before)
    expect(row.locator("td").nth(2)).to_have_text(after)  # the markup is text
    created = page.locator(".event", has_text=f"AU-{run}").last
    expect(created).to_contain_text("Created: Checkpoint")
    expect(created.locator("tr.added").first).to_contain_text("+ added")
    shoot(page, "audit-trail")
    accessible(page)

    switch_language(page, "zh")
    renamed = page.locator(".event", has_text=after).first
    expect(renamed).to_contain_text("已修改: 巡更点")
    expect(renamed.locator("thead")).to_contain_text("修改前")
    expect(renamed).to_contain_text("李主管")
    shoot(page, "audit-trail")
    accessible(page)
    # The object's own history, from its event.
    renamed.get_by_role("link", name="此对象的全部记录").click()
    expect(page.locator(".event")).to_have_count(2)
