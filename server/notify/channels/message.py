"""What a notification says, what came of sending it, and the interface every channel offers."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

EXCERPT_LIMIT = 500


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail (a report); other channels send its link instead."""

    name: str
    mimetype: str  # "application/pdf"
    data: bytes


@dataclass(frozen=True)
class Message:
    """One notification for one recipient, already in the recipient's language."""

    idempotency_key: str  # stable per alert, step and recipient: webhook-id, e-mail Message-ID
    change: str  # what happened to the alert: raised, severity_up, reopened, overdue, resolved
    title: str
    text: str  # plain text / Markdown body; carries the site and time in the reader's words
    link: str  # the alert's console page
    facts: Mapping[str, Any] = field(default_factory=dict)  # for machines: ids, kind, severity
    html: str | None = None
    topic: str = "alert"  # what it is about: alert, or report (a webhook's type: topic.change)
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt came to; channels report failures here instead of raising."""

    delivered: bool
    retryable: bool
    status: int | None
    latency_ms: int
    excerpt: str = ""
    error: str | None = None
    retry_after: float | None = None  # seconds the receiver asked us to wait, if it said

    @classmethod
    def ok(cls, status: int | None, latency_ms: int, excerpt: str = "") -> "Outcome":
        return cls(True, False, status, latency_ms, clip(excerpt))

    @classmethod
    def failed(
        cls,
        *,
        retryable: bool,
        status: int | None,
        latency_ms: int,
        error: str,
        excerpt: str = "",
        retry_after: float | None = None,
    ) -> "Outcome":
        return cls(False, retryable, status, latency_ms, clip(excerpt), clip(error), retry_after)


class Channel(Protocol):
    """A configured destination (an address, an endpoint, a group robot)."""

    def send(self, message: Message) -> Outcome: ...


def clip(text: str, limit: int = EXCERPT_LIMIT) -> str:
    """At most `limit` characters, for logs and the delivery log."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
