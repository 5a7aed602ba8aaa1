"""Judge one round from the scans that fall in its window: pure, so any instant can be replayed."""

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from device_protocol.flags import TAG_FLAGS, Flag
from server.domain.models.patrol import RoundStatus, RouteOrder

# Scan flags that mean the scan proves nothing about a visit (forged, revoked, other site...).
# An unknown user id does not: the tag was real and scanned, only the name it carried is not.
DISQUALIFYING = TAG_FLAGS | {
    Flag.OTHER_SITE,
    Flag.INACTIVE_CHECKPOINT,
    Flag.UNKNOWN_CHIP,
    Flag.UNKNOWN_CODE,
    Flag.UNKNOWN_CHECKPOINT,
    Flag.UNKNOWN_ROUTE,
    Flag.UNKNOWN_ASSET,
    Flag.UNKNOWN_TEMPLATE,
}


@dataclass(frozen=True)
class Visit:
    """A scan of a checkpoint as the evaluator sees it."""

    event_id: int
    checkpoint_id: int
    at: datetime
    device_id: int
    user_id: int | None
    photos: int = 0
    note: bool = False
    flags: tuple[Flag, ...] = ()
    received_at: datetime | None = None  # when the server had it (late batches explain changes)

    @property
    def counts(self) -> bool:
        """Whether it proves a visit."""
        return DISQUALIFYING.isdisjoint(self.flags)


@dataclass(frozen=True)
class Plan:
    """What a round expects: its window, its start and grace, its stops in walking order."""

    due_at: datetime
    window_start: datetime
    window_end: datetime
    grace: timedelta
    order: RouteOrder
    expected: list[dict[str, Any]]


@dataclass(frozen=True)
class Problem:
    """Something wrong with a round or one of its stops."""

    code: str  # late_start, missed, incomplete, timing, out_of_order, task, rushed
    position: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """A round as of one instant."""

    status: RoundStatus
    late_start: bool
    started_at: datetime | None
    finished_at: datetime | None
    stops: list[dict[str, Any]]
    problems: list[Problem]


def evaluate(plan: Plan, visits: list[Visit], now: datetime) -> Outcome:
    """The round's status, each stop's status and the problems, as of now."""
    known = [v for v in visits if plan.window_start <= v.at < plan.window_end and v.at <= now]
    valid = sorted((v for v in known if v.counts), key=lambda v: (v.at, v.event_id))
    taken = _assign(plan.expected, valid)
    times = [v.at for v in taken if v is not None]
    started = min(times) if times else None
    finished = max(times) if times else None
    closed = now >= plan.window_end
    walked = _walked(taken)
    backwards = _backwards(walked) if plan.order is not RouteOrder.ANY else set()
    stops, problems = [], []
    for index, (stop, visit) in enumerate(zip(plan.expected, taken, strict=True)):
        result = _stop(stop, visit, started, closed)
        if index in backwards:
            result["out_of_order"] = True
        if index in walked.gaps:
            _pace(result, stop, walked.gaps[index])
        result["status"] = _stop_status(result)
        stops.append(result)
        problems.extend(_stop_problems(result))
    late_start = (started or now) > plan.due_at + plan.grace and (
        started is not None or now > plan.due_at + plan.grace
    )
    missing = [s for s in stops if s["status"] == "missed"]
    required = [s for s in stops if not s["optional"]]
    if times and all(s["event_id"] is not None for s in required):
        status = RoundStatus.COMPLETED
    elif closed:
        status = RoundStatus.INCOMPLETE if times else RoundStatus.MISSED
    else:
        status = RoundStatus.IN_PROGRESS if times else RoundStatus.SCHEDULED
    if late_start and status is not RoundStatus.MISSED:  # a missed round says it all
        problems.append(Problem("late_start", details={"started_at": _iso(started)}))
    if status is RoundStatus.MISSED:
        problems.append(Problem("missed"))
    elif status is RoundStatus.INCOMPLETE and missing:
        problems.append(Problem("incomplete", details={"missed": [_label(s) for s in missing]}))
    disordered = [_label(s) for s in stops if s.get("out_of_order")]
    if disordered:
        problems.append(Problem("out_of_order", details={"checkpoints": disordered}))
    return Outcome(status, late_start, started, finished, stops, problems)


