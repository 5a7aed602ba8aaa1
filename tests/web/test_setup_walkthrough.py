"""From an empty tenant to a first judged round, in the browser alone (issue 18's proof).

A new customer's admin signs in on a fresh database and builds a site in New York, places five
checkpoints by clicking the site plan, issues and prints their tags (the PDF is read back with
zbar and every code verifies), makes a strict route and a night schedule whose preview crosses
the change to summer time, and shows an enrollment code on screen. The reference handheld
enrolls with the code read off a screenshot, walks the first night round and syncs; the
evaluator judges the round complete, and the console shows it so. Once in English, once in
Chinese, each on a database of its own.

The server, the handheld and the evaluator share one clock, started on the evening of 13 March
2027 in New York: the clocks there go forward at 02:00 that night.
"""

import io
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from device_protocol.client import Handheld
from server import migrate, worker
from server.domain.clock import set_clock
from server.domain.models import Checkpoint, PatrolRoute, Round, RoundStatus, Site
from server.domain.registry import tags
from tests.conftest import make_test_app, run
from tests.databases import create_database, drop_database
from tests.decoding import needs_zbar, zbar
from tests.web.conftest import VIEWPORTS, accessible, fill_sign_in, shoot
from tests.web.test_tags_setup import codes_in

NEW_YORK = ZoneInfo("America/New_York")
EVENING = datetime(2027, 3, 13, 19, 30, tzinfo=NEW_YORK)
SITE = "哈德逊仓库 Hudson depot"
# Five checkpoints, each placed where the plan is clicked (fractions of its width and height).
PLACES = [
    ("北门 North gate", "CP01", (0.25, 0.25)),
    ("仓库东门 Warehouse east door", "CP02", (0.55, 0.2)),
    ("配电房 Switch room", "CP03", (0.8, 0.4)),
    ("发电机房 Generator room", "CP04", (0.65, 0.75)),
    ("南门 South gate", "CP05", (0.3, 0.7)),
]
# What the admin reads and presses, in each language.
WORDS = {
    "en": {
        "locale": "en-US",
        "add_site": "Add site",
        "site_added": "Site added",
        "new_checkpoint": "New checkpoint",
        "save": "Save",
        "created": "Checkpoint created.",
        "issue": "Issue tag",
        "create_route": "Create the route",
        "route_created": "Route created",
        "saved": "Schedule saved",
        "no_0200": "02:00 does not exist on",
        "enrolled": "Enrolled: ",
        "completed": "Completed",
    },
    "zh": {
        "locale": "zh-CN",
        "add_site": "添加项目",
        "site_added": "项目已添加",
        "new_checkpoint": "新增巡更点",
        "save": "保存",
        "created": "巡更点已创建。",
        "issue": "签发标签",
        "create_route": "创建路线",
        "route_created": "路线已创建",
        "saved": "计划已保存",
        "no_0200": "没有 02:00 这一时刻（时钟拨快）",
        "enrolled": "已登记：",
        "completed": "已完成",
    },
}


class Clock:
    """The walk-through's 'now': ticks with real time from where it was set."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        self._at, self._since = at, time.monotonic()

    def now(self) -> datetime:
        return self._at + timedelta(seconds=time.monotonic() - self._since)

    def monotonic_ms(self) -> int:
        """A handheld's uptime that agrees with its clock (it booted on the 1st)."""
        return int((self.now() - EVENING.replace(day=1)).total_seconds() * 1000)


class OnClock:
    """The app, answering every request as of the clock (each request has its own thread)."""

    def __init__(self, app: Flask, clock: Clock) -> None:
        self.app, self.clock = app, clock

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        set_clock(self.clock.now)
        return self.app(environ, start_response)


@dataclass
class Tenant:
    app: Flask
    base_url: str
    clock: Clock
    admin: str
    password: str
    language: str

    def session(self) -> Any:
        return self.app.extensions["vigil"].sessionmaker()


