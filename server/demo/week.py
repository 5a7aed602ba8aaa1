"""A week of the demo estate's patrols as its two handhelds recorded them, with trouble in it."""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

# What went wrong, by (nights ago, local hour of the round), so a newcomer meets every kind of
# alert: nights count from the evening they began (last night is 1).
NIGHT_TROUBLE = {
    (1, 0): "out_of_contact",  # down in the car park with no signal: synced two hours late
    (1, 2): "skip_b2",  # car park B2 not scanned: the guard found the leak there instead
    (2, 4): "missed",  # the guard went quiet after the 02:00 round and missed 04:00
    (3, 0): "late",
    (4, 22): "rushed",
    (5, 2): "copied_tag",  # the north gate "scanned" from the guardhouse with a photocopy
}
DAY_TROUBLE = {(2, 10): "no_note"}
VOLUNTARY_NIGHT = 3  # a noise at 03:20: the guard walks the night route unscheduled
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Stop:
    """A checkpoint on a route as the handheld knows it."""

    code: str
    payload: str
    latitude: float | None
    longitude: float | None
    require_note: bool


@dataclass(frozen=True)
class Walker:
    """A handheld, the guard carrying it, and the route and round starts they walk."""

    device: int  # index into the loader's handhelds
    user_id: int
    route_id: int
    stops: list[Stop]
    due: list[datetime]  # UTC starts of the rounds to walk
    sync_after: timedelta  # the handheld syncs this long after each round's start
    clocks_in: bool  # the night guard works alone and clocks in; the day guard does not


@dataclass
class Moment:
    """An instant of the week: what each handheld sends then (the evaluator sweeps after)."""

    at: datetime
    sent: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def timeline(
    now: datetime, timezone: str, walkers: list[Walker], extra: dict[int, list[dict[str, Any]]]
) -> list[Moment]:
    """Every sync and sweep of the week, in order; `extra` events go out with the rest."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    last = last_night(now, zone)
    events: dict[int, list[dict[str, Any]]] = defaultdict(
        list, {k: list(v) for k, v in extra.items()}
    )
    syncs: set[tuple[datetime, int]] = set()
    sweeps: set[datetime] = set()
    for walker in walkers:
        for at in walker.due:
            local = at.astimezone(zone)
            trouble = _trouble(walker, local, today, last)
            events[walker.device] += _walk(walker, at, trouble)
            # The round in progress now is synced as far as it has gone.
            synced = min(at + walker.sync_after, now)
            sweeps.add(synced)
            if trouble != "out_of_contact":
                syncs.add((synced, walker.device))
        if walker.clocks_in:
            nights = {_night_of(d.astimezone(zone)) for d in walker.due}
            for night in sorted(nights):
                shift, morning = _shift(walker, night, zone, last)
                events[walker.device] += shift
                syncs.add((morning, walker.device))
    return _moments(now, events, syncs, sweeps)


def last_night(now: datetime, zone: ZoneInfo) -> date:
    """The evening the latest finished night shift began (nights end by 07:00)."""
    return (now.astimezone(zone) - timedelta(hours=7)).date() - timedelta(days=1)


def _night_of(local: datetime) -> date:
    """The evening a night shift began: 02:00 belongs to the night before."""
    return local.date() - timedelta(days=1) if local.hour < 12 else local.date()


def _trouble(walker: Walker, local: datetime, today: date, last: date) -> str | None:
    if walker.clocks_in:
        return NIGHT_TROUBLE.get(((last - _night_of(local)).days + 1, local.hour))
    return DAY_TROUBLE.get(((today - local.date()).days, local.hour))


def _walk(walker: Walker, due: datetime, trouble: str | None) -> list[dict[str, Any]]:
    """One round's scans, as walked on that night."""
    if trouble == "missed":
        return []
    rng = random.Random(due.isoformat())  # noqa: S311 (demo jitter, the same on every load)
    at = due + rng.randint(1, 4) * MINUTE
    if trouble == "late":
        at += 25 * MINUTE
    gate = next(s for s in walker.stops if s.code == "PE-GATE")
    walked = []
    for n, stop in enumerate(walker.stops):
        if n:
            rushing = trouble == "rushed" and n >= len(walker.stops) - 4
            at += 10 * SECOND if rushing else rng.randint(150, 210) * SECOND
        if trouble == "skip_b2" and stop.code == "CP-B2":
            continue
        place = gate if trouble == "copied_tag" and stop.code == "PE-NORTH" else stop
        note = stop.require_note and not (trouble == "no_note" and n == 0)
        walked.append(_scan(walker, stop, at, place, rng, note))
    return walked


