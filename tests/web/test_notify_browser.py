"""Notifications in a real browser, on a desktop and a phone, in English and Chinese: an admin
builds an escalation policy of two steps (the second added by the server, no script needed)
and sees it listed; adds a webhook, whose secret is shown once, rotates it and sees the new
one once; reads a delivery log in site time and sends a given-up notification again."""

import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete, select

from server.domain.clock import utcnow
from server.domain.models import (
    Alert,
    EndpointKind,
    Notification,
    NotificationAttempt,
    NotificationState,
    NotifyEndpoint,
    Site,
)
from tests.web.conftest import accessible, shoot, sign_in, switch_language

DEMO_SITE = "湖畔花园 Lakeside Gardens"


def _languages(page: Page, language: str) -> None:
    sign_in(page, "demo-admin")
    page.goto("/console/notify")
    if language == "zh":
        switch_language(page, "zh")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if language == "zh" else "en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_an_admin_builds_a_policy_of_two_steps_and_sees_it_listed(page: Page, language: str):
    name = f"夜间升级 Night ladder {secrets.token_hex(3)}"
    _languages(page, language)
    shoot(page, "notify")
    accessible(page)

    page.locator("a[href$='/notify/policies/new']").click()
    expect(page.locator("#step-1")).to_be_visible()
    expect(page.locator("#step-1 input[value=supervisor]")).to_be_checked()
    page.fill("#f-name", name)
    page.locator("#add-step").click()  # the server adds the row: nothing is saved yet
    expect(page.locator("#step-2")).to_be_visible()
    expect(page.locator("#s2-after_min")).to_be_focused()
    expect(page.locator("#f-name")).to_have_value(name)
    page.fill("#s2-after_min", "30")
    page.fill("#s2-repeat", "2")
    page.fill("#rectify-critical", "48")
    expect(page.locator("#rectify-low")).to_have_attribute("placeholder", "48")
    page.locator("#s2-user_ids").select_option(index=0)
    # Last, a box: Chromium loses the next click after a full-page screenshot taken while
    # a number field has the focus.
    page.locator("#step-2 input[value=admin]").check()
    shoot(page, "notify-policy")
    accessible(page)

    page.locator("#save-policy").click()
    row = page.locator("tr", has_text=name)
    expect(row).to_be_visible()
    expect(row.locator("ol li")).to_have_count(2)
    expect(page.locator("p.notice")).to_be_visible()
    shoot(page, "notify-listed")
    accessible(page)

    # A refusal comes back beside the step it is about, what was typed kept.
    row.get_by_role("link", name=name).click()
    page.locator("#step-2 input[value=admin]").uncheck()
    page.locator("#s2-user_ids").select_option([])
    page.locator("#save-policy").click()
    expect(page.locator("#s2-error")).to_be_visible()
    expect(page.locator("#form-problem")).to_be_visible()
    expect(page.locator("#s2-after_min")).to_have_value("30")
    shoot(page, "notify-policy-refused")
    accessible(page)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_webhook_secret_is_shown_once_and_again_once_after_rotation(page: Page, language: str):
    run = secrets.token_hex(3)
    name = f"Control room {run}"
    _languages(page, language)
    page.locator("details.add summary").click()
    page.fill("#f-name", name)
    page.select_option("#f-kind", "webhook")
    page.fill("#f-url", f"https://receiver.example.com/vigil/{run}?token=hidden-{run}")
    page.select_option("#f-site_id", label=DEMO_SITE)
    page.select_option("#f-min_severity", "high")
    shoot(page, "notify-add-endpoint")
    page.locator("form[action$='/notify/endpoints'] button[type=submit]").click()
    first = page.locator("#new-secret").inner_text().strip()
    assert first.startswith("whsec_")
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".url")).not_to_contain_text(f"hidden-{run}")
    shoot(page, "notify-endpoint-secret")
    accessible(page)

    page.locator("form[action$='/rotate'] button").click()
    second = page.locator("#new-secret").inner_text().strip()
    assert second.startswith("whsec_") and second != first
    shoot(page, "notify-endpoint-rotated")
    accessible(page)

    # Never again: not on the endpoint's page, not in the list.
    page.goto(page.url.removesuffix("/rotate"))
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#new-secret")).to_have_count(0)
    assert first not in page.content() and second not in page.content()
    shoot(page, "notify-endpoint")
    page.goto("/console/notify")
    assert second not in page.content() and f"hidden-{run}" not in page.content()
    expect(page.locator("tr", has_text=name)).to_contain_text(DEMO_SITE)


