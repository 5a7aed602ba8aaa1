"""Patrol faults: where each is injected, how it bends the walk, and the alerts it must raise.

Every 7-day stretch of the window gets each fault once, on a round chosen by the seed away from
the nights the clocks change (those nights must raise nothing) and from other faults' rounds.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from server.testing.truth.model import (
    DAY,
    HOUR,
    MINUTE,
    SECOND,
    End,
    Expected,
    Fault,
    Scan,
    metres,
    round_subject,
    scan_subject,
    silence_subject,
    steps_subject,
    sticker,
    tag_subject,
    twin_subject,
)
from server.testing.truth.patrols import Round, Twist, night_of

ASLEEP_SPAN = 4  # the last round walked, two missed, the one the guard wakes up for


def _strict(r: Round) -> bool:
    return r.site.route(r.plan.route).order == "strict"


def _optional(r: Round) -> bool:
    return any(s.optional for s in r.site.route(r.plan.route).stops)


# name: which rounds may carry it
ELIGIBLE: dict[str, Callable[[Round], bool]] = {
    "missed": lambda r: not r.plan.night,
    "skip_required": lambda r: True,
    "skip_optional": _optional,
    "late_start": lambda r: not r.plan.night,
    "out_of_order": _strict,
    "running": _strict,
    "far_scan": lambda r: True,
    "twin_scan": lambda r: not r.plan.night,
    "forged_tag": lambda r: r.plan.night,
    "revoked_tag": lambda r: r.plan.night and r.site.revoked is not None,
    "asleep": lambda r: r.plan.night and r.site.code == "SH",
    "late_batch": lambda r: r.site.code == "NY" and not r.plan.night and r.plan.hours[0] == 8,
}


@dataclass
class Injected:
    """What the faults add beside the walks: scans, offline stretches, expectations."""

    extra: list[Scan] = field(default_factory=list)
    stickers: list[tuple[Scan, str]] = field(default_factory=list)  # bad stickers read
    offline: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    expected: list[Expected] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)


def place(
    rounds: list[Round],
    rng: random.Random,
    start: datetime,
    end: datetime,
    dst: dict[str, set[date]],
) -> None:
    """Mark each 7-day stretch's rounds with one of each fault."""
    by_plan: dict[str, list[Round]] = {}
    for r in sorted(rounds, key=lambda r: r.due):
        by_plan.setdefault(r.plan.name, []).append(r)
    stretch = start
    while stretch + 5 * DAY <= end:
        until = min(stretch + 7 * DAY, end - HOUR)
        for name in ELIGIBLE:
            candidates = [
                (plan, i)
                for plan, listed in by_plan.items()
                for i, r in enumerate(listed)
                if ELIGIBLE[name](r)
                and stretch + 4 * HOUR <= r.due
                and _free(listed, i, name, until, dst)
            ]
            if not candidates:
                raise AssertionError(f"generator: nowhere to put {name} after {stretch}")
            plan, i = rng.choice(candidates)
            listed = by_plan[plan]
            if name == "asleep":
                listed[i].fault, listed[i + 3].fault = "asleep", "asleep_resume"
                listed[i + 1].fault = listed[i + 2].fault = "asleep_missed"
            else:
                listed[i].fault = name
        stretch += 7 * DAY


def _free(listed: list[Round], i: int, name: str, until: datetime, dst) -> bool:
    """The rounds the fault takes, and one either side, carry nothing and end in time."""
    span = ASLEEP_SPAN if name == "asleep" else 1
    if i == 0 or i + span >= len(listed):
        return False
    taken = listed[i : i + span]
    night = night_of(taken[0].site, taken[0].due)
    if any(night_of(r.site, r.due) != night for r in taken):
        return False  # a guard sleeps through rounds of one night
    if taken[-1].window_end > until or night in dst[taken[0].site.code]:
        return False
    return all(r.fault is None for r in listed[i - 1 : i + span + 1])


def twist(r: Round, rng: random.Random) -> Twist:
    """How the round's fault bends its walk."""
    name = r.fault
    stops = r.site.route(r.plan.route).stops
    # Any stop but the first, and never an optional one: those may be left out anyway.
    required = [s.code for s in stops[1:] if not s.optional]
    if name in ("missed", "asleep_missed"):
        return Twist(walked=False)
    if name == "late_start":
        return Twist(late_by=(r.plan.grace_min + rng.randint(6, 12)) * MINUTE)
    if name == "skip_required":
        return Twist(skip=frozenset({rng.choice(required)}))
    if name == "skip_optional":
        return Twist(skip=frozenset(s.code for s in stops if s.optional))
    if name == "out_of_order":
        return Twist(swap=True)
    if name == "running":  # strict routes only: the walking order is the listed one
        pairs = range(1, len(stops))
        longest = max(
            pairs, key=lambda i: metres(*(r.site.checkpoint(s.code) for s in stops[i - 1 : i + 1]))
        )
        return Twist(run_to=longest)
    if name == "far_scan":
        return Twist(far_at=rng.choice([c for c in required if not r.site.checkpoint(c).indoor]))
    if name == "forged_tag":
        return Twist(forged_at=rng.choice(required))
    if name == "revoked_tag":
        return Twist(revoked_after=rng.choice(required))
    return Twist()


