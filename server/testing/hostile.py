"""Hostile inputs on purpose: the classes of input that once reached a 500, put in a case.

A lone UTF-16 surrogate in a JSON string or key, an instant at the edge of the calendar, an integer
beyond 64 bits. The slot, the class and the value are drawn by hypothesis, so a failure shrinks
and replays like any other. The body goes out as JSON text with escapes (werkzeug's json.dumps,
ensure_ascii), so a surrogate reaches the server as the six characters `\\ud800`.
"""

import copy
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

PLAIN, SURROGATE, INSTANT, BIGINT = "schemathesis", "surrogate", "instant", "bigint"
HOSTILE = (SURROGATE, INSTANT, BIGINT)
INSTANTS = (
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
)
BIG_INTS = (2**64, -(2**70), 10**30)
SYNC = "POST /api/v1/device/sync"
Path = tuple[str | int, ...]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


@dataclass(frozen=True)
class Slot:
    """A place a hostile value can go: a value, a key, or a property the case left out."""

    where: str  # "body", "query" or "path"
    path: Path
    role: str  # "value", "key" or "absent"
    type: str  # "string", "date-time", "integer" or "other"


@dataclass(frozen=True)
class Mutation:
    """What was done to a case on purpose: the class, where, and the value put there."""

    kind: str = PLAIN
    where: str = ""
    value: str = ""


def _type(schema: dict[str, Any]) -> str:
    if schema.get("format") == "date-time":
        return "date-time"
    return schema.get("type") if schema.get("type") in ("string", "integer") else "other"


def _resolver(*roots: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    """Follows local $refs, trying each root (the bundled body schema, then the document)."""

    def resolve(schema: Any) -> dict[str, Any]:
        for _ in range(20):
            if not isinstance(schema, dict) or "$ref" not in schema:
                break
            names = schema["$ref"].removeprefix("#/").split("/")
            for root in roots:
                node: Any = root
                for name in names:
                    node = node.get(name) if isinstance(node, dict) else None
                if node is not None:
                    schema = node
                    break
            else:
                return {}
        return schema if isinstance(schema, dict) else {}

    return resolve


def _walk(value: Any, schema: Any, resolve: Callable, path: Path = ()) -> Iterator[Slot]:
    """Slots in a JSON body, typed by its schema where it says, else by the value."""
    schema = resolve(schema)
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for key, item in value.items():
            yield Slot("body", (*path, key), "key", "string")
            yield from _walk(item, props.get(key, {}), resolve, (*path, key))
        for key, sub in props.items() if not path else ():
            sub = resolve(sub)
            if key not in value and not sub.get("readOnly"):
                yield Slot("body", (key,), "absent", _type(sub))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, schema.get("items", {}), resolve, (*path, index))
    elif isinstance(value, int) and not isinstance(value, bool):
        yield Slot("body", path, "value", "integer")
    elif isinstance(value, str):
        dated = schema.get("format") == "date-time" or ISO.match(value)
        yield Slot("body", path, "value", "date-time" if dated else "string")


def _fits(slot: Slot, kind: str) -> bool:
    if kind == SURROGATE:
        return slot.where == "body" and (slot.role == "key" or slot.type in ("string", "date-time"))
    return slot.type == ("date-time" if kind == INSTANT else "integer")


def slots(operation: Any, case: Any) -> list[Slot]:
    """Every slot of a generated case: its path and query parameters and its JSON body."""
    found = [
        Slot(where, (p.name,), "value", _type(p.definition.get("schema") or {}))
        for where, params in (("path", operation.path_parameters), ("query", operation.query))
        for p in params
    ]
    if isinstance(case.body, dict | list):
        body = _json_body(operation)
        root = (body.definition.get("schema") or {}) if body is not None else {}
        found += _walk(case.body, root, _resolver(root, operation.schema.raw_schema))
    return found


def _declared(schema: Any, resolve: Callable, depth: int = 0) -> Iterator[str]:
    """The types of the properties a client may send, however deep (readOnly ones left out)."""
    schema = resolve(schema)
    for sub in (schema.get("properties") or {}).values():
        sub = resolve(sub)
        if not sub.get("readOnly") and depth < 8:
            yield _type(sub)
            yield from _declared(sub, resolve, depth + 1)
    if "items" in schema and depth < 8:
        yield _type(resolve(schema["items"]))
        yield from _declared(schema["items"], resolve, depth + 1)


def _json_body(operation: Any) -> Any:
    return next((b for b in operation.body if b.media_type == "application/json"), None)