@dataclass(frozen=True)
class _Walk:
    """The stops scanned, in the order they were scanned; each one's gap from the one before."""

    order: list[int]  # indexes into the plan's stops
    gaps: dict[int, float]  # seconds since the scan before it in this round


def _walked(taken: list[Visit | None]) -> _Walk:
    scanned = sorted(
        (i for i, v in enumerate(taken) if v is not None),
        key=lambda i: (taken[i].at, taken[i].event_id),  # type: ignore[union-attr]
    )
    gaps = {
        index: (taken[index].at - taken[before].at).total_seconds()  # type: ignore[union-attr]
        for before, index in itertools.pairwise(scanned)
    }
    return _Walk(scanned, gaps)


def _backwards(walked: _Walk) -> set[int]:
    """Scans that go back along the route: below a position already scanned in this round.

    Walked A C B D, only B is out of order; a skipped stop never is.
    """
    found, highest = set(), -1
    for index in walked.order:
        if index < highest:
            found.add(index)
        highest = max(highest, index)
    return found


def _assign(expected: list[dict[str, Any]], visits: list[Visit]) -> list[Visit | None]:
    """The first scan of each stop's checkpoint; a checkpoint listed twice takes two scans."""
    taken: list[Visit | None] = [None] * len(expected)
    for visit in visits:
        for index, stop in enumerate(expected):
            if taken[index] is None and stop["checkpoint_id"] == visit.checkpoint_id:
                taken[index] = visit
                break
    return taken


def _stop(
    stop: dict[str, Any], visit: Visit | None, started: datetime | None, closed: bool
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "position": stop["position"],
        "checkpoint_id": stop["checkpoint_id"],
        "name": stop["name"],
        "event_id": None if visit is None else visit.event_id,
        "scanned_at": None if visit is None else _iso(visit.at),
        "timing": ("skipped" if stop.get("optional") else "missed") if closed else "pending",
        "optional": bool(stop.get("optional")),
        "out_of_order": False,
        "task_missing": [],
    }
    if visit is None:
        return result
    result["timing"] = "on_time"
    if stop.get("offset_min") is not None and started is not None:
        # Planned times run from the round's actual start; a late start is its own problem.
        planned = started + timedelta(minutes=stop["offset_min"])
        off = (visit.at - planned).total_seconds() / 60
        tolerance = stop.get("tolerance_min", 5)
        if off < -tolerance:
            result["timing"] = "early"
        elif off > tolerance:
            result["timing"] = "late"
        result["minutes_off"] = round(off, 1)
    if stop.get("require_photo") and not visit.photos:
        result["task_missing"].append("photo")
    if stop.get("require_note") and not visit.note:
        result["task_missing"].append("note")
    return result


def _pace(result: dict[str, Any], stop: dict[str, Any], gap: float) -> None:
    """Flag a scan sooner after the one before than its stop allows.

    Speed between scans is judged along the handheld's whole chain of scans (speed.py).
    """
    result["gap_s"] = round(gap)
    if stop.get("min_gap_s") and gap < stop["min_gap_s"]:
        result["rushed"] = {"gap_s": round(gap), "min_gap_s": stop["min_gap_s"]}


def _stop_status(result: dict[str, Any]) -> str:
    """One word per stop; the details stay beside it."""
    if result["event_id"] is None:
        return result["timing"]  # missed, skipped (optional) or pending
    if result["out_of_order"]:
        return "out_of_order"
    if result["task_missing"]:
        return "incomplete_task"
    return result["timing"]


def _stop_problems(result: dict[str, Any]) -> list[Problem]:
    position = result["position"]
    found = []
    if result["timing"] in ("early", "late"):
        found.append(Problem("timing", position, {"timing": result["timing"], **_facts(result)}))
    if result["task_missing"]:
        found.append(
            Problem("task", position, {"missing": result["task_missing"], **_facts(result)})
        )
    if result.get("rushed"):
        found.append(Problem("rushed", position, {**result["rushed"], **_facts(result)}))
    return found


def _facts(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "checkpoint": _label(result),
        "scanned_at": result["scanned_at"],
        "event_id": result["event_id"],
        "minutes_off": result.get("minutes_off"),
    }


def _label(stop: dict[str, Any]) -> dict[str, Any]:
    return {
        "position": stop["position"],
        "checkpoint_id": stop["checkpoint_id"],
        "name": stop["name"],
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
