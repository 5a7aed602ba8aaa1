"""An inspection template's definition: sections of typed items, checked once when saved."""

import itertools
import math
import re
from dataclasses import dataclass, field
from typing import Any

from server.domain.errors import Invalid
from server.domain.inspection import formulas

ITEM_TYPES = ("number", "meter", "check", "choice", "text", "photo", "derived", "audit")
NUMERIC = ("number", "meter", "derived")
LEVELS = ("warning", "critical")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_ITEMS = 200
MIN_RUN_HOURS = 0.5  # the least rise of a drop_unless meter that explains a drop, by default


@dataclass(frozen=True)
class Bounds:
    """Normal range (shown to the engineer) and warning and critical limits; any side optional."""

    normal: tuple[float | None, float | None] = (None, None)
    warning: tuple[float | None, float | None] = (None, None)
    critical: tuple[float | None, float | None] = (None, None)

    def merged(self, override: dict[str, Any]) -> "Bounds":
        """These bounds with an asset's own limits laid over them (only the ranges given)."""
        return Bounds(
            **{
                name: tuple(override[name])
                if override.get(name) is not None
                else getattr(self, name)
                for name in ("normal", "warning", "critical")
            }
        )

    def as_dict(self) -> dict[str, list[float | None]]:
        return {
            "normal": list(self.normal),
            "warning": list(self.warning),
            "critical": list(self.critical),
        }


@dataclass(frozen=True)
class Item:
    """One thing to read, tick, choose, write, photograph or score."""

    key: str
    type: str
    label: dict[str, str]
    section: str
    required: bool
    unit: str = ""
    decimals: int = 1
    bounds: Bounds = field(default_factory=Bounds)
    choices: tuple[str, ...] = ()
    abnormal: dict[str, str] = field(default_factory=dict)  # choice -> warning or critical
    fail_level: str = "warning"  # for a check that fails
    max_per_day: float | None = None  # a meter rising faster than this is implausible
    max_drop: float | None = None  # fall since the last record that needs explaining...
    drop_unless: str | None = None  # ...unless this meter rose meanwhile (the set ran)
    baseline: dict[str, Any] | None = None  # above the usual at a similar value of another item
    formula: str | None = None
    inputs: tuple[str, ...] = ()
    points: float = 0.0
    requirements: tuple[dict[str, str], ...] = ()
    deduction: tuple[float, float] = (0.0, 0.0)
    follow_up: bool = False  # an alert on it closes only after a reading back within bounds


@dataclass(frozen=True)
class Definition:
    """A template version's form, ready to validate records against."""

    items: tuple[Item, ...]
    flatline: int | None  # so many records in a row with the same readings: not looked at
    min_run_hours: float = MIN_RUN_HOURS  # the least meter rise that explains a drop

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def history_keys(self) -> tuple[set[str], set[str]]:
        """Items judged against earlier readings: (the last few suffice, a long run is needed).

        Meters and levels that may not drop compare with their last reading; items judged
        against their usual value need a run of readings, with the item they are paired with.
        """
        recent, deep = set(), set()
        for item in self.items:
            if item.type == "meter":
                recent.add(item.key)
            if item.max_drop is not None:
                recent.add(item.key)
                if item.drop_unless:
                    recent.add(item.drop_unless)
            if item.baseline is not None:
                deep.update((item.key, item.baseline["similar"]))
        return recent - deep, deep


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.found.setdefault(path, []).append(message)


def parse(raw: Any) -> Definition:
    """The definition, or Invalid naming every problem by its path."""
    errors = _Errors()
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("sections"), list)
        or not raw["sections"]
    ):
        raise Invalid("a definition needs sections", {"definition.sections": ["a non-empty list"]})
    items: list[Item] = []
    for s, section in enumerate(raw["sections"]):
        path = f"definition.sections[{s}]"
        if not isinstance(section, dict):
            errors.add(path, "an object")
            continue
        key = section.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            errors.add(f"{path}.key", "lower-case letters, digits and _, starting with a letter")
        _label(section.get("title"), f"{path}.title", errors)
        raw_items = section.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            errors.add(f"{path}.items", "a non-empty list")
            continue
        for n, raw_item in enumerate(raw_items):
            item = _item(raw_item, f"{path}.items[{n}]", str(key), errors)
            if item is not None:
                items.append(item)
    _cross_check(items, errors)
    flatline = raw.get("flatline")
    if flatline is not None and (not _is_int(flatline) or not 2 <= flatline <= 20):
        errors.add("definition.flatline", "an integer from 2 to 20, or null")
    min_run = raw.get("min_run_hours")
    if min_run is not None:
        min_run = _positive(min_run, "definition.min_run_hours", errors)
    if len(items) > MAX_ITEMS:
        errors.add("definition.sections", f"at most {MAX_ITEMS} items in all")
    if errors.found:
        raise Invalid("the template definition is not valid", errors.found)
    return Definition(tuple(items), flatline, MIN_RUN_HOURS if min_run is None else min_run)


