"""A record's values checked against its template version, item by item."""

import math
from dataclasses import dataclass, field
from typing import Any

from server.domain.inspection import formulas
from server.domain.inspection.definition import Definition, Item

MAX_TEXT = 4000
MAX_MAGNITUDE = 1e12


@dataclass
class Checked:
    """What a record holds once checked: good values, refused ones, and what is missing."""

    values: dict[str, Any] = field(default_factory=dict)  # given and derived
    errors: dict[str, str] = field(default_factory=dict)  # item key -> why it was refused
    missing: list[str] = field(default_factory=list)  # required items with nothing given


def check(definition: Definition, values: Any, photos: Any) -> Checked:
    """Check every value; a bad one is refused on its own and never costs the others."""
    checked = Checked()
    values = values if isinstance(values, dict) else {}
    photos = photos if isinstance(photos, dict) else {}
    known = {i.key: i for i in definition.items}
    for key in values:
        if key not in known:
            checked.errors[str(key)] = "not an item of this template version"
    for key in photos:
        if key not in known:
            checked.errors[str(key)] = "photos for an item this template version does not have"
    for item in definition.items:
        if item.type == "derived":
            continue
        if item.type == "photo":
            if item.key in values:
                checked.errors[item.key] = "a photo item takes photos, not a value"
            elif item.required and not photos.get(item.key):
                checked.missing.append(item.key)
            continue
        if values.get(item.key) is None:
            if item.required:
                checked.missing.append(item.key)
            continue
        problem, clean = _value(item, values[item.key])
        if problem:
            checked.errors[item.key] = problem
        else:
            checked.values[item.key] = clean
    for item in definition.items:
        if item.type == "derived":
            if item.key in values:
                checked.errors[item.key] = "computed by Vigil; do not send it"
            inputs = [checked.values.get(k) for k in item.inputs]
            if inputs and None not in inputs and item.formula:
                result = formulas.FORMULAS[item.formula](inputs)
                checked.values[item.key] = round(result, item.decimals)
    return checked


def _value(item: Item, value: Any) -> tuple[str | None, Any]:
    """(why it is refused, or None; the clean value)."""
    if item.type in ("number", "meter"):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or abs(value) > MAX_MAGNITUDE
        ):
            return "a finite number", None
        return None, value
    if item.type == "check":
        return (None, value) if isinstance(value, bool) else ("true (pass) or false (fail)", None)
    if item.type == "choice":
        if value not in item.choices:
            return f"one of: {', '.join(item.choices)}", None
        return None, value
    if item.type == "text":
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            return f"text of at most {MAX_TEXT} characters", None
        return None, value
    return _audit(item, value)


def _audit(item: Item, value: Any) -> tuple[str | None, Any]:
    """{"missing": {"2": 0.5}}: each missing requirement (1-based) and the points taken for it."""
    low, high = item.deduction
    usage = (
        f'{{"missing": {{requirement number: points taken, {low} to {high}}}}}, '
        f"requirements 1 to {len(item.requirements)}"
    )
    if not isinstance(value, dict) or set(value) - {"missing"}:
        return usage, None
    missing = value.get("missing") or {}
    if not isinstance(missing, dict):
        return usage, None
    clean = {}
    for number, taken in missing.items():
        if (
            not str(number).isdigit()
            or not 1 <= int(number) <= len(item.requirements)
            or isinstance(taken, bool)
            or not isinstance(taken, int | float)
            or not low <= taken <= high
        ):
            return usage, None
        clean[str(int(number))] = taken
    return None, {"missing": clean}