def _scan(
    walker: Walker, stop: Stop, at: datetime, place: Stop, rng: random.Random, note: bool
) -> dict[str, Any]:
    event = _event(walker, "scan", at, stop.code)
    event |= {"method": "qr", "payload": stop.payload}
    if place.latitude is not None and place.longitude is not None:
        event |= {
            "latitude": round(place.latitude + rng.uniform(-4e-5, 4e-5), 6),
            "longitude": round(place.longitude + rng.uniform(-4e-5, 4e-5), 6),
            "accuracy_m": 8,
        }
    if note:
        event["note"] = "已检查，正常。Checked, all in order."
    return event


def _event(walker: Walker, kind: str, at: datetime, what: str) -> dict[str, Any]:
    # Fixed uuids: the same week loads the same events.
    name = f"vigil-demo/{walker.device}/{kind}/{what}/{at.isoformat()}"
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, name)),
        "type": kind,
        "device_time": at.isoformat(),
        "user_id": walker.user_id,
    }


def _shift(
    walker: Walker, night: date, zone: ZoneInfo, last: date
) -> tuple[list[dict[str, Any]], datetime]:
    """Clock-in, the handover note, clock-out, and the morning sync; a voluntary round too."""

    def local(day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), zone)

    morning = night + timedelta(days=1)
    made = [
        _event(walker, "shift", local(night, 21, 50), "in") | {"kind": "clock_in"},
        _event(walker, "shift", local(morning, 6, 45), "handover")
        | {"kind": "handover", "note": "夜间巡逻完成，详见记录。Night rounds done; see records."},
        _event(walker, "shift", local(morning, 6, 50), "out") | {"kind": "clock_out"},
    ]
    if (last - night).days + 1 == VOLUNTARY_NIGHT:
        start = local(morning, 3, 20)
        route = {"route_id": walker.route_id}
        made.append(_event(walker, "round", start, "start") | route | {"action": "start"})
        perimeter = [s for s in walker.stops if s.code.startswith("PE-")]
        rng = random.Random(start.isoformat())  # noqa: S311 (demo jitter)
        for n, stop in enumerate(perimeter, start=1):
            made.append(_scan(walker, stop, start + 4 * n * MINUTE, stop, rng, False))
        end = start + 4 * (len(perimeter) + 1) * MINUTE
        made.append(_event(walker, "round", end, "finish") | route | {"action": "finish"})
    return made, local(morning, 7, 0)


def _moments(
    now: datetime,
    events: dict[int, list[dict[str, Any]]],
    syncs: set[tuple[datetime, int]],
    sweeps: set[datetime],
) -> list[Moment]:
    """Each handheld sends, at each of its syncs, what it recorded since the last one."""
    moments = {at: Moment(at) for at in sweeps | {at for at, _ in syncs} if at <= now}
    sent_until: dict[int, datetime] = {}
    for at, device in sorted(s for s in syncs if s[0] <= now):
        since = sent_until.get(device)
        batch = [
            e
            for e in sorted(events[device], key=lambda e: e["device_time"])
            if (since is None or datetime.fromisoformat(e["device_time"]) > since)
            and datetime.fromisoformat(e["device_time"]) <= at
        ]
        sent_until[device] = at
        moments[at].sent[device] = batch
    return [moments[at] for at in sorted(moments)]
