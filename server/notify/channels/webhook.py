"""Webhooks signed as the Standard Webhooks specification says (https://www.standardwebhooks.com)."""

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx
from standardwebhooks import Webhook

from server.domain.clock import utcnow
from server.notify.channels.message import Message, Outcome
from server.notify.channels.posting import post

MAX_SECRETS = 2  # the current secret and, while a rotation overlaps, the next one


class WebhookChannel:
    """POSTs `{type, timestamp, data}` to one endpoint, signed with each active secret."""

    def __init__(
        self,
        url: str,
        secrets: Sequence[str],
        client: httpx.Client,
        *,
        timeout: float = 10.0,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        if not 1 <= len(secrets) <= MAX_SECRETS:
            raise ValueError(f"a webhook has 1 to {MAX_SECRETS} active secrets")
        self.url = url
        self.signers = [Webhook(secret) for secret in secrets]
        self.client = client
        self.timeout = timeout
        self.now = now

    def send(self, message: Message) -> Outcome:
        at = _utc(self.now())
        body = body_of(message, at)
        headers = {
            "webhook-id": message.idempotency_key,
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": self.signature(message.idempotency_key, at, body),
        }
        return post(self.client, self.url, body.encode(), headers=headers, timeout=self.timeout)

    def signature(self, webhook_id: str, at: datetime, body: str) -> str:
        """`v1,<sig>` per secret, space separated, so receivers with either secret verify."""
        return " ".join(signer.sign(webhook_id, at, body) for signer in self.signers)


def body_of(message: Message, at: datetime) -> str:
    """The JSON payload, exactly the characters that are signed and sent."""
    payload = {
        "type": f"{message.topic}.{message.change}",
        "timestamp": at.isoformat().replace("+00:00", "Z"),
        "data": {**message.facts, "title": message.title, "link": message.link},
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def _utc(at: datetime) -> datetime:
    # standardwebhooks' sign() overwrites tzinfo with UTC, so anything else signs a wrong time.
    if at.tzinfo is None:
        raise ValueError("the webhook clock must be timezone-aware")
    return at.astimezone(UTC).replace(microsecond=0)