def _item(raw: Any, path: str, section: str, errors: _Errors) -> Item | None:
    if not isinstance(raw, dict):
        errors.add(path, "an object")
        return None
    key, kind = raw.get("key"), raw.get("type")
    if not isinstance(key, str) or not _KEY.match(key):
        errors.add(f"{path}.key", "lower-case letters, digits and _, starting with a letter")
        return None
    if kind not in ITEM_TYPES:
        errors.add(f"{path}.type", f"one of: {', '.join(ITEM_TYPES)}")
        return None
    fields: dict[str, Any] = {
        "key": key,
        "type": kind,
        "label": _label(raw.get("label"), f"{path}.label", errors),
        "section": section,
        "required": _bool(
            raw.get("required"), kind not in ("text", "photo", "derived"), path, errors
        ),
        "follow_up": _bool(raw.get("follow_up"), False, path, errors),
    }
    if kind in NUMERIC:
        fields["unit"] = _text(raw.get("unit", ""), f"{path}.unit", 16, errors)
        decimals = raw.get("decimals", 1)
        if not _is_int(decimals) or not 0 <= decimals <= 6:
            errors.add(f"{path}.decimals", "an integer from 0 to 6")
        fields["decimals"] = decimals
        fields["bounds"] = _bounds(raw, path, errors)
        for name in ("max_per_day", "max_drop"):
            if raw.get(name) is not None:
                fields[name] = _positive(raw[name], f"{path}.{name}", errors)
        if raw.get("drop_unless") is not None:
            fields["drop_unless"] = raw["drop_unless"]
        if raw.get("baseline") is not None:
            fields["baseline"] = _baseline(raw["baseline"], f"{path}.baseline", errors)
    if kind == "derived":
        formula = raw.get("formula")
        if formula not in formulas.FORMULAS:
            errors.add(f"{path}.formula", f"one of: {', '.join(formulas.FORMULAS)}")
        inputs = raw.get("inputs")
        if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
            errors.add(f"{path}.inputs", "a list of item keys")
            inputs = []
        elif formula in formulas.FORMULAS and not formulas.accepts(formula, len(inputs)):
            errors.add(f"{path}.inputs", f"{formula} takes {formulas.ARITY[formula]} inputs")
        fields["formula"], fields["inputs"] = formula, tuple(inputs)
    if kind == "choice":
        choices = raw.get("choices")
        if (
            not isinstance(choices, list)
            or not 1 <= len(choices) <= 50
            or not all(isinstance(c, str) and 0 < len(c) <= 100 for c in choices)
            or len(set(choices)) != len(choices)
        ):
            errors.add(f"{path}.choices", "1 to 50 distinct texts")
            choices = []
        abnormal = raw.get("abnormal") or {}
        if not isinstance(abnormal, dict) or not all(
            c in choices and level in LEVELS for c, level in abnormal.items()
        ):
            errors.add(f"{path}.abnormal", "choices mapped to warning or critical")
            abnormal = {}
        fields["choices"], fields["abnormal"] = tuple(choices), dict(abnormal)
    if kind == "check":
        level = raw.get("fail_level", "warning")
        if level not in LEVELS:
            errors.add(f"{path}.fail_level", "warning or critical")
        fields["fail_level"] = level
    if kind == "audit":
        fields.update(_audit(raw, path, errors))
    return Item(**fields)


