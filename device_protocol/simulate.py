"""Drive a running Vigil with N simulated handhelds: python -m device_protocol.simulate --help

A supervisor login creates the enrollment codes and lists the site's tags. Every device enrolls
and downloads its configuration; then, together, each scans random tags and syncs a batch every
interval for a bounded time. The latency reported is a sync's, from sending to the answer.
"""

import argparse
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field

import httpx

from device_protocol.client import Handheld


@dataclass
class Tally:
    """What all devices saw, guarded by a lock."""

    accepted: int = 0
    duplicate: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def prepare(
    url: str, login: str, password: str, site_id: int | None, devices: int
) -> tuple[list[str], list[str]]:
    """The site's active tag payloads, and one enrollment code per device."""
    with httpx.Client(base_url=url, timeout=30) as http:
        token = http.post("/api/v1/auth/token", json={"login": login, "password": password})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        if site_id is None:
            site_id = http.get("/api/v1/sites", headers=headers).json()[0]["id"]
        tags = http.get(
            "/api/v1/qr-tags",
            params={"site_id": site_id, "status": "active", "page_size": 200},
            headers=headers,
        )
        payloads = [t["payload"] for t in tags.json()]
        codes = []
        for _ in range(devices):
            code = http.post("/api/v1/enrollment-codes", json={"site_id": site_id}, headers=headers)
            code.raise_for_status()
            codes.append(code.json()["code"])
    if not payloads:
        raise SystemExit("the site has no active QR tags to scan")
    return payloads, codes


def _device(
    url: str,
    code: str,
    serial: str,
    payloads: list[str],
    args: argparse.Namespace,
    tally: Tally,
    ready: threading.Barrier,
) -> None:
    with httpx.Client(base_url=url, timeout=30) as http:
        handheld = Handheld(http)
        try:
            handheld.enroll(code, serial)
            handheld.fetch_config()
        except Exception as error:  # reported; the other devices still run
            with tally.lock:
                tally.errors.append(f"{serial}: enrollment: {error}")
            ready.wait()
            return
        # Every device is enrolled before the load starts: a fleet's morning enrollment is
        # not the steady sync traffic being measured.
        ready.wait()
        start = time.monotonic()
        deadline = start + args.seconds
        # Handhelds are independent, so their syncs do not fall in step: each starts at its own
        # moment of the first interval and keeps its cadence from there. One that falls behind
        # sends its next batch at once, never a burst to catch up.
        tick = start + random.uniform(0, args.interval)  # noqa: S311
        while True:
            time.sleep(max(0.0, tick - time.monotonic()))
            if time.monotonic() >= deadline:
                return
            for _ in range(args.batch):
                handheld.scan_qr(random.choice(payloads))  # noqa: S311
            sent = time.monotonic()
            try:
                outcome = handheld.sync()
            except Exception as error:  # reported; the run goes on
                with tally.lock:
                    tally.errors.append(f"{serial}: {error}")
            else:
                elapsed = (time.monotonic() - sent) * 1000
                with tally.lock:
                    tally.accepted += len(outcome.accepted)
                    tally.duplicate += len(outcome.duplicate)
                    tally.latencies_ms.append(elapsed)
            tick = max(tick + args.interval, time.monotonic())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--login", default="demo-super")
    parser.add_argument("--password", default="vigil-demo-2026")
    parser.add_argument("--site-id", type=int)
    parser.add_argument("--devices", type=int, default=10)
    parser.add_argument("--batch", type=int, default=20, help="scans per sync")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between syncs")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to run")
    args = parser.parse_args()
    payloads, codes = prepare(args.url, args.login, args.password, args.site_id, args.devices)
    tally = Tally()
    stamp = int(time.time())
    ready = threading.Barrier(len(codes) + 1)
    threads = [
        threading.Thread(
            target=_device,
            args=(args.url, code, f"SIM-{stamp}-{n}", payloads, args, tally, ready),
        )
        for n, code in enumerate(codes)
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    latencies = sorted(tally.latencies_ms) or [0.0]
    print(
        json.dumps(
            {
                "devices": args.devices,
                "serial_prefix": f"SIM-{stamp}-",
                "syncs": len(tally.latencies_ms),
                "accepted": tally.accepted,
                "duplicate": tally.duplicate,
                "errors": len(tally.errors),
                "events_per_s": round(tally.accepted / wall, 1),
                "sync_p50_ms": round(statistics.median(latencies), 1),
                "sync_p99_ms": round(
                    latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1
                ),
                "first_errors": tally.errors[:5],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