@pytest.fixture
def logged(demo_app):
    """A webhook of the demo site with a delivered and a given-up notification; removed after."""
    sessions = demo_app.extensions["vigil"].sessionmaker
    with sessions() as session:
        alert = session.scalars(select(Alert).order_by(Alert.id.desc())).first()
        site = session.get(Site, alert.site_id)
        hook = NotifyEndpoint(
            org_id=alert.org_id,
            site_id=site.id,
            name=f"Duty desk {secrets.token_hex(3)}",
            kind=EndpointKind.WEBHOOK,
            url="https://receiver.invalid/hook",
            secrets=["whsec_" + "A" * 32],
        )
        session.add(hook)
        session.flush()
        now = utcnow().replace(microsecond=0)
        made = []
        for n, state in enumerate((NotificationState.DELIVERED, NotificationState.DEAD)):
            made.append(
                Notification(
                    org_id=alert.org_id,
                    dedupe=f"notify-browser-{hook.id}-{n}",
                    alert_id=alert.id,
                    endpoint_id=hook.id,
                    site_id=site.id,
                    severity=alert.severity,
                    change="raised",
                    state=state,
                    attempts=1 + n,
                    first_at=now - timedelta(minutes=40 - n),
                )
            )
        session.add_all(made)
        session.flush()
        tries = [
            (made[0], True, 200, 85, '{"ok":true}', None, 40),
            (made[1], False, 503, 2400, "<html>Service Unavailable</html>", None, 38),
            (made[1], False, None, 10000, "", "timed out after 10 s", 20),
        ]
        session.add_all(
            NotificationAttempt(
                notification_id=n.id,
                endpoint_id=hook.id,
                at=now - timedelta(minutes=ago),
                delivered=ok,
                status=status,
                latency_ms=ms,
                excerpt=excerpt,
                error=error,
            )
            for n, ok, status, ms, excerpt, error, ago in tries
        )
        session.commit()
        hook_id, ids = hook.id, [n.id for n in made]
    yield hook_id, ids
    with sessions() as session:
        session.execute(
            delete(NotificationAttempt).where(NotificationAttempt.notification_id.in_(ids))
        )
        session.execute(delete(Notification).where(Notification.id.in_(ids)))
        session.execute(delete(NotifyEndpoint).where(NotifyEndpoint.id == hook_id))
        session.commit()


def test_the_delivery_log_sends_a_given_up_notification_again(page: Page, logged):
    hook_id, (_delivered, dead) = logged
    sign_in(page, "demo-admin")
    page.goto(f"/console/notify/endpoints/{hook_id}/deliveries")
    expect(page.locator("table.deliveries tbody tr")).to_have_count(3)
    expect(page.locator("table.deliveries")).to_contain_text("HTTP 503")
    expect(page.locator("table.deliveries")).to_contain_text("+08:00")
    expect(page.locator("form.redeliver")).to_have_count(2)
    shoot(page, "notify-deliveries")
    accessible(page)

    page.locator(f"#n{dead} form.redeliver button").click()
    expect(page.locator("p.notice")).to_contain_text("Queued to be sent again")
    expect(page.locator("form.redeliver")).to_have_count(1)
    expect(page.locator("table.deliveries")).to_contain_text("Waiting to be sent")

    switch_language(page, "zh")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("table.deliveries tbody tr")).to_have_count(3)
    shoot(page, "notify-deliveries")
    accessible(page)