@pytest.fixture(params=sorted(WORDS))
def tenant(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Tenant]:
    """A database of its own with one new organization and its admin, nothing else, served."""
    url = create_database(tmp_path)
    migrate.upgrade(url)
    app = make_test_app(url)
    output = run(app, "create-org", "新客户物业", "--admin-login", "first.admin")
    password = re.search(r"password: (\S+)", output).group(1)
    clock = Clock(EVENING)
    server = make_server("127.0.0.1", 0, OnClock(app, clock), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Tenant(
            app,
            f"http://127.0.0.1:{server.server_port}",
            clock,
            "first.admin",
            password,
            request.param,
        )
    finally:
        server.shutdown()
        app.extensions["vigil"].engine.dispose()
        drop_database(url)


@pytest.fixture
def admin_page(browser: Browser, tenant: Tenant) -> Iterator[Page]:
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"],
        base_url=tenant.base_url,
        locale=WORDS[tenant.language]["locale"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.viewport_name = "desktop"  # type: ignore[attr-defined]
    yield page
    context.close()


def _sign_in(page: Page, tenant: Tenant) -> None:
    page.goto("/console/sign-in")
    fill_sign_in(page, tenant.admin, tenant.password)
    expect(page.locator("html")).to_have_attribute(
        "lang", "zh-CN" if tenant.language == "zh" else re.compile("^en")
    )


def _build_site(page: Page, say: dict[str, str]) -> int:
    page.goto("/console/setup")  # where an empty tenant starts: every section, in order
    shoot(page, "setup")
    accessible(page)
    page.goto("/console/sites")
    shoot(page, "walkthrough-no-site")
    page.fill("#f-name", SITE)
    page.locator("#f-timezone").press_sequentially("New_York")
    page.get_by_role("option", name="America/New_York").click()
    expect(page.locator("#timezone-offset")).to_have_text("UTC-05:00")  # winter, that evening
    page.get_by_role("button", name=say["add_site"]).click()
    expect(page.locator("[role=status]")).to_contain_text(say["site_added"])
    expect(page.locator("h1")).to_have_text(SITE)
    return int(re.search(r"/sites/(\d+)", page.url).group(1))


def _place_checkpoints(page: Page, say: dict[str, str], site_id: int) -> None:
    """Each one placed by a click on the plan; the first plan is moved to New York first."""
    for n, (name, code, (fx, fy)) in enumerate(PLACES):
        page.goto(f"/console/checkpoints?site_id={site_id}")
        page.get_by_role("link", name=say["new_checkpoint"]).click()
        if n == 0:  # a site with no checkpoint yet: the plan starts wherever; show the depot
            page.fill("#f-centre_lat", "40.748400")
            page.fill("#f-centre_lon", "-73.985700")
            page.fill("#f-span_m", "200")
            page.locator("button[name=move]").click()
            expect(page.locator("#f-centre_lat")).to_have_value("40.748400")
        page.fill("#f-name", name)
        page.fill("#f-code", code)
        plan = page.locator("svg#plan")
        plan.scroll_into_view_if_needed()
        box = plan.bounding_box()
        plan.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
        latitude, longitude = (
            float(page.input_value("#f-latitude")),
            float(page.input_value("#f-longitude")),
        )
        assert abs(latitude - 40.7484) < 0.003 and abs(longitude + 73.9857) < 0.004
        page.fill("#f-radius_m", "20")
        if n == len(PLACES) - 1:
            shoot(page, "walkthrough-checkpoint")
        page.get_by_role("button", name=say["save"], exact=True).click()
        expect(page.locator("[role=status]")).to_contain_text(say["created"])
    expect(page.locator("table.things").first).to_contain_text(PLACES[-1][0])
    shoot(page, "walkthrough-checkpoints")


def _codes(session: Any) -> dict[int, str]:
    return dict(session.execute(select(Checkpoint.id, Checkpoint.code)).all())


def _issue_and_print_tags(page: Page, say: dict[str, str], tenant: Tenant, site_id: int) -> dict:
    """Every checkpoint's tag issued from the list, then one sheet printed: code -> payload."""
    for _ in PLACES:
        page.goto(f"/console/tags?site_id={site_id}")
        page.get_by_role("button", name=say["issue"]).first.click()
        expect(page.locator("img.qr-image")).to_be_visible()
    page.goto(f"/console/tags?site_id={site_id}")
    expect(page.get_by_role("button", name=say["issue"])).to_have_count(0)
    page.goto(f"/console/tags/print?site_id={site_id}")
    expect(page.locator("img.sheet")).to_be_visible()
    shoot(page, "walkthrough-print")
    with page.expect_download() as download:
        page.locator("button[name=do][value=pdf]").click()
    printed = codes_in(Path(download.value.path()).read_bytes(), "a4", "small")
    assert len(printed) == len(PLACES)
    with tenant.session() as session:
        org_id = session.scalar(select(Site.org_id).where(Site.id == site_id))
        codes = _codes(session)
        payloads = {}
        for text in printed:
            verdict = tags.verify(session, text, org_id)
            assert verdict.valid, (text, verdict.problem)
            payloads[codes[verdict.tag.checkpoint_id]] = text
    assert sorted(payloads) == sorted(code for _, code, _ in PLACES)
    return payloads


def _make_route(page: Page, say: dict[str, str], tenant: Tenant, site_id: int) -> list[str]:
    """A strict route through the five, in the order they were placed: their codes in order."""
    page.goto(f"/console/routes?site_id={site_id}")
    page.fill("#f-name", "夜巡路线 Night route")
    page.select_option("#f-order", "strict")
    for name, _, _ in PLACES:
        page.locator("label.check", has_text=name).locator("input").check()
    page.get_by_role("button", name=say["create_route"]).click()
    expect(page.locator("[role=status]").first).to_contain_text(say["route_created"])
    shoot(page, "walkthrough-route")
    ids = page.locator("table.stops select").evaluate_all("s => s.map(x => Number(x.value))")
    with tenant.session() as session:
        codes = _codes(session)
    return [codes[i] for i in ids]


def _make_schedule(page: Page, say: dict[str, str], site_id: int) -> None:
    """The builder's night (22:00, 00:00, 02:00, 04:00): its preview meets the spring change."""
    page.goto(f"/console/schedules?site_id={site_id}")
    page.fill("#f-name", "夜间巡逻 Night patrol")
    page.select_option("#f-route_id", label="夜巡路线 Night route")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("22:00")
    expect(preview.locator(".flags li").first).to_contain_text(say["no_0200"])
    expect(preview).to_contain_text("03:00")  # where that round goes
    expect(preview).to_contain_text("UTC-04:00")
    shoot(page, "walkthrough-schedule")
    accessible(page)
    page.locator("#preview").scroll_into_view_if_needed()
    page.locator("#main form").get_by_role("button", name=say["save"], exact=True).click()
    expect(page.locator("[role=status]")).to_contain_text(say["saved"])


def _show_enrollment_code(page: Page) -> str:
    """The code on screen, as a handheld's camera reads it."""
    page.goto("/console/handhelds")
    page.locator("form[action$='/handhelds/codes'] button[type=submit]").click()
    qr = page.locator("svg.qr")
    expect(qr).to_be_visible()
    shoot(page, "walkthrough-enrollment")
    (payload,) = zbar(Image.open(io.BytesIO(qr.screenshot())))
    return payload


def _evaluate(tenant: Tenant) -> None:
    """One pass of the evaluator as of the walk-through's clock; no stage may fail."""
    with tenant.session() as session:
        assert not worker.sweep(session, tenant.clock.now()).failed


@needs_zbar
def test_a_new_customer_goes_from_an_empty_tenant_to_a_judged_round(
    admin_page: Page, tenant: Tenant
):
    page, say = admin_page, WORDS[tenant.language]
    _sign_in(page, tenant)
    site_id = _build_site(page, say)
    _place_checkpoints(page, say, site_id)
    payloads = _issue_and_print_tags(page, say, tenant, site_id)
    walk = _make_route(page, say, tenant, site_id)
    assert sorted(walk) == sorted(payloads)
    _make_schedule(page, say, site_id)
    code = _show_enrollment_code(page)

    clock = tenant.clock
    with httpx.Client(base_url=tenant.base_url, timeout=10) as http:
        handheld = Handheld(
            http, clock=clock.now, monotonic_ms=clock.monotonic_ms, sleep=lambda _: None
        )
        handheld.enroll(code, "HT-0001", "一号巡更机")
        expect(page.locator("#code-state")).to_contain_text(say["enrolled"], timeout=10_000)
        shoot(page, "walkthrough-enrolled")
        _evaluate(tenant)  # the worker, as it runs every few seconds: tonight's rounds are made
        (offline,) = handheld.fetch_config()["sites"]
        assert offline["name"] == SITE and offline["timezone"] == "America/New_York"
        assert {c["code"] for c in offline["checkpoints"]} == set(payloads)
        assert [r["order"] for r in offline["routes"]] == ["strict"]
        first_due = datetime.fromisoformat(offline["rounds"][0]["due_at"])
        assert first_due == EVENING.replace(hour=22, minute=0)
        # The first night round is due at 22:00: walked from 22:03, a stop every three minutes.
        clock.set(EVENING.replace(hour=22, minute=3))
        for code_ in walk:
            handheld.scan_qr(payloads[code_])
            clock.set(clock.now() + timedelta(minutes=3))
        synced = handheld.sync()
    assert len(synced.accepted) == len(walk) and not synced.rejected, synced

    clock.set(EVENING.replace(hour=23, minute=0))
    _evaluate(tenant)
    with tenant.session() as session:
        first = session.scalars(
            select(Round).where(Round.site_id == site_id).order_by(Round.due_at)
        ).first()
        assert first.due_at == EVENING.replace(hour=22, minute=0)
        assert first.status is RoundStatus.COMPLETED, (first.status, first.stops)
        route = session.get(PatrolRoute, first.route_id)
        assert route.name == "夜巡路线 Night route"

    # The admin comes back (the console signed them out meanwhile) and finds it done.
    _sign_in(page, tenant)
    page.goto(f"/console/rounds/{first.id}")
    expect(page.locator("main")).to_contain_text(say["completed"])
    for name, _, _ in PLACES:
        expect(page.locator("main")).to_contain_text(name)
    shoot(page, "walkthrough-round")
    accessible(page)
