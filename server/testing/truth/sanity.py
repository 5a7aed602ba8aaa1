"""The generator checks itself: normal behaviour really is normal, each fault really is one.

These are the documented rules (docs/patrols.md) applied to the generated timeline with wide
margins, so a scenario whose dice made an accidental fault (a walk too brisk, a sync too late)
fails here, as a generator bug, instead of being blamed on the server.
"""

import bisect
import itertools
from collections import defaultdict
from datetime import datetime, timedelta

from server.testing.truth.model import (
    MINUTE,
    Scan,
    Scenario,
    Shift,
    haversine,
    metres,
    silence_subject,
    stamp,
)
from server.testing.truth.patrols import Round

MAX_SPEED = 3.0  # the sites' max_speed_mps (the default)
TWIN_WINDOW = timedelta(seconds=60)  # twin_window_s
RADII = 2.0  # geofence_radii
LOOKBACK = timedelta(hours=12)
ON_TIME = {None, "asleep", "asleep_resume", "skip_optional", "skip_required", "out_of_order"}
ON_TIME |= {"running", "far_scan", "twin_scan", "forged_tag", "revoked_tag"}


def check(scenario: Scenario, made: list[Round]) -> None:
    sent = {id(scenario.actions[i]): at for i, at in scenario.sent.items()}
    for r in made:
        _round(r, sent, scenario.end)
    declared = {e.subject for e in scenario.expected}
    _silences(scenario, {e.subject: e.end for e in scenario.expected})
    scans = [a for a in scenario.actions if isinstance(a, Scan)]
    sites = {h.serial: s for s in scenario.estate.sites for h in s.handhelds}
    _speeds(scans, sites, declared)
    _twins(scans, declared)
    _far(scans, sites, declared)


def _fail(message: str) -> None:
    raise AssertionError(f"generator: {message}")


def _round(r: Round, sent: dict[int, datetime], end: datetime) -> None:
    live = [s for s in r.scans if s.tag == "live"]
    known = [sent.get(id(s)) for s in live]
    grace = r.due + timedelta(minutes=r.plan.grace_min)
    closed = r.window_end <= end
    if r.fault in ON_TIME and live:
        if any(at is None for at in known) and closed:
            _fail(f"{r.plan.name} {r.due}: a scan never reached the server")
        if (known[0] or end) >= grace - MINUTE:
            _fail(f"{r.plan.name} {r.due}: first scan known only at {known[0]}")
        if closed and max(s.at for s in live) >= r.window_end - MINUTE:
            _fail(f"{r.plan.name} {r.due}: walk still going at the window's end")
        if closed and max(k for k in known if k) >= r.window_end:
            _fail(f"{r.plan.name} {r.due}: a scan reached the server after the window")
    elif r.fault in ON_TIME and closed:
        _fail(f"{r.plan.name} {r.due}: normal round not walked")
    late = r.fault == "late_start"
    if late and not (grace + 5 * MINUTE < live[0].at and live[-1].at < r.window_end - MINUTE):
        _fail(f"{r.plan.name} {r.due}: late start not late, or too late to finish")
    if r.fault == "late_batch" and min(k for k in known if k) <= r.window_end:
        _fail(f"{r.plan.name} {r.due}: late batch not late")


def _silences(scenario: Scenario, declared: dict[tuple[str, ...], str]) -> None:
    """Where a clocked-in handheld's silence is over the limit, as the server can know it.

    A silence is seen when a sweep comes more than the limit after the last event received while
    the next event has not arrived yet (raised, then resolved if the gap proves to be within the
    limit), or when the gap itself is over the limit (a real silence: it stays open).
    """
    by_serial: dict[str, list[tuple[datetime, datetime | None, str]]] = defaultdict(list)
    for index, action in enumerate(scenario.actions):
        if isinstance(action, Scan | Shift):
            kind = action.kind if isinstance(action, Shift) else "scan"
            by_serial[action.serial].append((action.at, scenario.sent.get(index), kind))
    sweeps = scenario.sweeps
    for serial, events in by_serial.items():
        limit = timedelta(minutes=scenario.estate.site_of(serial).inactivity_min)
        on_duty = False
        for (at, known, kind), following in zip(events, [*events[1:], None], strict=True):
            on_duty = kind != "clock_out" and (on_duty or kind == "clock_in")
            if not on_duty or known is None:
                continue
            next_at, next_known = (following[0], following[1]) if following else (None, None)
            arrives = next_known or scenario.end + MINUTE
            last = bisect.bisect_left(sweeps, arrives) - 1  # the last sweep before it arrives
            seen = last >= 0 and sweeps[last] >= known and sweeps[last] - at > limit - MINUTE
            real = next_at is not None and next_known is not None and next_at - at > limit
            should = "open" if real else "auto_resolved" if seen else None
            if declared.get(silence_subject(serial, at)) != should:
                _fail(f"{serial}: silence after {at} (seen {seen}, real {real}) not as declared")


def _speeds(scans: list[Scan], sites, declared: set[tuple[str, ...]]) -> None:
    chains: dict[str, list[Scan]] = defaultdict(list)
    for scan in scans:
        if scan.tag == "live":
            chains[scan.serial].append(scan)
    for serial, chain in chains.items():
        site = sites[serial]
        for a, b in itertools.pairwise(chain):
            seconds = (b.at - a.at).total_seconds()
            if seconds > LOOKBACK.total_seconds():
                continue
            distance = metres(site.checkpoint(a.checkpoint), site.checkpoint(b.checkpoint))
            speed = distance / seconds if seconds > 0 else float("inf")
            claimed = any(
                s[0] == "steps" and s[3] == stamp(a.at) and s[5] == stamp(b.at) for s in declared
            )
            if claimed != (speed > MAX_SPEED) or (not claimed and speed > 0.8 * MAX_SPEED):
                _fail(f"{serial}: {a.checkpoint}->{b.checkpoint} at {speed:.1f} m/s")


def _twins(scans: list[Scan], declared: set[tuple[str, ...]]) -> None:
    placed = sorted((s for s in scans if s.tag != "forged"), key=lambda s: s.at)
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            if b.at - a.at > 2 * TWIN_WINDOW:
                break
            if b.checkpoint == a.checkpoint and b.serial != a.serial:
                claimed = any(s[0] == "twins" and s[1] == a.checkpoint for s in declared)
                if not claimed or b.at - a.at > TWIN_WINDOW:
                    _fail(f"{a.checkpoint}: scanned by {a.serial} and {b.serial} {b.at - a.at}")


def _far(scans: list[Scan], sites, declared: set[tuple[str, ...]]) -> None:
    for scan in scans:
        if scan.fix is None or scan.tag == "forged":
            continue
        place = sites[scan.serial].checkpoint(scan.checkpoint)
        lat, lon, accuracy = scan.fix
        beyond = haversine(place.latitude, place.longitude, lat, lon) - accuracy
        claimed = ("scan", scan.serial, scan.checkpoint, stamp(scan.at)) in declared
        if claimed != (beyond > RADII * place.radius_m) or (
            not claimed and beyond > 0.75 * RADII * place.radius_m
        ):
            _fail(f"{scan.serial} at {scan.checkpoint}: {beyond:.0f} m off")
