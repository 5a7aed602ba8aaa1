"""Delivery through loopback receivers: signed, logged, retried, given up, in the reader's words."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server import worker
from server.domain.models import AlertSeverity, EndpointKind, NotificationAttempt, NotifyEndpoint
from server.domain.models import NotificationState as State
from server.domain.notify import outbox
from server.notify import delivery
from server.notify.compose import local_time
from tests.notify.outbox import (
    PUBLIC_URL,
    ZH_TITLE,
    endpoint,
    found,
    new_secret,
    notifications,
    verifying,
)
from tests.notify.servers import Reply

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def deliver(app, db, client):
    """One delivery pass as of an instant, as worker w1, with a seeded jitter."""
    sessions = app.extensions["vigil"].sessionmaker
    rng = random.Random(19)

    def run(now=NOW, worker_id="w1"):
        return delivery.deliver(
            sessions, delivery.channels(client), now, worker_id, public_url=PUBLIC_URL, rng=rng
        )

    return run


@pytest.fixture
def hook(db, make, receiver):
    """A signed webhook endpoint behind a verifying receiver, and one alert planned for it."""
    org = make.org()
    site = make.site(org, name="湖畔花园")
    secret = new_secret()
    server = receiver(verifying(secret))
    endpoint(db, org, server.url, secrets=[secret])
    alert = found(db, site)
    assert outbox.plan(db, NOW) == 1
    return server, alert, site


def attempts(db):
    return db.scalars(select(NotificationAttempt).order_by(NotificationAttempt.id)).all()


class TestDelivery:
    def test_a_notification_is_signed_delivered_and_logged(self, db, deliver, hook):
        server, alert, _ = hook
        assert deliver() == 1
        (request,) = server.received
        (sent,) = notifications(db)
        assert request.headers["webhook-id"] == f"vigil-n{sent.id}"
        body = request.json()
        assert body["type"] == "alert.raised"
        assert body["data"]["title"] == ZH_TITLE
        assert body["data"]["link"] == f"{PUBLIC_URL}/console/alerts/{alert.id}"
        assert body["data"]["site"] == "湖畔花园"
        assert body["data"]["raised_local"].endswith("+08:00")
        assert (sent.state, sent.attempts, sent.delivered_at) == (State.DELIVERED, 1, NOW)
        assert sent.claimed_by is None and sent.last_error is None
        (attempt,) = attempts(db)
        assert (attempt.delivered, attempt.status, attempt.excerpt) == (True, 200, "ok")
        assert attempt.latency_ms >= 0 and attempt.endpoint_id == sent.endpoint_id
        assert deliver(NOW + timedelta(days=1)) == 0  # nothing is sent twice

    def test_a_failing_receiver_is_tried_again_later_and_then_succeeds_once(
        self, db, deliver, hook
    ):
        server, *_ = hook
        server.script(Reply(503, b"busy"), Reply(200))
        assert deliver() == 0
        (waiting,) = notifications(db)
        assert (waiting.state, waiting.attempts, waiting.last_error) == (
            State.PENDING,
            1,
            "HTTP 503",
        )
        assert NOW < waiting.next_at <= NOW + timedelta(seconds=30)
        assert deliver() == 0 and len(server.received) == 1  # not due yet
        assert deliver(waiting.next_at) == 1
        assert deliver(NOW + timedelta(hours=2)) == 0
        assert [r.headers["webhook-id"] for r in server.received] == [f"vigil-n{waiting.id}"] * 2
        assert [(a.status, a.delivered) for a in attempts(db)] == [(503, False), (200, True)]
        assert notifications(db)[0].state is State.DELIVERED

    def test_a_receiver_asking_to_wait_is_left_alone_that_long(self, db, deliver, hook):
        server, *_ = hook
        server.script(Reply(429, headers={"retry-after": "600"}), Reply(200))
        deliver()
        assert notifications(db)[0].next_at >= NOW + timedelta(seconds=600)

    def test_an_endpoint_deactivated_before_sending_gets_nothing(self, db, deliver, hook):
        server, *_ = hook
        (planned,) = notifications(db)
        db.get(NotifyEndpoint, planned.endpoint_id).active = False
        db.flush()
        assert deliver() == 0
        assert server.received == []
        assert notifications(db)[0].state is State.CANCELLED

    def test_a_refusal_is_final(self, db, deliver, hook):
        server, *_ = hook
        server.script(Reply(400, b"bad payload"))
        assert deliver() == 0
        assert deliver(NOW + timedelta(hours=2)) == 0
        (dead,) = notifications(db)
        assert (dead.state, dead.attempts, dead.last_error) == (State.DEAD, 1, "HTTP 400")
        assert len(server.received) == 1 and attempts(db)[0].excerpt == "bad payload"

    def test_retries_stop_after_a_day(self, db, deliver, hook):
        server, *_ = hook
        server.script(Reply(503))
        deliver()
        deliver(NOW + timedelta(days=1, minutes=1))
        assert notifications(db)[0].state is State.DEAD
        assert len(server.received) == 2

    def test_one_receiver_at_a_time_each_and_a_slow_one_holds_up_no_other(
        self, db, make, deliver, receiver
    ):
        arrived: list[str] = []  # both receivers' requests, in the order they came
        slow = receiver(lambda request: arrived.append("slow"))
        fast = receiver(lambda request: arrived.append("fast"))
        slow.script(Reply(delay=1.0), Reply())
        org = make.org()
        endpoint(db, org, slow.url)
        endpoint(db, org, fast.url)
        for n in (1, 2):  # two sites: two messages for each endpoint
            found(db, make.site(org), n)
        assert outbox.plan(db, NOW) == 4
        assert deliver() == 4
        # The slow one's second message waits for its first answer (one request at a time
        # per receiver, in order); the fast one is served meanwhile. (Which lane's first
        # request comes first is the threads' business.)
        assert sorted(arrived[:3]) == ["fast", "fast", "slow"] and arrived[3] == "slow"


class TestRobots:
    @pytest.mark.parametrize("kind", [EndpointKind.WECOM, EndpointKind.DINGTALK])
    def test_a_group_robot_gets_markdown_in_english_when_asked(
        self, db, make, receiver, deliver, kind
    ):
        org = make.org()
        site = make.site(org, name="Lakeside", timezone="Europe/Berlin")
        server = receiver()
        server.script(Reply.errcode(0))
        secrets = ["SEC123"] if kind is EndpointKind.DINGTALK else []
        endpoint(db, org, server.url, kind=kind, secrets=secrets, language="en")
        alert = found(db, site, severity=AlertSeverity.HIGH)
        outbox.plan(db, NOW)

        assert deliver() == 1
        body = server.received[0].json()["markdown"]
        text = body.get("content") or body["text"]
        assert "1号发电机: 月度检查 overdue by 3 days" in text
        assert "Site: Lakeside" in text and "Severity: high" in text
        assert local_time(alert.raised_at, "Europe/Berlin") in text
        assert f"{PUBLIC_URL}/console/alerts/{alert.id}" in text
        if kind is EndpointKind.DINGTALK:
            assert set(server.received[0].query) >= {"timestamp", "sign"}

    def test_a_robot_gets_at_most_twenty_messages_a_minute_and_the_rest_wait(
        self, db, make, receiver, deliver
    ):
        org = make.org()
        server = receiver()
        server.script(Reply.errcode(0))
        endpoint(db, org, server.url, kind=EndpointKind.WECOM, secrets=[])
        for n in range(25):  # 25 sites: 25 messages, none grouped
            found(db, make.site(org), n)
        outbox.plan(db, NOW)

        assert deliver() == 20  # WeCom refuses a robot's 21st message within a minute
        assert deliver(NOW + timedelta(seconds=30)) == 0  # still inside that minute
        assert deliver(NOW + timedelta(seconds=61)) == 5
        assert len(server.received) == 25
        assert {n.state for n in notifications(db)} == {State.DELIVERED}


def test_local_time_says_the_offset():
    assert local_time(NOW, "Asia/Shanghai") == "2026-12-04 10:00 +08:00"
    assert local_time(NOW, "America/New_York") == "2026-12-03 21:00 -05:00"


def test_the_worker_plans_and_delivers_in_one_pass(committed, receiver):
    vigil, make = committed
    server = receiver()
    with vigil.sessionmaker() as session:
        org = make(session).org()
        site = make(session).site(org)
        secret = new_secret()
        server.check = verifying(secret)
        endpoint(session, org, server.url, secrets=[secret])
        found(session, site)
        session.commit()
    counts = worker.run_once(vigil)
    assert (counts.notifications_planned, counts.notifications_delivered) == (1, 1)
    assert counts.failed == []
    assert server.received[0].json()["data"]["link"].startswith("http://127.0.0.1:5000/")


def test_a_claim_takes_no_more_messages_than_asked(db, make, app):
    org = make.org()
    endpoint(db, org, "http://127.0.0.1:9/hook")
    for n in range(3):
        found(db, make.site(org), n)  # three sites: three messages
    outbox.plan(db, NOW)
    sessions = app.extensions["vigil"].sessionmaker
    jobs = delivery.claim(sessions, NOW, "w1", 2, PUBLIC_URL)
    assert len(jobs) == 2 and [j.attempt for j in jobs] == [1, 1]
    assert [n.claimed_by for n in notifications(db)] == ["w1", "w1", None]
