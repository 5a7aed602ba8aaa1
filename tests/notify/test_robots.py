"""WeCom and DingTalk robots against loopback receivers that check formats and signatures."""

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime

import pytest

from server.notify.channels import Message
from server.notify.channels.robots import DingTalkRobot, WeComRobot
from tests.notify.servers import Received, Reply

MESSAGE = Message(
    idempotency_key="alert-42.step-1.group-5",
    change="raised",
    title="漏检：一号楼 02:00 巡更",
    text="- 站点：一号楼\n- 时间：2026-12-04 02:00\n- 三个巡更点未打卡",
    link="https://vigil.example/console/alerts/42",
)
SECRET = "SEC0123456789abcdef"


def wecom_format(request: Received) -> None:
    body = request.json()
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"content"}


def dingtalk_format(request: Received) -> None:
    body = request.json()
    assert body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == MESSAGE.title


def dingtalk_signed(request: Received) -> None:
    """What DingTalk does: recompute the signature from the query's timestamp, within an hour."""
    dingtalk_format(request)
    timestamp = request.query["timestamp"]
    assert abs(time.time() * 1000 - int(timestamp)) < 3600 * 1000
    string_to_sign = f"{timestamp}\n{SECRET}".encode()
    expected = hmac.new(SECRET.encode(), string_to_sign, hashlib.sha256).digest()
    assert base64.b64decode(request.query["sign"]) == expected
    assert request.query["access_token"] == "t0ken"


class TestWeCom:
    def test_a_markdown_message_with_title_site_time_and_link(self, receiver, client):
        endpoint = receiver(wecom_format)
        endpoint.script(Reply.errcode(0))
        outcome = WeComRobot(endpoint.url + "?key=abc", client).send(MESSAGE)

        assert outcome.delivered and outcome.status == 200, outcome
        content = endpoint.received[0].json()["markdown"]["content"]
        assert content.startswith(f"### {MESSAGE.title}")
        assert "站点：一号楼" in content and "2026-12-04 02:00" in content
        assert f"]({MESSAGE.link})" in content
        assert endpoint.received[0].query == {"key": "abc"}

    def test_a_long_body_is_cut_to_the_robot_limit(self, receiver, client):
        endpoint = receiver(wecom_format)
        endpoint.script(Reply.errcode(0))
        long = Message(**(MESSAGE.__dict__ | {"text": "未打卡。" * 2000}))
        assert WeComRobot(endpoint.url, client).send(long).delivered
        assert len(endpoint.received[0].json()["markdown"]["content"].encode()) <= 4096

    @pytest.mark.parametrize(
        ("errcode", "retryable", "wait"), [(93000, False, None), (45009, True, 60.0)]
    )
    def test_an_errcode_is_a_failure(self, receiver, client, errcode, retryable, wait):
        endpoint = receiver(wecom_format)
        endpoint.script(Reply.errcode(errcode, "refused"))
        outcome = WeComRobot(endpoint.url, client).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, retryable, 200)
        assert outcome.error == f"errcode {errcode}: refused"
        assert outcome.retry_after == wait

    def test_an_answer_without_errcode_is_a_failure(self, receiver, client):
        endpoint = receiver()
        endpoint.script(Reply(200, b"<html>gateway</html>"))
        outcome = WeComRobot(endpoint.url, client).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable) == (False, False)

    def test_a_502_is_retryable(self, receiver, client):
        endpoint = receiver()
        endpoint.script(Reply(502, b"bad gateway"))
        outcome = WeComRobot(endpoint.url, client).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.status) == (False, True, 502)


class TestDingTalk:
    def test_signed_mode_puts_timestamp_and_sign_in_the_query(self, receiver, client):
        endpoint = receiver(dingtalk_signed)
        endpoint.script(Reply.errcode(0))
        robot = DingTalkRobot(endpoint.url + "?access_token=t0ken", client, secret=SECRET)

        outcome = robot.send(MESSAGE)

        assert outcome.delivered, outcome
        text = endpoint.received[0].json()["markdown"]["text"]
        assert text.startswith(f"### {MESSAGE.title}") and f"]({MESSAGE.link})" in text
        assert "站点：一号楼" in text

    def test_a_wrong_secret_fails_the_receivers_check(self, receiver, client):
        endpoint = receiver(dingtalk_signed)
        robot = DingTalkRobot(endpoint.url + "?access_token=t0ken", client, secret="other")
        outcome = robot.send(MESSAGE)
        assert (outcome.delivered, outcome.status) == (False, 401)

    def test_a_stale_clock_fails_the_receivers_check(self, receiver, client):
        endpoint = receiver(dingtalk_signed)
        robot = DingTalkRobot(
            endpoint.url + "?access_token=t0ken",
            client,
            secret=SECRET,
            now=lambda: datetime(2020, 1, 1, tzinfo=UTC),
        )
        assert not robot.send(MESSAGE).delivered

    def test_without_a_secret_there_is_no_signature(self, receiver, client):
        endpoint = receiver(dingtalk_format)
        endpoint.script(Reply.errcode(0))
        assert DingTalkRobot(endpoint.url, client).send(MESSAGE).delivered
        assert endpoint.received[0].query == {}

    @pytest.mark.parametrize(
        ("errcode", "retryable", "wait"), [(310000, False, None), (130101, True, 600.0)]
    )
    def test_an_errcode_is_a_failure(self, receiver, client, errcode, retryable, wait):
        endpoint = receiver(dingtalk_format)
        endpoint.script(Reply.errcode(errcode, "sign not match"))
        outcome = DingTalkRobot(endpoint.url, client).send(MESSAGE)
        assert (outcome.delivered, outcome.retryable, outcome.retry_after) == (
            False,
            retryable,
            wait,
        )
        assert "sign not match" in outcome.excerpt
