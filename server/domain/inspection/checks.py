"""What is abnormal about a record, judged against its limits and the asset's own history."""

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.domain.inspection.definition import NUMERIC, Bounds, Definition, Item

RECENT = 5  # readings shown beside a finding
# Problems that last from record to record until one shows otherwise: one alert for the spell.
LASTING = ("out_of_bounds", "above_usual", "check_failed", "abnormal_choice", "flatline")


@dataclass(frozen=True)
class Point:
    """One earlier reading of an item on this asset."""

    at: datetime
    value: float
    record_id: int


@dataclass(frozen=True)
class Problem:
    """Something abnormal in a record; `lasting` ones continue until a record shows otherwise."""

    code: str
    item: str | None
    level: str  # low, warning or critical
    details: dict[str, Any] = field(default_factory=dict)
    lasting: bool = False


def classify(value: float, bounds: Bounds) -> tuple[str, str, float] | None:
    """(level, side, limit) of the widest range the value falls outside, or None."""
    for level in ("critical", "warning", "normal"):
        low, high = getattr(bounds, level)
        if low is not None and value < low:
            return level, "low", low
        if high is not None and value > high:
            return level, "high", high
    return None


def detect(
    definition: Definition,
    bounds: dict[str, Bounds],
    values: dict[str, Any],
    at: datetime,
    series: dict[str, list[Point]],
    previous: list[dict[str, Any]],
    missing: list[str],
) -> list[Problem]:
    """Every problem in a record.

    series: each numeric item's earlier readings on this asset, latest first, all before `at`;
    previous: the values of this template's earlier records on this asset, latest first.
    """
    found: list[Problem] = []
    for item in definition.items:
        value = values.get(item.key)
        if value is None:
            continue
        if item.type in NUMERIC:
            history = series.get(item.key, [])
            found += _limits(item, bounds.get(item.key, item.bounds), value, history)
            if item.type == "meter":
                found += _meter(item, value, at, history)
            if item.max_drop is not None:
                found += _drop(item, value, series, values, definition.min_run_hours)
            if item.baseline is not None:
                found += _usual(item, value, series, values)
        elif item.type == "check" and value is False:
            found.append(Problem("check_failed", item.key, item.fail_level, {}, lasting=True))
        elif item.type == "choice" and value in item.abnormal:
            level = item.abnormal[value]
            found.append(Problem("abnormal_choice", item.key, level, {"value": value}, True))
    found += _flatline(definition, values, previous)
    if missing:
        labels = [_label(definition.item(k)) for k in missing]
        found.append(Problem("incomplete", None, "low", {"missing": labels}))
    return found


def _recent(history: list[Point]) -> list[dict[str, Any]]:
    return [{"at": p.at.isoformat(), "value": p.value} for p in history[:RECENT]]


def _limits(item: Item, bounds: Bounds, value: float, history: list[Point]) -> list[Problem]:
    verdict = classify(value, bounds)
    if verdict is None or verdict[0] == "normal":
        return []  # outside the normal range only: shown on the record, no alert
    level, side, limit = verdict
    details = {
        "value": value,
        "unit": item.unit,
        "side": side,
        "limit": limit,
        "bounds": bounds.as_dict(),
        "recent": _recent(history),
    }
    return [Problem("out_of_bounds", item.key, level, details, lasting=True)]


def _meter(item: Item, value: float, at: datetime, history: list[Point]) -> list[Problem]:
    """A cumulative counter never goes back, and never climbs faster than it can."""
    if not history:
        return []
    last = history[0]
    facts = {"value": value, "previous": last.value, "previous_at": last.at.isoformat()}
    if value < last.value:
        return [Problem("meter_backwards", item.key, "warning", facts)]
    days = (at - last.at).total_seconds() / 86400
    if item.max_per_day is not None and days > 0:
        rate = (value - last.value) / days
        if rate > item.max_per_day:
            facts |= {"per_day": round(rate, 2), "max_per_day": item.max_per_day}
            return [Problem("meter_jump", item.key, "warning", facts)]
    return []


def _at_or_before(points: list[Point], moment: datetime) -> Point | None:
    return next((p for p in points if p.at <= moment), None)


def _drop(
    item: Item,
    value: float,
    series: dict[str, list[Point]],
    values: dict[str, Any],
    min_run: float,
) -> list[Problem]:
    """A level that fell more than it may since the last record, with no run to explain it.

    Only a rise of at least `min_run` on the meter is a run: a few minutes on it do not account
    for a tank a quarter emptier.
    """
    history = series.get(item.key, [])
    if not history or history[0].value - value <= (item.max_drop or 0):
        return []
    last = history[0]
    rise = None
    if item.drop_unless is not None:
        meter = series.get(item.drop_unless, [])
        now = values.get(item.drop_unless)
        if now is None and meter:
            now = meter[0].value
        then = _at_or_before(meter, last.at)
        if now is not None and then is not None:
            rise = round(now - then.value, 6)  # meters read to at most 6 decimals
            if rise >= min_run:
                return []  # the set ran: the meter says so
    facts = {
        "value": value,
        "previous": last.value,
        "previous_at": last.at.isoformat(),
        "drop": round(last.value - value, 3),
        "max_drop": item.max_drop,
        "unit": item.unit,
        "unexplained_by": item.drop_unless,
        "meter_rise": rise,
        "min_run_hours": min_run,
    }
    return [Problem("unexplained_drop", item.key, "warning", facts)]


def _usual(
    item: Item, value: float, series: dict[str, list[Point]], values: dict[str, Any]
) -> list[Problem]:
    """Well above this asset's usual value at a similar load (a sign of an internal fault)."""
    rule = item.baseline or {}
    similar = values.get(rule["similar"])
    if similar is None:
        return []
    loads = {p.record_id: p.value for p in series.get(rule["similar"], [])}
    alike = [
        p.value
        for p in series.get(item.key, [])
        if p.record_id in loads and abs(loads[p.record_id] - similar) <= rule["within"]
    ]
    if len(alike) < rule["min_history"]:
        return []
    usual = statistics.median(alike)
    if value - usual <= rule["max_above"]:
        return []
    facts = {
        "value": value,
        "usual": usual,
        "max_above": rule["max_above"],
        "similar": rule["similar"],
        "similar_value": similar,
        "compared_with": len(alike),
        "unit": item.unit,
    }
    return [Problem("above_usual", item.key, "warning", facts, lasting=True)]


def _flatline(
    definition: Definition, values: dict[str, Any], previous: list[dict[str, Any]]
) -> list[Problem]:
    """The same readings copied record after record: the form was filled without looking."""
    if definition.flatline is None:
        return []
    # Meters move whenever the set runs; the readings that matter are the rest.
    steady = [i.key for i in definition.items if i.type == "number"]
    now = {k: values[k] for k in steady if values.get(k) is not None}
    if len(now) < 2:
        return []
    run = previous[: definition.flatline - 1]
    if len(run) < definition.flatline - 1 or any({k: p.get(k) for k in now} != now for p in run):
        return []
    details = {"records": definition.flatline, "values": now}
    return [Problem("flatline", None, "warning", details, lasting=True)]


def _label(item: Item | None) -> dict[str, Any]:
    if item is None:
        return {}
    return {"key": item.key, "label": item.label}
