"""Today, per site: the figures a supervisor lands on, their cheap refresh, and who sees what."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.actor import Actor, Role
from server.domain.clock import utcnow
from server.domain.models import Alert, AlertSeverity, AlertState, Duty, User
from server.domain.overview import today
from server.http.acting import acting_as
from tests.web.conftest import accessible, shoot, sign_in, switch_language

HOUR = timedelta(hours=1)


def card_of(client, site):
    return client.get(f"/console/today/sites/{site.id}", headers={"HX-Request": "true"})


def open_alert(db, site, severity=AlertSeverity.HIGH):
    found = Alert(
        org_id=site.org_id,
        site_id=site.id,
        key=f"far_scan:{utcnow().timestamp()}",
        kind="far_scan",
        severity=severity,
        state=AlertState.OPEN,
        title="Far scan",
        evidence={},
    )
    db.add(found)
    db.flush()
    return found


def test_a_card_answers_304_while_it_reads_the_same(console_as, db, make, org, site):
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    first = card_of(client, site)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('"') and not tag.startswith("W/")  # strong
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert 'hx-trigger="every 60s"' in first.text and 'hx-swap="outerHTML"' in first.text
    assert f'hx-get="/console/today/sites/{site.id}"' in first.text
    assert "<html" not in first.text  # the card alone, for htmx to swap in
    again = client.get(
        f"/console/today/sites/{site.id}",
        headers={"HX-Request": "true", "If-None-Match": tag},
    )
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag
    open_alert(db, site)
    changed = client.get(
        f"/console/today/sites/{site.id}",
        headers={"HX-Request": "true", "If-None-Match": tag},
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert 'data-figure="open-high"' in changed.text
    # The same card in the other language is another representation: another tag.
    client.get("/console/language/zh")
    assert card_of(client, site).headers["ETag"] != changed.headers["ETag"]


def test_every_link_of_a_card_opens_its_page(console_as, db, make, org, site):
    generator = make.asset(site, name="1号发电机")
    late = open_alert(db, site, AlertSeverity.MEDIUM)
    late.kind, late.asset_id = "inspection_overdue", generator.id
    late.title_args = {"asset": "1号发电机", "form": "月检", "late": {"days": 2}, "due": "x"}
    db.flush()
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    card = card_of(client, site).text
    links = set(re.findall(r'<a href="([^"]+)"', card))
    day = utcnow().astimezone(ZoneInfo(site.timezone)).date().isoformat()
    assert f"/console/rounds?site_id={site.id}&amp;day={day}" in links
    assert f"/console/alerts?site_id={site.id}&amp;severity=critical&amp;state=open" in links
    assert f"/console/alerts/{late.id}" in links
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    # The overdue inspection is told as a sentence in the page's language.
    assert "1号发电机: 月检 overdue by 2 days" in card
    client.get("/console/language/zh")
    assert "1号发电机：月检 已逾期 2 天" in card_of(client, site).text


def test_a_supervisor_sees_their_site_only_and_names_as_text(console_as, db, make, org, site):
    site.name = "<script>alert(1)</script> 湖畔"
    other = make.site(org, name="滨江大厦")
    foreign = make.site(make.org(), name="Elsewhere")
    guard = make.user(org, name="<b>张伟</b>", sites=[site])
    handheld = make.device(org, [site], enrolled_at=utcnow() - 99 * HOUR)
    clock_in = make.event(handheld, site, "shift", at=utcnow() - HOUR, data={"kind": "clock_in"})
    db.add(
        Duty(
            device_id=handheld.id,
            org_id=org.id,
            site_id=site.id,
            user_id=guard.id,
            on_duty=True,
            clock_in_event_id=clock_in.id,
            clocked_in_at=clock_in.corrected_time,
            last_event_id=clock_in.id,
            last_seen_at=clock_in.corrected_time,
        )
    )
    db.flush()
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    page = client.get("/console/today").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 湖畔" in page and "<script>alert" not in page
    assert "&lt;b&gt;张伟&lt;/b&gt;" in page
    assert "滨江大厦" not in page and "Elsewhere" not in page
    for hidden in (other, foreign):
        assert card_of(client, hidden).status_code == 404
        assert client.get(f"/console/today/sites/{hidden.id}").status_code == 404
    assert client.get(f"/console/today/sites/{site.id}").text.count("<html") == 1
    assert card_of(console_as(guard), site).status_code == 403


def test_demo_super_lands_on_today_and_reads_the_demo_sites_figures(page: Page, demo_app):
    with demo_app.extensions["vigil"].sessionmaker() as session:
        boss = session.scalar(select(User).where(User.login == "demo-super"))
        actor = Actor(boss.id, boss.org_id, boss.role, frozenset(s.id for s in boss.sites))
        with acting_as(actor):
            (day,) = today.today(session)
    sign_in(page)
    expect(page).to_have_url("/console/today")
    card = page.locator(f"#site-{day.site_id}")
    expect(card.locator("h2")).to_contain_text("湖畔花园")
    r = day.rounds
    figures = {
        "planned": r.planned,
        "done": r.done,
        "in_progress": r.in_progress,
        "not_started": r.not_started,
        "incomplete": r.incomplete,
        "missed": r.missed,
        "late": r.late,
        **{f"open-{severity.value}": n for severity, n in day.open_alerts},
    }
    for name, value in figures.items():
        expect(card.locator(f"[data-figure='{name}'] b")).to_have_text(str(value))
    pct = "–" if r.compliance_pct is None else f"{r.compliance_pct:g}%"
    expect(card.locator("[data-figure='compliance'] b")).to_have_text(pct)
    expect(card.locator(".guards li")).to_have_count(len(day.guards))
    expect(card.locator(".handhelds li")).to_have_count(len(day.quiet_handhelds))
    expect(card.locator(".overdue li")).to_have_count(len(day.overdue))
    expect(card.locator(".since")).to_contain_text(f"{day.day} 00:00 +08:00")
    shoot(page, "today")
    accessible(page)
    switch_language(page, "zh")
    expect(page.locator("h1")).to_have_text("今日")
    expect(card.locator(".guards h3")).to_contain_text("在岗保安")
    expect(card.locator("[data-figure='planned'] b")).to_have_text(str(r.planned))
    shoot(page, "today")
    accessible(page)
