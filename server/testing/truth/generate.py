"""A seeded, deterministic scenario: the estate, a window of what people do, the alerts it owes.

Handhelds sync every five minutes when they have something queued and a signal; underground
they queue, and sync the moment they come up. Each has its own wall-clock skew (minutes); the
Berlin night handheld's clock is put right by NTP with events still queued (the monotonic clock
carries them), and the New York day handheld reboots in the garage with events queued (the wall
clock, skewed as before, carries them). The evaluator sweeps every five minutes (or as asked),
the supervisor reviews the suspicious-tag alerts every morning.
"""

import random
from collections import defaultdict
from datetime import datetime, timedelta

from server.testing.truth import estate, faults, plant, sanity
from server.testing.truth.model import (
    DAY,
    MINUTE,
    Action,
    Clock,
    Estate,
    Scenario,
)
from server.testing.truth.patrols import Round, dst_nights, rounds, shifts, walk

SYNC_EVERY = 5 * MINUTE
SWEEP_EVERY = 5 * MINUTE
SETUP_LEAD = 15 * MINUTE  # the supervisor sets the estate up this long before the window
REVIEW_HOUR = 1  # UTC: the supervisor's morning review, 09:00 in Shanghai


def generate(
    seed: int, start: datetime, days: int, sweep_every: timedelta = SWEEP_EVERY
) -> Scenario:
    """The same scenario for the same arguments; AssertionError if it breaks its own rules."""
    rng = random.Random(seed)
    sites = estate.build(rng)
    setup_at, end = start - SETUP_LEAD, start + days * DAY
    made: list[Round] = []
    dst = {}
    for site in sites.sites:
        dst[site.code] = dst_nights(site, setup_at, end)
        for plan in site.plans:
            made += rounds(site, plan, setup_at, end)
    made.sort(key=lambda r: (r.due, r.plan.name))
    faults.place(made, rng, start, end, dst)
    injected = faults.Injected()
    offline: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    actions: list[Action] = []
    for r in made:
        twist = faults.twist(r, rng)
        r.scans = walk(r, rng, twist)
        faults.consequences(r, rng, twist, injected)
        offline[r.plan.walker] += faults.offline(r, rng)
        actions += r.scans
    actions += injected.extra
    for serial, stretches in injected.offline.items():
        offline[serial] += stretches
    expected, found_faults = list(injected.expected), list(injected.faults)
    for site in sites.sites:
        for plan in site.plans:
            if plan.night:
                actions += shifts(site, plan, [r for r in made if r.plan is plan])
        for asset in site.assets:
            room = plant.visits(site, asset, rng, setup_at, end)
            actions += room.readings
            offline[asset.engineer] += room.offline
            expected += room.expected
            found_faults += room.faults
    actions = sorted((a for a in actions if a.at < end), key=lambda a: (a.at, a.serial))
    clocks = _clocks(sites, rng, setup_at, start + (end - start) / 4, offline)
    phases = {h.serial: rng.randint(0, 299) for s in sites.sites for h in s.handhelds}
    sent = _sends(actions, offline, phases, setup_at, end)
    sweeps = [setup_at + n * sweep_every for n in range((end - setup_at) // sweep_every + 1)]
    reviews = _mornings(start, end)
    by_id = {id(actions[i]): at for i, at in sent.items()}
    expected += faults.sticker_alerts(injected.stickers, by_id, sweeps, reviews)
    scenario = Scenario(
        seed=seed,
        setup_at=setup_at,
        start=start,
        end=end,
        estate=sites,
        actions=actions,
        sent=sent,
        clocks=clocks,
        sweeps=sweeps,
        reviews=reviews,
        expected=expected,
        faults=sorted(found_faults, key=lambda f: f.at),
        dst_nights=sorted(f"{code} {night}" for code, nights in dst.items() for night in nights),
    )
    sanity.check(scenario, made)
    return scenario


def _mornings(start: datetime, end: datetime) -> list[datetime]:
    """The supervisor's daily review, 09:00 in Shanghai (01:00 UTC)."""
    first = start.replace(hour=REVIEW_HOUR, minute=0, second=0, microsecond=0)
    return [
        first + n * DAY for n in range((end - start) // DAY + 1) if start < first + n * DAY < end
    ]


def _clocks(
    sites: Estate,
    rng: random.Random,
    setup_at: datetime,
    after: datetime,
    offline: dict[str, list[tuple[datetime, datetime]]],
) -> dict[str, Clock]:
    clocks = {}
    for site in sites.sites:
        for handheld in site.handhelds:
            skew = rng.choice((-1, 1)) * rng.randint(20, 540)  # seconds, minutes either way
            boot = (setup_at - DAY, f"{handheld.serial}-{rng.getrandbits(48):012x}")
            clocks[handheld.serial] = Clock(((setup_at - DAY, float(skew)),), (boot,))
    # Events queued across each change: a stretch offline, well into the window.
    ntp = _quiet_spell(offline["BE-N1"], after, 4 * MINUTE)
    fast = clocks["BE-N1"]
    clocks["BE-N1"] = Clock((*fast.skews, (ntp, 1.5)), fast.boots)
    reboot = _quiet_spell(offline["NY-D1"], after, 30 * MINUTE)
    day = clocks["NY-D1"]
    clocks["NY-D1"] = Clock(day.skews, (*day.boots, (reboot, f"NY-D1-{rng.getrandbits(48):012x}")))
    return clocks


def _quiet_spell(
    stretches: list[tuple[datetime, datetime]], after: datetime, least: timedelta
) -> datetime:
    """The middle of the first stretch offline after `after` lasting at least `least`."""
    for begin, finish in sorted(stretches):
        if begin > after and finish - begin >= least:
            return begin + (finish - begin) / 2
    raise AssertionError(f"generator: no offline stretch of {least} after {after}")


def _sends(
    actions: list[Action],
    offline: dict[str, list[tuple[datetime, datetime]]],
    phases: dict[str, int],
    setup_at: datetime,
    end: datetime,
) -> dict[int, datetime]:
    """When each action reaches the server: the next sync tick, or the moment the signal is back."""
    sent = {}
    for index, action in enumerate(actions):
        base = setup_at + timedelta(seconds=phases[action.serial])
        at = _tick(action.at, base)
        while covering := [f for b, f in offline[action.serial] if b <= at < f]:
            at = max(covering)  # the app syncs as soon as the signal is back
        if at <= end:
            sent[index] = at
    return sent


def _tick(at: datetime, base: datetime) -> datetime:
    """The first sync tick (base + n * SYNC_EVERY) at or after at."""
    n = -((base - at) // SYNC_EVERY)
    return base + max(0, n) * SYNC_EVERY