def _audit(raw: dict[str, Any], path: str, errors: _Errors) -> dict[str, Any]:
    """A scored item of the supervisory audit: points, requirements, deduction per one missing."""
    points = _positive(raw.get("points"), f"{path}.points", errors)
    requirements = raw.get("requirements")
    if not isinstance(requirements, list) or not requirements:
        errors.add(f"{path}.requirements", "a non-empty list of labels")
        requirements = []
    labels = tuple(_label(r, f"{path}.requirements", errors) for r in requirements)
    deduction = raw.get("deduction")
    if (
        not isinstance(deduction, list)
        or len(deduction) != 2
        or not all(_is_number(d) for d in deduction)
        or not 0 < deduction[0] <= deduction[1] <= (points or 0)
    ):
        errors.add(f"{path}.deduction", "[least, most] points taken per missing requirement")
        deduction = [0, 0]
    return {"points": points or 0.0, "requirements": labels, "deduction": tuple(deduction)}


def _bounds(raw: dict[str, Any], path: str, errors: _Errors) -> Bounds:
    ranges = {}
    for name in ("normal", "warning", "critical"):
        ranges[name] = check_range(raw.get(name), f"{path}.{name}", errors)
    bounds = Bounds(**ranges)
    for problem in nesting_problems(bounds):
        errors.add(path, problem)
    return bounds


def check_range(value: Any, path: str, errors: Any) -> tuple[float | None, float | None]:
    """[low, high] with either side null; low not above high."""
    if value is None:
        return (None, None)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(v is None or _is_number(v) for v in value)
    ):
        errors.add(path, "[low, high], either may be null")
        return (None, None)
    low, high = value
    if low is not None and high is not None and low > high:
        errors.add(path, "low is above high")
    return (low, high)


def nesting_problems(bounds: Bounds) -> list[str]:
    """Critical limits lie outside warning ones, and those outside the normal range."""
    problems = []
    order = ("normal", "warning", "critical")
    for inner, outer in itertools.pairwise(order):
        lows = getattr(bounds, inner)[0], getattr(bounds, outer)[0]
        highs = getattr(bounds, inner)[1], getattr(bounds, outer)[1]
        if None not in lows and lows[1] > lows[0]:
            problems.append(f"the {outer} low limit is above the {inner} one")
        if None not in highs and highs[1] < highs[0]:
            problems.append(f"the {outer} high limit is below the {inner} one")
    return problems


def _baseline(raw: Any, path: str, errors: _Errors) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        errors.add(path, "an object")
        return None
    found = {
        "max_above": _positive(raw.get("max_above"), f"{path}.max_above", errors),
        "similar": raw.get("similar"),
        "within": _positive(raw.get("within"), f"{path}.within", errors),
        "min_history": raw.get("min_history", 3),
    }
    if not _is_int(found["min_history"]) or not 2 <= found["min_history"] <= 50:
        errors.add(f"{path}.min_history", "an integer from 2 to 50")
    return found


def _cross_check(items: list[Item], errors: _Errors) -> None:
    """Keys unique; references point at the right kinds of item."""
    kinds: dict[str, str] = {}
    for item in items:
        if item.key in kinds:
            errors.add("definition.sections", f"item key '{item.key}' is used twice")
        kinds[item.key] = item.type
    for item in items:
        for source in item.inputs:
            if kinds.get(source) not in ("number", "meter"):
                errors.add(f"items.{item.key}.inputs", f"'{source}' is not a number or meter item")
        if item.drop_unless is not None and kinds.get(item.drop_unless) != "meter":
            errors.add(f"items.{item.key}.drop_unless", "the key of a meter item")
        if item.baseline is not None and kinds.get(item.baseline.get("similar")) not in NUMERIC:
            errors.add(f"items.{item.key}.baseline.similar", "the key of a number item")


def _label(raw: Any, path: str, errors: _Errors) -> dict[str, str]:
    """{"en": ..., "zh": ...}: at least one language, each at most 500 characters."""
    if isinstance(raw, str):
        raw = {"en": raw}
    if (
        not isinstance(raw, dict)
        or not raw
        or not set(raw) <= {"en", "zh"}
        or not all(isinstance(v, str) and 0 < len(v) <= 500 for v in raw.values())
    ):
        errors.add(path, 'a text, or {"en": ..., "zh": ...}')
        return {}
    return dict(raw)


def _text(value: Any, path: str, limit: int, errors: _Errors) -> str:
    if not isinstance(value, str) or len(value) > limit:
        errors.add(path, f"text of at most {limit} characters")
        return ""
    return value


def _bool(value: Any, default: bool, path: str, errors: _Errors) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.add(path, "true or false")
        return default
    return value


def _positive(value: Any, path: str, errors: _Errors) -> float | None:
    if not _is_number(value) or value <= 0:
        errors.add(path, "a positive number")
        return None
    return float(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
