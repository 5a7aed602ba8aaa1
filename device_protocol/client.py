"""A reference handheld: queues events offline, syncs them in batches, retries with backoff.

The HTTP transport is the seam: httpx.HTTPTransport for a real server, httpx.WSGITransport for
an app in the same process (tests, benchmarks).
"""

import itertools
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from device_protocol import version


class ProtocolError(Exception):
    """The server refused a request for a reason retrying cannot fix."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


@dataclass
class Outcome:
    """What one sync() achieved."""

    accepted: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    conflict: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    flags: dict[str, list[str]] = field(default_factory=dict)
    # uuid -> the server's id of the event stored with it (accepted, duplicate or conflict).
    event_ids: dict[str, int] = field(default_factory=dict)
    attempts: int = 0
    clock_offset_ms: int | None = None


class Handheld:
    """One device. Events wait in `queue` until a batch carrying them gets an answer."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic_ms: Callable[[], int] = lambda: time.monotonic_ns() // 1_000_000,
        boot_id: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 6,
        app_version: str | None = "reference-1",
    ) -> None:
        self.http = http
        self.app_version = app_version  # stated on every request (Vigil-App); None: an older app
        self.clock, self.monotonic_ms, self.sleep = clock, monotonic_ms, sleep
        self.boot_id = boot_id or uuid.uuid4().hex
        self.max_attempts = max_attempts
        self.attempts = 0  # tries the last request took
        self.token: str | None = None
        self.queue: list[dict[str, Any]] = []
        self.config: dict[str, Any] | None = None
        self._config_etag: str | None = None

    # --- talking to the server -------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        headers = {version.HEADER: version.CURRENT}
        if self.app_version:
            headers[version.APP_HEADER] = self.app_version
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send, retrying network failures, 5xx and 429 with exponential backoff and jitter."""
        for attempt in itertools.count(1):
            try:
                response = self.http.request(
                    method, path, headers=self._headers() | (headers or {}), **kwargs
                )
            except httpx.TransportError:
                if attempt >= self.max_attempts:
                    raise
                self.sleep(self._backoff(attempt))
                continue
            self.attempts = attempt
            retryable = response.status_code >= 500 or response.status_code == 429
            if not retryable or attempt >= self.max_attempts:
                return response
            wait = response.headers.get("Retry-After")
            self.sleep(float(wait) if wait and wait.isdigit() else self._backoff(attempt))
        raise AssertionError("unreachable")

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(60.0, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)  # noqa: S311

    def enroll(self, code: str, serial: str, label: str = "") -> dict[str, Any]:
        """Exchange an enrollment code for this device's token."""
        response = self._request(
            "POST", "/api/v1/device/enroll", json={"code": code, "serial": serial, "label": label}
        )
        if response.status_code != 201:
            raise ProtocolError(response.status_code, response.json())
        body = response.json()
        self.token = body["token"]
        return body

    def fetch_config(self) -> dict[str, Any]:
        """The offline configuration; unchanged ones cost a 304."""
        headers = {"If-None-Match": self._config_etag} if self._config_etag else {}
        response = self._request("GET", "/api/v1/device/config", headers=headers)
        if response.status_code == 304 and self.config is not None:
            return self.config
        if response.status_code != 200:
            raise ProtocolError(response.status_code, response.json())
        self.config, self._config_etag = response.json(), response.headers.get("ETag")
        return self.config

    # --- recording, offline ----------------------------------------------------------------
    def _record(self, kind: str, fields: dict[str, Any], user_id: int | None) -> str:
        event = {
            "uuid": str(uuid.uuid4()),
            "type": kind,
            "device_time": self.clock().isoformat(),
            "monotonic_ms": self.monotonic_ms(),
            "boot_id": self.boot_id,
            **({"user_id": user_id} if user_id else {}),
            **{k: v for k, v in fields.items() if v is not None},
        }
        self.queue.append(event)
        return event["uuid"]

    def scan_qr(self, payload: str, user_id: int | None = None, **extra: Any) -> str:
        return self._record("scan", {"method": "qr", "payload": payload, **extra}, user_id)

    def scan_chip(self, kind: str, uid: str, user_id: int | None = None, **extra: Any) -> str:
        return self._record("scan", {"method": kind, "uid": uid, **extra}, user_id)

    def enter_code(self, code: str, user_id: int | None = None, **extra: Any) -> str:
        return self._record("scan", {"method": "manual", "code": code, **extra}, user_id)

    def report_incident(
        self, category: str, severity: str, text: str, user_id: int | None = None, **extra: Any
    ) -> str:
        fields = {"category": category, "severity": severity, "text": text, **extra}
        return self._record("incident", fields, user_id)

    def shift(self, kind: str, note: str = "", user_id: int | None = None) -> str:
        return self._record("shift", {"kind": kind, "note": note}, user_id)

    def round(self, action: str, route_id: int, user_id: int | None = None) -> str:
        return self._record("round", {"action": action, "route_id": route_id}, user_id)

    # --- syncing -------------------------------------------------------------------------------
    def sync(self, batch_size: int = version.MAX_EVENTS) -> Outcome:
        """Send everything queued; each answered event leaves the queue, whatever its status."""
        outcome = Outcome()
        while self.queue:
            batch = self.queue[:batch_size]
            body = {
                "sent_at": self.clock().isoformat(),
                "monotonic_ms": self.monotonic_ms(),
                "events": batch,
            } | ({"boot_id": self.boot_id} if self.boot_id else {})
            response = self._request("POST", "/api/v1/device/sync", json=body)
            outcome.attempts += self.attempts
            if response.status_code != 200:
                raise ProtocolError(response.status_code, response.json())
            answer = response.json()
            outcome.clock_offset_ms = answer["clock_offset_ms"]
            for result in answer["results"]:
                status = result["status"]
                if status in ("accepted", "duplicate"):
                    getattr(outcome, status).append(result["uuid"])
                else:
                    getattr(outcome, status).append(result)
                if result["flags"]:
                    outcome.flags[result["uuid"]] = result["flags"]
                if result.get("event_id") is not None:
                    outcome.event_ids[result["uuid"]] = result["event_id"]
            del self.queue[: len(batch)]
        return outcome
