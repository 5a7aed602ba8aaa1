"""Grouping, through a loopback webhook that verifies Standard Webhooks signatures, with the
worker's real passes: a burst of overdue checks at one site arrives as one signed message that
lists them, after the grouping wait and not before; another site's goes on its own; a high
alert takes what waits at its site along at once. A grouped message whose deliverer is killed
is resent whole under its key, and a rotated secret verifies with either key meanwhile."""

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook, WebhookVerificationError

from server import worker
from server.domain.actor import Role
from server.domain.clock import set_clock
from server.domain.models import Alert, AlertSeverity, NotificationAttempt
from server.domain.models import NotificationState as State
from server.domain.notify import endpoints, outbox
from server.domain.notify.outbox import GROUP_WAIT
from server.notify import delivery
from server.settings import ROOT
from tests.notify.outbox import PUBLIC_URL, endpoint, found, new_secret, notifications, verifying
from tests.notify.people import acting_as
from tests.notify.servers import Received, Reply
from tests.notify.test_delivery_crash import DOOMED, wait_for

SECOND, HOUR, DAY = timedelta(seconds=1), timedelta(hours=1), timedelta(days=1)


@pytest.fixture
def start():
    """Now, give or take: receivers check that a signature's timestamp is within 5 minutes
    of their own clock, so the worker's clock runs from the real one."""
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def estate(db, make, receiver):
    """Two sites of a tenant, a form for their generators, and the tenant's duty system: a
    webhook for every site, behind a receiver that verifies each signature."""
    org = make.org()
    secret = new_secret()
    server = receiver(verifying(secret))
    endpoint(db, org, server.url, secrets=[secret], name="物业值班系统")
    lake, river = make.site(org, name="湖畔花园"), make.site(org, name="滨江大厦")
    return server, lake, river, make.template(org, name="Daily check", name_zh="日检")


def generators(make, site, template, count, due, first=1):
    """count generators at site whose daily check was due at `due` and not done."""
    for n in range(first, first + count):
        asset = make.asset(site, name=f"{n}号发电机")
        make.inspection_schedule(asset, template, max_days=1, effective_from=due - DAY)


def pass_at(app, at):
    """One worker pass as of at: the evaluator's stages, planning, then delivery."""
    set_clock(lambda: at)
    counts = worker.run_once(app.extensions["vigil"])
    assert not counts.failed, counts
    return counts


def site_alerts(db, site):
    return list(db.scalars(select(Alert).where(Alert.site_id == site.id).order_by(Alert.id)))


def by_site(server):
    """What the receiver got, by site name; each body checked against the signature first."""
    assert not server.rejections
    return {r.json()["data"]["site"]: r for r in server.received}


def test_a_burst_at_one_site_arrives_as_one_signed_message_after_the_wait(
    db, app, make, estate, start
):
    server, lake, river, template = estate
    generators(make, lake, template, 20, start - HOUR)
    generators(make, river, template, 1, start - HOUR)

    counts = pass_at(app, start)
    assert (counts.inspections_overdue, counts.notifications_planned) == (21, 21)
    assert counts.notifications_delivered == 0  # medium news waits for what else comes
    assert pass_at(app, start + GROUP_WAIT - SECOND).notifications_delivered == 0
    assert server.received == []
    assert pass_at(app, start + GROUP_WAIT).notifications_delivered == 2

    received = by_site(server)
    assert set(received) == {"湖畔花园", "滨江大厦"}
    burst = received["湖畔花园"]
    body = burst.json()
    assert body["type"] == "alert.raised"
    assert body["data"]["title"] == "新告警 · 湖畔花园：20 条告警"
    listed = body["data"]["alerts"]
    assert [a["alert_id"] for a in listed] == [a.id for a in site_alerts(db, lake)]
    assert {a["severity"] for a in listed} == {"medium"}
    # Each named as it would be alone: which generator, which check, how late.
    titles = {a["title"].split("（")[0] for a in listed}
    assert titles == {f"{n}号发电机：日检 Daily check 已逾期 1 小时" for n in range(1, 21)}
    assert all(a["link"].endswith(f"/console/alerts/{a['alert_id']}") for a in listed)
    alone = received["滨江大厦"].json()["data"]
    (river_alert,) = site_alerts(db, river)
    assert (alone["alert_id"], "alerts" in alone) == (river_alert.id, False)
    assert alone["title"].startswith("1号发电机：日检")

    sent = notifications(db)
    first = min(n.id for n in sent if n.site_id == lake.id)
    assert burst.headers["webhook-id"] == f"vigil-n{first}"
    assert {(n.state, n.batch_id) for n in sent if n.site_id == lake.id} == {
        (State.DELIVERED, first)
    }
    assert pass_at(app, start + 2 * GROUP_WAIT).notifications_delivered == 0
    assert len(server.received) == 2  # each once