def consequences(r: Round, rng: random.Random, walk_twist: Twist, found: Injected) -> None:
    """After the walk: the alerts the round's fault must raise, and what it adds."""
    name, serial = r.fault, r.plan.walker
    if name is None or name == "asleep_resume":
        return
    subject = round_subject(r.site.code, r.plan.name, r.due)
    local = r.due.astimezone(ZoneInfo(r.site.timezone))
    where = f"{r.plan.name} round due {local:%Y-%m-%d %H:%M %Z} ({r.due:%H:%M}Z)"
    found.faults.append(Fault(name, where, r.due))

    def expect(kind: str, about: tuple[str, ...], end: End = "open") -> None:
        found.expected.append(Expected(kind, about, end, f"{name}: {where}"))

    live = [s for s in r.scans if s.tag == "live"]
    if name in ("missed", "asleep_missed"):
        expect("round_late_start", subject, "auto_resolved")  # superseded once it is missed
        expect("round_missed", subject)
    elif name == "skip_required":  # the alert names the stop missed
        expect("round_incomplete", (*subject, *sorted(walk_twist.skip)))
    elif name == "late_start":
        expect("round_late_start", subject)
    elif name == "out_of_order":  # walked A C B D: B went back, and only B is named
        expect("round_out_of_order", (*subject, r.site.route(r.plan.route).stops[1].code))
    elif name == "running":  # a strict route, nothing skipped: scans follow the stops
        assert walk_twist.run_to is not None
        a, b = live[walk_twist.run_to - 1], live[walk_twist.run_to]
        expect("impossible_speed", steps_subject(serial, a.checkpoint, a.at, b.checkpoint, b.at))
    elif name == "far_scan":
        scan = next(s for s in live if s.checkpoint == walk_twist.far_at)
        expect("far_scan", scan_subject(serial, scan.checkpoint, scan.at))
    elif name == "twin_scan":
        first = rng.choice(live)
        other = next(p for p in r.site.plans if p.night).walker
        copy = Scan(first.at + rng.randint(15, 45) * SECOND, other, first.checkpoint)
        found.extra.append(copy)
        pair = ((serial, first.at), (other, copy.at))
        expect("twin_scan", twin_subject(first.checkpoint, *pair))
    elif name in ("forged_tag", "revoked_tag"):  # expected once the reviews are known: below
        found.stickers.append((next(s for s in r.scans if s.tag != "live"), f"{name}: {where}"))
    elif name == "asleep":
        expect("guard_inactive", silence_subject(serial, max(s.at for s in r.scans)))
    elif name == "late_batch":
        # Walked in time, but the handheld stayed offline until after the window closed: the
        # round looked missed, and the batch that finally came shows it complete.
        back = r.window_end + rng.randint(20, 50) * MINUTE
        found.offline.setdefault(serial, []).append((r.due - MINUTE, back))
        expect("round_late_start", subject, "auto_resolved")
        expect("round_missed", subject, "auto_resolved")


def offline(r: Round, rng: random.Random) -> list[tuple[datetime, datetime]]:
    """No signal underground: around each indoor scan, and at the NY garage sometimes for hours."""
    stretches = [
        (s.at - 90 * SECOND, s.at + 150 * SECOND)
        for s in r.scans
        if s.tag == "live" and r.site.checkpoint(s.checkpoint).indoor
    ]
    last = r.scans[-1] if r.scans else None
    if (
        r.site.code == "NY"
        and not r.plan.night
        and r.fault is None
        and last is not None
        and r.site.checkpoint(last.checkpoint).indoor
        and rng.random() < 0.4
    ):
        # The day guard stays in the garage office: the handheld syncs an hour or two later,
        # still inside the tour's long window.
        back = min(last.at + rng.randint(40, 110) * MINUTE, r.window_end - 12 * MINUTE)
        stretches.append((last.at - 90 * SECOND, back))
    return stretches


def sticker_alerts(
    read: list[tuple[Scan, str]],
    sent: dict[int, datetime],
    sweeps: list[datetime],
    reviews: list[datetime],
) -> list[Expected]:
    """Forged and revoked stickers: one alert per handheld, flag and sticker.

    Reading the same sticker again while its alert is open updates that alert (docs/patrols.md:
    finding a problem again never adds a second alert). The supervisor's morning review resolves
    it (the sticker taken down); the sticker read again after that reopens it, since the fix did
    not hold, and the next review resolves it again.
    """
    first: dict[tuple[str, str, str], tuple[Scan, str]] = {}
    closes: dict[tuple[str, str, str], datetime | None] = {}
    for scan, fault in sorted(read, key=lambda pair: pair[0].at):
        known = sent.get(id(scan))
        raised = next((t for t in sweeps if known is not None and t >= known), None)
        if raised is None:
            continue
        flag = "tag_bad_signature" if scan.tag == "forged" else "tag_revoked"
        key = (scan.serial, flag, sticker(scan.checkpoint, scan.tag))
        if key in closes and (closes[key] is None or closes[key] >= raised):  # type: ignore[operator]
            continue  # its alert is still open: this read updates it
        first.setdefault(key, (scan, fault))  # a read after the review reopens the same alert
        closes[key] = next((r for r in reviews if r >= raised), None)
    return [
        Expected(
            "suspicious_tag",
            tag_subject(*key, scan.at),
            "open" if closes[key] is None else "resolved",
            fault,
        )
        for key, (scan, fault) in first.items()
    ]
