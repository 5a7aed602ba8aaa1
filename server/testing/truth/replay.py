"""The scenario replayed against a real app: handhelds sync, the evaluator sweeps, as time runs.

The injectable clock (server.domain.clock.set_clock) is moved to each moment; at a moment the
handhelds due to sync send what they queued (events built as the reference client builds them,
stamped with each handheld's skewed wall clock, its monotonic clock and boot id) through
POST /api/v1/device/sync, and then, every five minutes, one evaluator pass runs
(server.worker.sweep). Each morning the supervisor resolves the open suspicious-tag alerts
(the sticker taken down). At the end the alerts are read back through GET /api/v1/alerts.
"""

import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from flask import Flask
from sqlalchemy.orm import Session

from server import worker
from server.domain.clock import reset_clock, set_clock
from server.testing.truth import score, setup
from server.testing.truth.model import Action, Reading, Scan, Scenario, Shift, sticker
from server.testing.truth.setup import Api, Ids

_NAMESPACE = uuid.UUID("6f1c2a52-6d0e-4c57-9a43-7a1f0b0e2d11")


@dataclass
class Run:
    """What a replay did and found."""

    app: Flask
    ids: Ids
    raised: list[score.Raised]
    syncs: int = 0
    resolved: int = 0  # alerts the supervisor resolved
    sweeps: int = 0
    events: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    sweep_seconds: float = 0.0
    sync_seconds: float = 0.0


def replay(app: Flask, session: Session, scenario: Scenario) -> Run:
    """Set the estate up, play every moment of the window, read the alerts back."""
    began = time.perf_counter()
    transport = httpx.WSGITransport(app=app)
    with httpx.Client(transport=transport, base_url="http://truth.test") as http:
        try:
            set_clock(lambda: scenario.setup_at)
            ids = setup.build(app, session, scenario, http)
            run = Run(app, ids, [])
            _play(session, scenario, run)
            set_clock(lambda: scenario.end)
            run.raised = read_alerts(app, scenario, ids)
        finally:
            reset_clock()
    run.seconds = time.perf_counter() - began
    return run


def _play(session: Session, scenario: Scenario, run: Run) -> None:
    batches: dict[datetime, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, at in sorted(scenario.sent.items()):
        batches[at][scenario.actions[index].serial].append(index)
    sweeps, reviews = set(scenario.sweeps), set(scenario.reviews)
    for moment in sorted(sweeps | reviews | set(batches)):
        set_clock(lambda moment=moment: moment)
        began = time.perf_counter()
        for serial, indexes in sorted(batches.get(moment, {}).items()):
            _sync(scenario, run, serial, indexes, moment)
        run.sync_seconds += time.perf_counter() - began
        if moment in sweeps:
            began = time.perf_counter()
            counts = worker.sweep(session, moment)
            run.sweep_seconds += time.perf_counter() - began
            if counts.failed:
                raise AssertionError(f"evaluator stages failed at {moment}: {counts.failed}")
            run.sweeps += 1
        if moment in reviews:
            run.resolved += review(run.app, scenario)


def review(app: Flask, scenario: Scenario) -> int:
    """The supervisor's morning: each open suspicious-tag alert resolved, the sticker dealt with."""
    boss = Api(app).login(f"truth-super-{scenario.seed}")
    found = boss.get_all("/api/v1/alerts", kind="suspicious_tag", state="open")
    for alert in found:
        note = "标签已撤下，换上新标签。Sticker taken down and replaced."
        boss.post(f"/api/v1/alerts/{alert['id']}/resolve", {"note": note}, 200)
    return len(found)


def _sync(scenario: Scenario, run: Run, serial: str, indexes: list[int], at: datetime) -> None:
    """The handheld sends its queue as the reference client does: its clocks, as of now."""
    handheld = run.ids.handhelds[serial]
    clock = scenario.clocks[serial]
    zone = ZoneInfo(scenario.estate.site_of(serial).timezone)
    handheld.clock = lambda: (at + clock.skew(at)).astimezone(zone)
    handheld.monotonic_ms = lambda: clock.monotonic_ms(at)
    handheld.boot_id = clock.boot(at)[1]
    handheld.queue.extend(_event(scenario, run.ids, i, zone) for i in indexes)
    outcome = handheld.sync()
    if outcome.rejected or outcome.conflict or len(outcome.accepted) != len(indexes):
        raise AssertionError(f"{serial} at {at}: {outcome}")
    run.syncs += 1
    run.events += len(indexes)
    for flags in outcome.flags.values():
        for flag in flags:
            run.flags[flag] = run.flags.get(flag, 0) + 1


def _event(scenario: Scenario, ids: Ids, index: int, zone: ZoneInfo) -> dict[str, Any]:
    """One event as the reference client records it (device_protocol.client.Handheld._record)."""
    action: Action = scenario.actions[index]
    clock = scenario.clocks[action.serial]
    site = scenario.estate.site_of(action.serial)
    person = next(h.person for h in site.handhelds if h.serial == action.serial)
    event: dict[str, Any] = {
        "uuid": str(uuid.uuid5(_NAMESPACE, f"{scenario.seed}/{index}/{action.serial}")),
        "device_time": (action.at + clock.skew(action.at)).astimezone(zone).isoformat(),
        "monotonic_ms": clock.monotonic_ms(action.at),
        "boot_id": clock.boot(action.at)[1],
        "user_id": ids.users[person],
    }
    if isinstance(action, Scan):
        event |= {"type": "scan", "method": "qr", "payload": _payload(ids, action)}
        if action.fix is not None:
            latitude, longitude, accuracy = action.fix
            event |= {"latitude": latitude, "longitude": longitude, "accuracy_m": accuracy}
        if action.note:
            event["note"] = action.note
    elif isinstance(action, Shift):
        event |= {"type": "shift", "kind": action.kind}
    elif isinstance(action, Reading):
        template, version = ids.form
        asset = next(i for i, code in ids.assets.items() if code == action.asset)
        event |= {
            "type": "inspection",
            "asset_id": asset,
            "template_id": template,
            "version": version,
            "values": action.values,
        }
    return event


def _payload(ids: Ids, scan: Scan) -> str:
    if scan.tag == "revoked":
        return ids.revoked[scan.checkpoint]
    live = ids.payloads[scan.checkpoint]
    return _forged(live) if scan.tag == "forged" else live


def _forged(payload: str) -> str:
    """A copy of a sticker with its signature's last letter changed."""
    return payload[:-1] + ("B" if payload[-1] != "B" else "C")


def read_alerts(app: Flask, scenario: Scenario, ids: Ids) -> list[score.Raised]:
    """Every alert raised in the tenant, as GET /api/v1/alerts shows it, with its subject."""
    admin = Api(app).login(f"truth-admin-{scenario.seed}")
    alerts = admin.get_all("/api/v1/alerts")
    rounds = {
        a["round_id"]: admin.call("GET", f"/api/v1/rounds/{a['round_id']}", status=200)
        for a in alerts
        if a.get("round_id") is not None
    }
    stickers = {payload: code for code, payload in ids.payloads.items()}
    stickers |= {payload: sticker(code, "revoked") for code, payload in ids.revoked.items()}
    stickers |= {
        _forged(payload): sticker(code, "forged") for code, payload in ids.payloads.items()
    }
    names = score.Names(
        stickers=stickers,
        sites={v: k for k, v in ids.sites.items()},
        checkpoints={v: k for k, v in ids.checkpoints.items()},
        devices=ids.devices,
        plans=ids.plans,
        assets=ids.assets,
        rounds=rounds,
    )
    return [score.raised(alert, names) for alert in alerts]