def test_a_high_alert_takes_the_waiting_medium_ones_of_its_site_along(db, app, make, estate, start):
    server, lake, river, template = estate
    generators(make, lake, template, 3, start - HOUR)
    generators(make, river, template, 1, start - HOUR)
    assert pass_at(app, start).notifications_planned == 4
    # Ten seconds later a generator whose check is eight days late is added at the lake: high.
    generators(make, lake, template, 1, start - 8 * DAY, first=4)
    counts = pass_at(app, start + 10 * SECOND)
    assert (counts.notifications_planned, counts.notifications_delivered) == (1, 1)

    (message,) = by_site(server).values()
    data = message.json()["data"]
    assert data["site"] == "湖畔花园" and data["title"] == "新告警 · 湖畔花园：4 条告警"
    assert [a["severity"] for a in data["alerts"]] == ["medium"] * 3 + ["high"]
    assert [a["alert_id"] for a in data["alerts"]] == [a.id for a in site_alerts(db, lake)]
    # The other site's waits its turn, and then goes on its own.
    assert pass_at(app, start + GROUP_WAIT).notifications_delivered == 1
    assert "alerts" not in by_site(server)["滨江大厦"].json()["data"]
    assert pass_at(app, start + 3 * GROUP_WAIT).notifications_delivered == 0
    assert {n.state for n in notifications(db)} == {State.DELIVERED}


def test_a_rotated_secret_verifies_with_either_key_during_the_overlap(
    db, app, make, receiver, start
):
    old, new = new_secret(), new_secret()
    held = [old]  # the secret the receiver verifies with, changed when its owner gets to it
    server = receiver(lambda request: Webhook(held[0]).verify(request.body, request.headers))
    org = make.org()
    site = make.site(org, name="湖畔花园")
    hook = endpoint(db, org, server.url, secrets=[old])
    admin = make.user(org, Role.ADMIN)

    def raise_and_pass(n, at):
        set_clock(lambda: at)
        found(db, site, n, severity=AlertSeverity.HIGH)
        assert pass_at(app, at).notifications_delivered == 1

    def verifies(request: Received, secret: str) -> bool:
        try:
            Webhook(secret).verify(request.body, request.headers)
        except WebhookVerificationError:
            return False
        return True

    raise_and_pass(1, start)
    with acting_as(admin):
        endpoints.rotate_secret(db, hook.id, new)  # the overlap begins
    raise_and_pass(2, start + 10 * SECOND)
    held[0] = new  # the receiver moves to the new key while both are in use
    raise_and_pass(3, start + 20 * SECOND)
    with acting_as(admin):
        endpoints.update(db, hook.id, {"secrets": [new]})  # the old key is retired
    raise_and_pass(4, start + 30 * SECOND)

    assert not server.rejections
    signed = [(verifies(r, old), verifies(r, new)) for r in server.received]
    assert signed == [(True, False), (True, True), (True, True), (False, True)]
    assert [len(r.headers["webhook-signature"].split()) for r in server.received] == [1, 2, 2, 1]


def test_a_grouped_message_whose_deliverer_is_killed_is_resent_whole_under_its_key(
    committed, receiver, client
):
    vigil, make = committed
    now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    secret = new_secret()
    server = receiver(verifying(secret))
    server.script(Reply(delay=60), Reply())  # the first request hangs until the kill
    with vigil.sessionmaker() as session:
        org = make(session).org()
        site = make(session).site(org, name="湖畔花园")
        endpoint(session, org, server.url, secrets=[secret])
        burst = [found(session, site, n, severity=AlertSeverity.MEDIUM).id for n in range(20)]
        assert outbox.plan(session, now) == 20
        session.commit()
    due = now + GROUP_WAIT
    url = vigil.engine.url.render_as_string(hide_password=False)
    doomed = subprocess.Popen(
        [sys.executable, "-c", DOOMED, url, due.isoformat(), PUBLIC_URL], cwd=ROOT
    )
    try:
        wait_for(lambda: len(server.received) == 1)
        os.kill(doomed.pid, signal.SIGKILL)
    finally:
        doomed.wait(10)
    with vigil.sessionmaker() as session:
        claimed = notifications(session)
        key = claimed[0].id
        assert {(n.state, n.claimed_by, n.attempts, n.batch_id) for n in claimed} == {
            (State.SENDING, "doomed", 1, key)
        }
        # While the lease holds, one more alert comes in at the site.
        late = found(session, site, 20, severity=AlertSeverity.MEDIUM).id
        assert outbox.plan(session, due + 30 * SECOND) == 1
        session.commit()

    def again(at):
        return delivery.deliver(
            vigil.sessionmaker, delivery.channels(client), at, "w2", public_url=PUBLIC_URL
        )

    assert again(due + 60 * SECOND) == 0  # the lease still holds, and the new one waits
    assert again(due + delivery.LEASE + SECOND) == 2
    assert not server.rejections
    with vigil.sessionmaker() as session:
        (alone,) = [n for n in notifications(session) if n.alert_id == late]
    ids = [r.headers["webhook-id"] for r in server.received]
    assert Counter(ids) == {f"vigil-n{key}": 2, f"vigil-n{alone.id}": 1}
    # Found by key, not by order.
    batches = [r.json()["data"] for r in server.received if r.headers["webhook-id"] != alone.key]
    first, resent = ([a["alert_id"] for a in data["alerts"]] for data in batches)
    assert first == resent == burst  # the same twenty, under the same key
    (single,) = [r for r in server.received if r.headers["webhook-id"] == alone.key]
    assert "alerts" not in single.json()["data"] and single.json()["data"]["alert_id"] == late
    with vigil.sessionmaker() as session:
        assert {n.state for n in notifications(session)} == {State.DELIVERED}
        logged = session.scalar(select(func.count()).select_from(NotificationAttempt))
        assert logged == 21  # the resend, once per row, and the late one
