"""Rounds in the console: a site's day on a timeline and a round stop by stop."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.actor import Actor, Role
from server.domain.clock import set_clock
from server.domain.models import RoundStatus, User
from server.domain.patrol import timeline
from server.http.acting import acting_as
from server.web.i18n import site_time
from tests.web.conftest import accessible, shoot, sign_in, switch_language

DUE = datetime(2026, 11, 21, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
MINUTE = timedelta(minutes=1)


def _round(make, site, route_name, due=DUE, **kw):
    points = [make.checkpoint(site, name="<b>北门</b>"), make.checkpoint(site)]
    return make.round(make.schedule(make.route(points, name=route_name)), due_at=due, **kw)


def test_the_day_shows_each_round_as_a_bar_and_a_row(console_as, make, org, site):
    set_clock(lambda: DUE)
    guard = make.user(org, sites=[site], name="<i>张伟</i>")
    done = _round(make, site, "<script>夜巡</script>", status=RoundStatus.COMPLETED)
    done.stops = [{"event_id": 1}, {"event_id": 2}]
    missed = _round(make, site, "日巡", DUE - 10 * 60 * MINUTE, status=RoundStatus.MISSED)
    missed.assignee_id = guard.id
    _round(make, site, "明天", DUE + 3 * 60 * MINUTE)  # 01:00 tomorrow: another day
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    page = client.get("/console/rounds").text  # today at the supervisor's one site
    assert "<script>夜巡" not in page and "&lt;script&gt;夜巡&lt;/script&gt;" in page
    assert "&lt;i&gt;张伟&lt;/i&gt;" in page and "明天" not in page
    rows = re.findall(r'<tr data-round="(\d+)">(.*?)</tr>', page, re.S)
    assert [int(i) for i, _ in rows] == [missed.id, done.id]  # by due time
    assert "12:00 +08:00" in rows[0][1] and "Missed" in rows[0][1] and "0 of 2" in rows[0][1]
    assert "Completed" in rows[1][1] and "2 of 2" in rows[1][1]
    bars = re.findall(r'<a href="/console/rounds/(\d+)" aria-label="([^"]+)">', page)
    assert {int(i) for i, _ in bars} == {done.id, missed.id}
    assert any("Missed" in label and "0 of 2 stops" in label for _, label in bars)
    assert 'rel="prev"' in page and "day=2026-11-20" in page and "day=2026-11-22" in page


def test_a_chosen_day_and_site_and_refusals(console_as, make, org, site):
    other = make.site(org, name="Another")
    earlier = _round(make, other, "夜巡", DUE - 24 * 60 * MINUTE)
    client = console_as(make.user(org, Role.SUPERVISOR, [site, other]))
    page = client.get(f"/console/rounds?site_id={other.id}&day=2026-11-20").text
    assert f'data-round="{earlier.id}"' in page and f'value="{other.id}" selected' in page
    assert client.get("/console/rounds?day=21-11-2026").status_code == 422
    assert client.get("/console/rounds?site_id=x").status_code == 422
    stranger = make.org()
    assert client.get(f"/console/rounds?site_id={make.site(stranger).id}").status_code == 404
    guard = console_as(make.user(org, Role.GUARD, [site]))
    assert guard.get("/console/rounds").status_code == 403


def test_a_round_page_reads_its_stops_and_hides_other_sites_rounds(console_as, make, org, site):
    guard = make.user(org, sites=[site], name="张伟")
    device = make.device(org, [site], label="HT-0001")
    walk = _round(make, site, "夜巡", status=RoundStatus.INCOMPLETE, started_at=DUE + MINUTE)
    scanned = make.event(device, site, "scan", at=DUE + MINUTE, user_id=guard.id,
                         data={"note": "<img src=x onerror=alert(1)>门锁好"})  # fmt: skip
    walk.stops = [
        {"position": 1, "checkpoint_id": 1, "name": "<b>北门</b>", "event_id": scanned.id,
         "scanned_at": (DUE + MINUTE).isoformat(), "status": "on_time"},
        {"position": 2, "checkpoint_id": 2, "name": "车库", "event_id": None,
         "scanned_at": None, "status": "missed"},
    ]  # fmt: skip
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    page = client.get(f"/console/rounds/{walk.id}").text
    assert "&lt;b&gt;北门&lt;/b&gt;" in page and "&lt;img src=x" in page
    assert "<img src=x" not in page
    assert "22:01 +08:00" in page and "On time" in page and "Missed" in page
    assert "<dd>张伟</dd>" in page and "<dd>HT-0001</dd>" in page and "Incomplete" in page
    elsewhere = _round(make, make.site(org), "夜巡")
    assert client.get(f"/console/rounds/{elsewhere.id}").status_code == 404
    stranger = make.org()
    theirs = _round(make, make.site(stranger), "夜巡")
    assert client.get(f"/console/rounds/{theirs.id}").status_code == 404


STOP_WORDS = {
    "pending": "Not yet",
    "on_time": "On time",
    "early": "Early",
    "late": "Late",
    "out_of_order": "Out of order",
    "incomplete_task": "Task not done",
    "missed": "Missed",
    "skipped": "Skipped (optional)",
}


def _demo_yesterday(demo_app) -> tuple[timeline.DayTimeline, timeline.RoundTimeline]:
    """Yesterday at the demo site as demo-super reads it, and its first missed or incomplete
    round, straight from the domain."""
    with demo_app.extensions["vigil"].sessionmaker() as session:
        user = session.scalars(select(User).where(User.login == "demo-super")).one()
        sites = frozenset(s.id for s in user.sites)
        actor = Actor(user.id, user.org_id, Role.SUPERVISOR, sites, label=user.name)
        with acting_as(actor):
            today = timeline.of_day(session)
            day = timeline.of_day(session, today.site.id, today.previous)
            bad = next(r for r in day.rounds if r.status in ("missed", "incomplete"))
            return day, timeline.of_round(session, bad.id)


def test_a_supervisor_reads_yesterdays_rounds_and_a_missed_round(page: Page, demo_app):
    day, walk = _demo_yesterday(demo_app)
    tz = day.site.timezone
    sign_in(page)
    page.locator(".bar nav").get_by_role("link", name="Rounds").click()
    expect(page.locator("h1")).to_have_text("Rounds")
    page.get_by_role("link", name="Previous day").click()
    expect(page).to_have_url(re.compile(rf"day={day.day.isoformat()}"))
    bars = page.locator("svg a rect.bar")
    expect(bars).to_have_count(len(day.rounds))
    classes = bars.evaluate_all("els => els.map(e => e.getAttribute('class'))")
    shown = {c.split()[1].removeprefix("rs-") for c in classes}
    assert shown == {r.status.value for r in day.rounds} and len(shown) >= 2
    expect(page.locator("table.day-rounds tbody tr")).to_have_count(len(day.rounds))
    shoot(page, "rounds-day")
    accessible(page)
    if page.viewport_name == "phone":  # type: ignore[attr-defined]
        page.locator(f'table.day-rounds a[href$="/rounds/{walk.id}"]').click()
    else:
        page.locator(f'svg a[href$="/rounds/{walk.id}"]').click()
    expect(page.locator("h1")).to_have_text(walk.route_name)
    word = {"missed": "Missed", "incomplete": "Incomplete"}[walk.status]
    expect(page.locator(".lead.round-status")).to_contain_text(word)
    rows = page.locator("table.stops tbody tr")
    expect(rows).to_have_count(len(walk.stops))
    for row, stop in zip(rows.all(), walk.stops, strict=True):
        expect(row.locator(".checkpoint")).to_contain_text(stop.checkpoint_name)
        planned = site_time(stop.planned_at, tz, False) or "Any time"
        expect(row.locator(".planned")).to_contain_text(planned)
        expect(row.locator(".scanned")).to_contain_text(
            site_time(stop.scanned_at, tz, False) or "—"
        )
        expect(row.locator(".status .tag")).to_contain_text(STOP_WORDS[stop.status])
    shoot(page, "round")
    accessible(page)
    switch_language(page, "zh")
    expect(page.locator("table.stops thead")).to_contain_text("巡更点")
    shoot(page, "round")
    accessible(page)
    page.locator("main > p:first-child a").click()
    expect(page.locator("h1")).to_have_text("巡逻轮次")
    shoot(page, "rounds-day")
    accessible(page)
