"""An alert's notification log in a real browser: every outcome in words (delivered, retrying
with its error and next try, given up, held for the digest, in the digest, cancelled), the
channel and the ladder's step, the deadline and "overdue"; stacked and labelled on a phone."""

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
    User,
)
from tests.web.conftest import accessible, shoot, sign_in, switch_language

# The other browser tests close or read these kinds' alerts: the log goes on another one.
TAKEN = ("round_incomplete", "inspection_out_of_bounds", "impossible_speed")


@pytest.fixture
def logged(demo_app):
    """One open demo alert with a log of every outcome, an overdue deadline; removed after."""
    sessions = demo_app.extensions["vigil"].sessionmaker
    with sessions() as session:
        alert = session.scalars(
            select(Alert).where(Alert.state == "open", Alert.kind.not_in(TAKEN)).order_by(Alert.id)
        ).first()
        before = (alert.due_at, alert.overdue_at)
        now = utcnow().replace(microsecond=0)
        alert.due_at, alert.overdue_at = now - timedelta(hours=2), now - timedelta(hours=1)
        super_id = session.scalar(select(User.id).where(User.login == "demo-super"))
        admin_id = session.scalar(select(User.id).where(User.login == "demo-admin"))
        hooks = {}
        for kind, name in (
            (EndpointKind.WECOM, "保安部企业微信群"),
            (EndpointKind.WEBHOOK, "Control room webhook"),
            (EndpointKind.DINGTALK, "物业钉钉群"),
        ):
            hooks[kind] = NotifyEndpoint(
                org_id=alert.org_id, name=name, kind=kind, url="https://receiver.invalid/hook"
            )
        session.add_all(hooks.values())
        session.flush()
        rows = [
            (hooks[EndpointKind.WECOM].id, None, 0, "raised", NotificationState.DELIVERED, 1, None),
            (
                hooks[EndpointKind.WEBHOOK].id,
                None,
                0,
                "raised",
                NotificationState.DEAD,
                1,
                "HTTP 410",
            ),
            (
                hooks[EndpointKind.DINGTALK].id,
                None,
                0,
                "raised",
                NotificationState.PENDING,
                2,
                "timed out after 10 s",
            ),
            (None, super_id, 1, "raised", NotificationState.HELD, 0, None),
            (None, super_id, 1, "unacknowledged", NotificationState.DIGESTED, 0, None),
            (None, admin_id, 2, "unacknowledged", NotificationState.CANCELLED, 0, None),
            (
                hooks[EndpointKind.WECOM].id,
                None,
                0,
                "overdue",
                NotificationState.DELIVERED,
                1,
                None,
            ),
        ]
        made = []
        for n, (endpoint_id, user_id, step, change, state, tries, error) in enumerate(rows):
            at = now - timedelta(minutes=50 - 5 * n)
            made.append(
                Notification(
                    org_id=alert.org_id,
                    dedupe=f"browser-{alert.id}-{n}",
                    alert_id=alert.id,
                    endpoint_id=endpoint_id,
                    user_id=user_id,
                    site_id=alert.site_id,
                    severity=alert.severity,
                    step=step,
                    change=change,
                    state=state,
                    attempts=tries,
                    first_at=at,
                    next_at=at + timedelta(minutes=4),
                    delivered_at=at + timedelta(seconds=2) if state == "delivered" else None,
                    last_error=error,
                )
            )
        session.add_all(made)
        session.flush()
        session.add_all(
            NotificationAttempt(
                notification_id=n.id,
                endpoint_id=n.endpoint_id,
                user_id=n.user_id,
                at=n.first_at,
                delivered=n.state == "delivered",
                status=200 if n.state == "delivered" else None,
                latency_ms=120,
                error=n.last_error,
            )
            for n in made
            if n.attempts
        )
        session.commit()
        alert_id, ids, hook_ids = alert.id, [n.id for n in made], [h.id for h in hooks.values()]
    yield alert_id
    with sessions() as session:
        session.execute(
            delete(NotificationAttempt).where(NotificationAttempt.notification_id.in_(ids))
        )
        session.execute(delete(Notification).where(Notification.id.in_(ids)))
        session.execute(delete(NotifyEndpoint).where(NotifyEndpoint.id.in_(hook_ids)))
        alert = session.get(Alert, alert_id)
        alert.due_at, alert.overdue_at = before
        session.commit()


def test_the_alert_says_who_was_told_and_what_came_of_it(page: Page, logged):
    sign_in(page)
    page.goto(f"/console/alerts/{logged}")
    expect(page.locator(".tag.overdue")).to_have_text("⚠ Overdue")
    expect(page.locator(".tag.due")).to_contain_text("Rectify by")
    log = page.locator("table.told tbody tr")
    expect(log).to_have_count(7)
    expect(log.nth(0)).to_contain_text("WeCom")
    expect(log.nth(0)).to_contain_text("✓ Delivered")
    expect(log.nth(1)).to_contain_text("✗ Failed: given up")
    expect(log.nth(1)).to_contain_text("Last error: HTTP 410")
    expect(log.nth(2)).to_contain_text("↻ Retrying")
    expect(log.nth(2)).to_contain_text("2 tries · next at")
    expect(log.nth(3)).to_contain_text("Escalation step 1")
    expect(log.nth(3)).to_contain_text("Held for the daily digest")
    expect(log.nth(4)).to_contain_text("Told in the daily digest")
    expect(log.nth(5)).to_contain_text("Cancelled: acknowledged or resolved first")
    expect(log.nth(6)).to_contain_text("Rectification overdue")
    page.locator("#told-h").scroll_into_view_if_needed()
    shoot(page, "alert-notifications")
    accessible(page)
    switch_language(page, "zh")
    expect(page.locator("table.told tbody tr")).to_have_count(7)
    shoot(page, "alert-notifications")
    accessible(page)
