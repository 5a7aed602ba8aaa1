"""An alert's page says who was told of it and what came of it: planned and delivered as the
worker does, to loopback receivers (one answers, one refuses, one is busy); and its
rectification deadline, with "overdue" once that was announced."""

import random
import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from server.domain.actor import Role
from server.domain.clock import set_clock
from server.domain.models import AlertSeverity, EscalationPolicy, NotifyPreference
from server.domain.notify import escalate, outbox
from server.notify import delivery
from tests.notify.outbox import PUBLIC_URL, endpoint, found, notifications
from tests.notify.servers import Receiver, Reply

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def receivers():
    """Three loopback webhooks: one that takes, one that refuses, one that is busy."""
    servers = [Receiver(), Receiver(), Receiver()]
    for server in servers:
        server.__enter__()
    servers[1].script(Reply(400, b"bad payload"))
    servers[2].script(Reply(503, b"busy"))
    yield servers
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def told(app, db, make, org, site, receivers):
    """An alert told to the three webhooks (step 0) and, by the site's ladder, to the duty
    supervisor by e-mail (step 1), then one delivery pass."""
    set_clock(lambda: NOW)
    ok, refusing, busy = receivers
    endpoint(db, org, ok.url, name="值班群 Duty hook")
    endpoint(db, org, refusing.url, name="Broken hook")
    endpoint(db, org, busy.url, name="Busy hook")
    duty = make.user(org, Role.SUPERVISOR, [site], name="值班主管 Duty")
    db.add(
        NotifyPreference(
            org_id=org.id, user_id=duty.id, email="duty@example.test", timezone="Asia/Shanghai"
        )
    )
    db.add(
        EscalationPolicy(
            org_id=org.id, site_id=site.id, name="Ladder", steps=[{"roles": ["supervisor"]}]
        )
    )
    db.flush()
    alert = found(db, site, severity=AlertSeverity.HIGH)
    assert outbox.plan(db, NOW) == 3
    assert escalate.climb(db, NOW) == 1
    with httpx.Client(trust_env=False, timeout=5.0) as client:
        sessions = app.extensions["vigil"].sessionmaker
        send_for = delivery.channels(client)  # no SMTP server: the e-mail fails
        rng = random.Random(19)
        delivery.deliver(sessions, send_for, NOW, "w1", public_url=PUBLIC_URL, rng=rng)
    db.expire_all()
    return alert, duty


@pytest.fixture
def console(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def row(page: str, name: str) -> str:
    """The log's row naming name, as text."""
    log = page.split('id="told-h"')[1].split("</table>")[0]
    found_row = next(r for r in log.split("<tr") if name in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found_row))


def test_the_log_lists_who_was_told_how_and_what_came_of_it(console, told, db):
    alert, _ = told
    page = console.get(f"/console/alerts/{alert.id}").text
    delivered = row(page, "值班群 Duty hook")
    assert "Webhook" in delivered and "The site's endpoints" in delivered
    assert "Raised" in delivered and "✓ Delivered" in delivered
    assert "2026-12-04 10:00 +08:00" in delivered  # site time, with the offset
    dead = row(page, "Broken hook")
    assert "✗ Failed: given up" in dead and "Last error: HTTP 400" in dead and "1 try" in dead
    busy = row(page, "Busy hook")
    assert "↻ Retrying" in busy and "HTTP 503" in busy and "next at 2026-12-04 10:0" in busy
    mail = row(page, "值班主管 Duty")
    assert "E-mail" in mail and "Escalation step 1" in mail and "Failed" in mail
    assert "no SMTP server is configured" in mail
    assert {n.state.value for n in notifications(db)} == {"delivered", "dead", "pending"}


def test_the_deadline_and_overdue_are_said_in_words(console, told, db):
    alert, _ = told
    page = console.get(f"/console/alerts/{alert.id}").text
    assert "Rectify by" in page and "Overdue" not in page
    alert.overdue_at = alert.due_at + timedelta(minutes=1)
    db.flush()
    page = console.get(f"/console/alerts/{alert.id}").text
    assert "⚠ Overdue" in page


def test_an_alert_nobody_was_told_of_says_so(console, site, db):
    alert = found(db, site)
    page = console.get(f"/console/alerts/{alert.id}").text
    assert "No one has been told of this alert yet." in page


def test_the_log_is_in_chinese_too(console, told):
    alert, _ = told
    console.set_cookie("vigil_lang", "zh", path="/")
    page = console.get(f"/console/alerts/{alert.id}").text
    assert 'lang="zh-CN"' in page and "值班群 Duty hook" in page
