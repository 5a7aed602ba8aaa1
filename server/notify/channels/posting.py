"""One JSON POST over an injected httpx client, its failures sorted into retry or give up."""

import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from server.notify.channels.message import Outcome, clip

RETRYABLE_STATUSES = frozenset({408, 425, 429})


def post(
    client: httpx.Client,
    url: str,
    body: bytes,
    *,
    headers: Mapping[str, str],
    timeout: float,
    judge: Callable[[httpx.Response, int], Outcome] | None = None,
) -> Outcome:
    """POST `body`; a transport failure or timeout is a retryable outcome, never an exception."""
    started = time.monotonic()
    try:
        response = client.post(
            url,
            content=body,
            headers={"content-type": "application/json; charset=utf-8", **headers},
            timeout=timeout,
        )
    except httpx.TimeoutException as error:
        return Outcome.failed(
            retryable=True, status=None, latency_ms=_since(started), error=f"timeout: {error!r}"
        )
    except httpx.TransportError as error:
        return Outcome.failed(
            retryable=True, status=None, latency_ms=_since(started), error=f"transport: {error!r}"
        )
    latency = _since(started)
    if judge is not None and response.status_code == 200:
        return judge(response, latency)
    return by_status(response, latency)


def by_status(response: httpx.Response, latency_ms: int) -> Outcome:
    """2xx delivered; 408, 425, 429 and 5xx worth another try; other answers final."""
    status = response.status_code
    excerpt = clip(response.text)
    if 200 <= status < 300:
        return Outcome.ok(status, latency_ms, excerpt)
    return Outcome.failed(
        retryable=status in RETRYABLE_STATUSES or status >= 500,
        status=status,
        latency_ms=latency_ms,
        error=f"HTTP {status}",
        excerpt=excerpt,
        retry_after=retry_after(response.headers.get("retry-after")),
    )


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
