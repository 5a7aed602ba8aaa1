"""Group robots in WeCom (企业微信) and DingTalk (钉钉), each in its own Markdown message format.

Both answer HTTP 200 with `{"errcode": 0, "errmsg": "ok"}` on success and a non-zero errcode on
failure. Only their documented rate limits are worth another try; every other errcode (bad key,
bad signature, keyword or IP not allowed, malformed message) stays wrong however often we retry.
- WeCom 45009 "api freq out of limit" (WeCom's global error codes; seen in the wild on robot
  sends, jishuzhan.net/article/2012338890507075586): a robot may send 20 messages a minute
  (developer.work.weixin.qq.com/document/path/91770, 消息发送频率限制, as quoted by the weworkbot
  README); limits by the minute are lifted after 60 s
  (developer.work.weixin.qq.com/document/path/90454).
- DingTalk 130101 "send too fast, exceed 20 times per minute" (an answer quoted in
  blog.csdn.net/jialiuyang/article/details/118615052): 20 a minute, then the robot is muted for
  10 minutes (open.dingtalk.com/document/group/custom-robot-access, as quoted in
  zhuoqun.info/article/182).
Not retried: DingTalk 90030 "webhook over limit", a quota whose period we could not confirm.
"""

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from server.domain.clock import utcnow
from server.notify.channels.message import Message, Outcome, clip
from server.notify.channels.posting import post

WECOM_RATE_LIMITED = {45009: 60.0}
DINGTALK_RATE_LIMITED = {130101: 600.0}
WECOM_MARKDOWN_BYTES = 4096


def markdown(message: Message) -> str:
    """Title, the body (site and time in the reader's words) and the link to the console page."""
    return f"### {message.title}\n\n{message.text}\n\n[{message.link}]({message.link})"


class WeComRobot:
    """A WeCom group robot's webhook (`.../cgi-bin/webhook/send?key=...`)."""

    def __init__(self, url: str, client: httpx.Client, *, timeout: float = 10.0) -> None:
        self.url = url
        self.client = client
        self.timeout = timeout

    def send(self, message: Message) -> Outcome:
        content = _clip_bytes(markdown(message), WECOM_MARKDOWN_BYTES)
        body = {"msgtype": "markdown", "markdown": {"content": content}}
        return post(
            self.client,
            self.url,
            _json(body),
            headers={},
            timeout=self.timeout,
            judge=lambda response, latency: judge_errcode(response, latency, WECOM_RATE_LIMITED),
        )


class DingTalkRobot:
    """A DingTalk custom robot (`.../robot/send?access_token=...`), signed when it has a secret."""

    def __init__(
        self,
        url: str,
        client: httpx.Client,
        *,
        secret: str | None = None,
        timeout: float = 10.0,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.url = url
        self.client = client
        self.secret = secret
        self.timeout = timeout
        self.now = now

    def send(self, message: Message) -> Outcome:
        text = markdown(message)
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
        url = httpx.URL(self.url)
        if self.secret:
            # Merged here: httpx's own params= would drop the URL's access_token.
            timestamp = str(int(self.now().timestamp() * 1000))
            sign = dingtalk_sign(self.secret, timestamp)
            url = url.copy_merge_params({"timestamp": timestamp, "sign": sign})
        return post(
            self.client,
            str(url),
            _json(body),
            headers={},
            timeout=self.timeout,
            judge=lambda response, latency: judge_errcode(response, latency, DINGTALK_RATE_LIMITED),
        )


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """base64(HMAC-SHA256(secret, "timestamp\\nsecret")); httpx percent-encodes it in the query."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def judge_errcode(
    response: httpx.Response, latency_ms: int, rate_limited: dict[int, float]
) -> Outcome:
    """An HTTP 200 from a robot: delivered only when errcode is 0."""
    excerpt = clip(response.text)
    try:
        answer: Any = response.json()
        errcode = int(answer.get("errcode"))
    except (ValueError, TypeError, AttributeError):
        return Outcome.failed(
            retryable=False, status=200, latency_ms=latency_ms, error="no errcode", excerpt=excerpt
        )
    if errcode == 0:
        return Outcome.ok(200, latency_ms, excerpt)
    return Outcome.failed(
        retryable=errcode in rate_limited,
        status=200,
        latency_ms=latency_ms,
        error=f"errcode {errcode}: {answer.get('errmsg', '')}",
        excerpt=excerpt,
        retry_after=rate_limited.get(errcode),
    )


def _json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def _clip_bytes(text: str, limit: int) -> str:
    encoded = text.encode()
    return text if len(encoded) <= limit else encoded[:limit].decode(errors="ignore")
