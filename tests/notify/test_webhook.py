"""Standard Webhooks against loopback receivers that verify signatures, fail and recover."""

import base64
import os
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from standardwebhooks import Webhook

from server.notify.channels import Message
from server.notify.channels.posting import retry_after
from server.notify.channels.webhook import WebhookChannel
from tests.notify.servers import Received, Reply

MESSAGE = Message(
    idempotency_key="msg_alert-42.step-1.endpoint-3",
    change="raised",
    title="漏检：一号楼 02:00 巡更",
    text="三个巡更点未打卡。",
    link="https://vigil.example/console/alerts/42",
    facts={"alert_id": 42, "kind": "missed_round", "severity": "high", "site": "一号楼"},
)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(24)).decode()


def verifying(secret: str):
    """A receiver's check: Standard Webhooks verification with the one secret it holds."""

    def check(request: Received) -> None:
        Webhook(secret).verify(request.body, request.headers)

    return check


class TestSigning:
    def test_the_body_and_headers_follow_the_specification(self, receiver, client):
        secret = new_secret()
        endpoint = receiver(verifying(secret))
        outcome = WebhookChannel(endpoint.url, [secret], client).send(MESSAGE)

        assert outcome.delivered and outcome.status == 200
        (request,) = endpoint.received
        assert request.headers["webhook-id"] == MESSAGE.idempotency_key
        assert request.headers["content-type"].startswith("application/json")
        body = request.json()
        assert body["type"] == "alert.raised"
        assert body["timestamp"].endswith("Z")
        assert body["data"] == dict(MESSAGE.facts) | {"title": MESSAGE.title, "link": MESSAGE.link}

    @pytest.mark.parametrize("holder", ["old", "new"])
    def test_during_a_rotation_either_secret_verifies(self, receiver, client, holder):
        secrets = {"old": new_secret(), "new": new_secret()}
        endpoint = receiver(verifying(secrets[holder]))
        channel = WebhookChannel(endpoint.url, [secrets["old"], secrets["new"]], client)

        assert channel.send(MESSAGE).delivered
        assert len(endpoint.received[0].headers["webhook-signature"].split(" ")) == 2

    def test_a_receiver_with_another_secret_rejects_it(self, receiver, client):
        endpoint = receiver(verifying(new_secret()))
        outcome = WebhookChannel(endpoint.url, [new_secret()], client).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, False, 401)
        assert endpoint.rejections

    def test_a_clock_in_another_zone_still_signs_the_right_instant(self, receiver, client):
        secret = new_secret()
        endpoint = receiver(verifying(secret))
        beijing = timezone(timedelta(hours=8))
        channel = WebhookChannel(
            endpoint.url, [secret], client, now=lambda: datetime.now(UTC).astimezone(beijing)
        )
        assert channel.send(MESSAGE).delivered

    def test_a_naive_clock_is_refused(self, client):
        channel = WebhookChannel("http://127.0.0.1:9/", [new_secret()], client, now=datetime.now)
        with pytest.raises(ValueError, match="timezone-aware"):
            channel.send(MESSAGE)

    def test_more_than_two_secrets_are_refused(self, client):
        with pytest.raises(ValueError):
            WebhookChannel("http://127.0.0.1:9/", [new_secret()] * 3, client)


class TestFailures:
    def test_a_503_is_retried_and_then_delivered(self, receiver, client):
        secret = new_secret()
        endpoint = receiver(verifying(secret))
        endpoint.script(Reply(503, b"busy", {"Retry-After": "120"}), Reply(200))
        channel = WebhookChannel(endpoint.url, [secret], client)

        first, second = channel.send(MESSAGE), channel.send(MESSAGE)

        assert (first.delivered, first.retryable, first.status) == (False, True, 503)
        assert first.retry_after == 120 and first.excerpt == "busy"
        assert (second.delivered, second.status) == (True, 200)
        ids = {request.headers["webhook-id"] for request in endpoint.received}
        assert ids == {MESSAGE.idempotency_key}  # the receiver can drop the duplicate

    @pytest.mark.parametrize(("status", "retryable"), [(400, False), (404, False), (408, True)])
    def test_client_errors_are_final_except_timeouts_and_rate_limits(
        self, receiver, client, status, retryable
    ):
        endpoint = receiver()
        endpoint.script(Reply(status, b"x" * 2000))
        outcome = WebhookChannel(endpoint.url, [new_secret()], client).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, retryable, status)
        assert len(outcome.excerpt) <= 500

    def test_a_429_is_retried(self, receiver, client):
        endpoint = receiver()
        endpoint.script(Reply(429, b"slow down", {"Retry-After": "7"}))
        outcome = WebhookChannel(endpoint.url, [new_secret()], client).send(MESSAGE)
        assert (outcome.retryable, outcome.retry_after) == (True, 7)

    def test_a_slow_receiver_times_out_retryably(self, receiver, client):
        endpoint = receiver()
        endpoint.script(Reply(200, delay=1.0))
        outcome = WebhookChannel(endpoint.url, [new_secret()], client, timeout=0.2).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, True, None)
        assert outcome.error and outcome.error.startswith("timeout")
        assert outcome.latency_ms < 1000

    def test_nobody_listening_is_retryable(self, client):
        from tests.notify.servers import free_port

        url = f"http://127.0.0.1:{free_port()}/hook"
        outcome = WebhookChannel(url, [new_secret()], client).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable) == (False, True)
        assert outcome.error and outcome.error.startswith("transport")


class TestRetryAfter:
    def test_seconds_and_http_dates_are_understood(self):
        now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
        assert retry_after("30") == 30
        assert retry_after("Fri, 04 Dec 2026 02:01:00 GMT", now) == 60
        assert retry_after("soon") is None
        assert retry_after(None) is None


def test_the_injected_client_is_used(receiver):
    seen = []
    endpoint = receiver()
    with httpx.Client(trust_env=False, event_hooks={"request": [seen.append]}) as client:
        WebhookChannel(endpoint.url, [new_secret()], client).send(MESSAGE)
    assert len(seen) == 1