def kinds(operation: Any) -> tuple[str, ...]:
    """The hostile classes an operation has a place for (the device sync has all three)."""
    if f"{operation.method.upper()} {operation.path}" == SYNC:
        return HOSTILE
    found = [
        Slot(where, (p.name,), "value", _type(p.definition.get("schema") or {}))
        for where, params in (("path", operation.path_parameters), ("query", operation.query))
        for p in params
    ]
    body = _json_body(operation)
    if body is not None:
        root = body.definition.get("schema") or {}
        types = set(_declared(root, _resolver(root, operation.schema.raw_schema)))
        found += [Slot("body", (), "key", kind) for kind in types]
    return tuple(kind for kind in HOSTILE if any(_fits(slot, kind) for slot in found))


def _set(body: Any, slot: Slot, value: Any) -> Any:
    """A copy of body with value at the slot (for a key: the key renamed to value)."""
    body = copy.deepcopy(body)
    *parents, last = slot.path
    node = body
    for step in parents:
        node = node[step]
    if slot.role == "key":
        items = [(value if k == last else k, v) for k, v in node.items()]
        node.clear()
        node.update(items)
    else:
        node[last] = value
    return body if slot.path else value


def _label(slot: Slot) -> str:
    text = slot.where + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in slot.path)
    return text + (" (key)" if slot.role == "key" else "")


@st.composite
def _hostile(draw: st.DrawFn, kind: str, slot: Slot, current: Any) -> Any:
    """The value a slot gets: a surrogate spliced into its text, an edge instant, a huge int."""
    if kind == INSTANT:
        return draw(st.sampled_from(INSTANTS))
    if kind == BIGINT:
        return draw(st.sampled_from(BIG_INTS))
    surrogate = chr(draw(st.integers(0xD800, 0xDFFF)))
    text = current if isinstance(current, str) else ""
    at = draw(st.integers(0, len(text)))
    return text[:at] + surrogate + text[at:]


def _current(case: Any, slot: Slot) -> Any:
    if slot.where != "body":
        return None
    node: Any = case.body
    for step in slot.path[:-1] if slot.role == "key" else slot.path:
        node = node.get(step) if isinstance(node, dict) else node[step]
    return slot.path[-1] if slot.role == "key" else node


def mutate(draw: st.DrawFn, case: Any, kind: str, found: list[Slot]) -> Mutation:
    """Put one hostile value of the kind at a drawn slot of the case; PLAIN if it has none."""
    fitting = [slot for slot in found if _fits(slot, kind)]
    if not fitting:
        return Mutation()
    slot = draw(st.sampled_from(fitting))
    value = draw(_hostile(kind, slot, _current(case, slot) if slot.role != "absent" else None))
    if slot.where == "body":
        case.body = _set(case.body, slot, value)
    elif slot.where == "query":
        case.query = {**(case.query or {}), slot.path[0]: value}
    else:
        case.path_parameters = {**(case.path_parameters or {}), slot.path[0]: value}
    return Mutation(kind, _label(slot), json.dumps(value))


# --- the device sync: a valid batch with one hostile event ------------------------------------
NOW = datetime.now(UTC).replace(microsecond=0)
EVENT = {
    "properties": {
        "device_time": {"type": "string", "format": "date-time"},
        "user_id": {"type": "integer"},
        "route_id": {"type": "integer"},
    }
}
ENVELOPE = {"properties": {"sent_at": {"type": "string", "format": "date-time"}}}


def sync_event(n: int, event_uuid: str | None = None, **fields: Any) -> dict[str, Any]:
    """A handover a handheld of A1 could send: stored as sent, n minutes before NOW."""
    return {
        "uuid": event_uuid or str(uuid.uuid4()),
        "type": "shift",
        "kind": "handover",
        "note": f"第{n}条 一切正常",
        "device_time": (NOW - timedelta(minutes=n + 1)).isoformat(),
        "monotonic_ms": 60_000 + n,
        "boot_id": "fuzz",
    } | fields


def sync_body(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The envelope around a batch, sent at NOW."""
    return {
        "sent_at": NOW.isoformat(),
        "monotonic_ms": 120_000,
        "boot_id": "fuzz",
        "events": events,
    }


@st.composite
def sync_mutation(draw: st.DrawFn, case: Any, kind: str) -> Mutation:
    """Replace the body by a valid batch, then make one event (or the envelope) hostile."""
    size = draw(st.integers(1, 4))
    events = [sync_event(n, str(draw(st.uuids(version=4)))) for n in range(size)]
    at = draw(st.integers(0, size - 1))
    case.body = sync_body(events)
    if draw(st.booleans()):  # the envelope: the whole batch is refused, with a 4xx
        target, schema, prefix = case.body, ENVELOPE, ()
    else:
        target, schema, prefix = events[at], EVENT, ("events", at)
    found = [
        Slot("body", (*prefix, *slot.path), slot.role, slot.type)
        for slot in _walk(target, schema, _resolver())
        if slot.path[:1] != ("events",)
    ]
    return mutate(draw, case, kind, found)
