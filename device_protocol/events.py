"""Event messages: parse and validate what a handheld sends, without touching any database."""

import enum
import hashlib
import json
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from device_protocol.text import UNSTORABLE, first_unstorable, unstorable_text
from device_protocol.version import MAX_EVENTS, MAX_PHOTOS, MAX_TEXT

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# The instants a handheld may name; a clock reset to 1970 still fits, year 1 does not.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
# A boot's monotonic clock in milliseconds: a century is more than any handheld runs.
MAX_MONOTONIC_MS = 100 * 366 * 86_400_000


class EventType(enum.StrEnum):
    """What happened on the handheld."""

    SCAN = "scan"
    INCIDENT = "incident"
    SHIFT = "shift"
    ROUND = "round"  # a guard starts or finishes an unscheduled (voluntary) round
    INSPECTION = "inspection"  # an engineer's filled-in inspection form


class ScanMethod(enum.StrEnum):
    """How a checkpoint was identified."""

    QR = "qr"
    NFC = "nfc"
    IBUTTON = "ibutton"
    RFID = "rfid"
    MANUAL = "manual"  # the short code typed in when a sticker is damaged


class Severity(enum.StrEnum):
    """How urgent an incident is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


INCIDENT_CATEGORIES = (
    "intrusion",
    "fire",
    "water_leak",
    "damage",
    "hazard",
    "medical",
    "equipment_fault",
    "suspicious",
    "other",
)
SHIFT_KINDS = ("clock_in", "clock_out", "handover")
ROUND_ACTIONS = ("start", "finish")
_METHODS = tuple(m.value for m in ScanMethod)
_SEVERITIES = tuple(s.value for s in Severity)


class Invalid(ValueError):
    """A message that breaks the protocol; str() is the reason sent back."""


@dataclass(frozen=True)
class Event:
    """A valid event: the envelope every type shares, and its type's fields in data."""

    uuid: str
    type: EventType
    device_time: datetime
    fingerprint: str
    data: dict[str, Any]
    monotonic_ms: int | None = None
    boot_id: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Rejected:
    """An event that could not be accepted, with the reason."""

    uuid: str | None
    reason: str


@dataclass(frozen=True)
class Batch:
    """A sync request: the device's clock when it sent, and its events in order."""

    sent_at: datetime
    items: list[Event | Rejected] = field(default_factory=list)
    monotonic_ms: int | None = None
    boot_id: str | None = None


def parse_time(value: Any, name: str) -> datetime:
    """An ISO 8601 instant with its offset; naive or unparsable times are refused."""
    if not isinstance(value, str):
        raise Invalid(f"{name} must be an ISO 8601 string with an offset")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise Invalid(f"{name} needs a UTC offset")
    try:
        parsed = parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the first instant there is
        parsed = None
    # Clock arithmetic (offsets, corrections) stays inside what a datetime can hold.
    if parsed is None or not EARLIEST <= parsed < LATEST:
        raise Invalid(f"{name} must fall between 1900 and 3000 (UTC)")
    return parsed


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"{name} must be an integer from {low} to {high}")
    return value


def _monotonic(value: Any) -> int:
    return _int(value, "monotonic_ms", 0, MAX_MONOTONIC_MS)


def _text(value: Any, name: str, limit: int = MAX_TEXT, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise Invalid(f"{name} must be text of at most {limit} characters")
    if unstorable_text(value):
        raise Invalid(f"{name} may not contain {UNSTORABLE}")
    return value


def _choice(value: Any, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise Invalid(f"{name} must be one of: {', '.join(options)}")
    return value


def _photos(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_PHOTOS:
        raise Invalid(f"photos must be a list of at most {MAX_PHOTOS} SHA-256 hashes")
    if not all(isinstance(h, str) and _SHA256.match(h) for h in value):
        raise Invalid("photos must be lower-case hex SHA-256 hashes")
    return list(dict.fromkeys(value))


def _position(raw: dict[str, Any]) -> dict[str, float]:
    if raw.get("latitude") is None and raw.get("longitude") is None:
        return {}
    lat, lon = raw.get("latitude"), raw.get("longitude")
    for value, name, bound in ((lat, "latitude", 90), (lon, "longitude", 180)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not -bound <= value <= bound
        ):
            raise Invalid(f"{name} must be a number from -{bound} to {bound}")
    accuracy = raw.get("accuracy_m")
    if accuracy is not None and (
        isinstance(accuracy, bool)
        or not isinstance(accuracy, int | float)
        or not 0 <= accuracy <= 100_000
    ):
        raise Invalid("accuracy_m must be a number from 0 to 100000")
    return {"latitude": float(lat), "longitude": float(lon)} | (
        {"accuracy_m": float(accuracy)} if accuracy is not None else {}
    )


def _scan(raw: dict[str, Any]) -> dict[str, Any]:
    method = _choice(raw.get("method"), "method", _METHODS)
    if method == ScanMethod.QR:
        target = {"payload": _text(raw.get("payload"), "payload", 200, required=True)}
    elif method == ScanMethod.MANUAL:
        target = {"code": _text(raw.get("code"), "code", 32, required=True)}
    else:
        target = {"uid": _text(raw.get("uid"), "uid", 100, required=True)}
    return {
        "method": method,
        **target,
        **_position(raw),
        "note": _text(raw.get("note"), "note"),
        "photos": _photos(raw.get("photos")),
    }


def _incident(raw: dict[str, Any]) -> dict[str, Any]:
    checkpoint = raw.get("checkpoint_id")
    return {
        "category": _choice(raw.get("category"), "category", INCIDENT_CATEGORIES),
        "severity": _choice(raw.get("severity"), "severity", _SEVERITIES),
        "text": _text(raw.get("text"), "text", required=True),
        "checkpoint_id": None
        if checkpoint is None
        else _int(checkpoint, "checkpoint_id", 1, 2**31 - 1),
        **_position(raw),
        "photos": _photos(raw.get("photos")),
    }


def _shift(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": _choice(raw.get("kind"), "kind", SHIFT_KINDS),
        "note": _text(raw.get("note"), "note"),
    }


def _round(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": _choice(raw.get("action"), "action", ROUND_ACTIONS),
        "route_id": _int(raw.get("route_id"), "route_id", 1, 2**31 - 1),
        "note": _text(raw.get("note"), "note"),
    }


# An inspection form's values: item key to a number, true/false, a choice or text, or an audit
# item's {"missing": {requirement: points}}.
MAX_ITEMS = 200
_ITEM_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _item_value(value: Any, key: str) -> Any:
    if value is None or isinstance(value, bool | str | int):
        if isinstance(value, str):
            _text(value, f"values.{key}")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(f"values.{key} must be a finite number")
        return value
    if isinstance(value, dict) and set(value) <= {"missing"}:
        missing = value.get("missing") or {}
        if (
            isinstance(missing, dict)
            and len(missing) <= 50
            and all(
                isinstance(k, str)
                and len(k) <= 4
                and isinstance(v, int | float)
                and not isinstance(v, bool)
                for k, v in missing.items()
            )
        ):
            return value
    raise Invalid(f"values.{key} must be a number, true/false, text or an audit item's deductions")


def _inspection(raw: dict[str, Any]) -> dict[str, Any]:
    values, per_item = raw.get("values"), raw.get("photos") or {}
    if not isinstance(values, dict) or len(values) > MAX_ITEMS:
        raise Invalid(f"values must be an object of at most {MAX_ITEMS} items")
    if not isinstance(per_item, dict) or len(per_item) > MAX_ITEMS:
        raise Invalid("photos must be an object of item keys to photo hashes")
    for key in (*values, *per_item):
        if not isinstance(key, str) or not _ITEM_KEY.match(key):
            raise Invalid("item keys are lower-case letters, digits and _")
    item_photos = {key: _photos(hashes) for key, hashes in per_item.items()}
    every = list(dict.fromkeys(h for hashes in item_photos.values() for h in hashes))
    if len(every) > MAX_PHOTOS:
        raise Invalid(f"at most {MAX_PHOTOS} photos on one inspection")
    asset, site = raw.get("asset_id"), raw.get("site_id")
    if asset is None and site is None:
        raise Invalid("asset_id (or site_id, for a site-wide form) is required")
    return {
        "asset_id": None if asset is None else _int(asset, "asset_id", 1, 2**31 - 1),
        "site_id": None if site is None else _int(site, "site_id", 1, 2**31 - 1),
        "template_id": _int(raw.get("template_id"), "template_id", 1, 2**31 - 1),
        "version": _int(raw.get("version"), "version", 1, 100_000),
        "values": {key: _item_value(value, key) for key, value in values.items()},
        "item_photos": item_photos,
        "photos": every,  # every hash once: photo upload works as for scans
        "note": _text(raw.get("note"), "note"),
    }


_PARSERS = {
    EventType.SCAN: _scan,
    EventType.INCIDENT: _incident,
    EventType.SHIFT: _shift,
    EventType.ROUND: _round,
    EventType.INSPECTION: _inspection,
}


# One encoder for every event: json.dumps with options builds a new one per call.
_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def fingerprint(raw: dict[str, Any]) -> str:
    """SHA-256 of the event as sent, keys sorted: equal content, equal fingerprint."""
    return hashlib.sha256(_canonical(raw).encode()).hexdigest()


def parse_event(raw: Any) -> Event:
    """A valid Event from a JSON object, or Invalid with the reason."""
    if not isinstance(raw, dict):
        raise Invalid("an event must be a JSON object")
    where = first_unstorable(raw)
    if where is not None:  # before anything hashes or stores the event's text
        raise Invalid(f"{where} may not contain {UNSTORABLE}")
    try:
        event_uuid = str(uuid.UUID(str(raw.get("uuid"))))
    except ValueError:
        raise Invalid("uuid must be a UUID") from None
    try:
        kind = EventType(raw.get("type"))
    except ValueError:
        raise Invalid(f"type must be one of: {', '.join(EventType)}") from None
    boot_id = raw.get("boot_id")
    if boot_id is not None:
        boot_id = _text(boot_id, "boot_id", 64, required=True)
    monotonic = raw.get("monotonic_ms")
    user = raw.get("user_id")
    return Event(
        uuid=event_uuid,
        type=kind,
        device_time=parse_time(raw.get("device_time"), "device_time"),
        fingerprint=fingerprint(raw),
        data=_PARSERS[kind](raw),
        monotonic_ms=None
        if monotonic is None
        else _int(monotonic, "monotonic_ms", 0, MAX_MONOTONIC_MS),
        boot_id=boot_id,
        user_id=None if user is None else _int(user, "user_id", 1, 2**31 - 1),
    )


def _uuid_of(raw: Any) -> str | None:
    try:
        return str(uuid.UUID(str(raw.get("uuid")))) if isinstance(raw, dict) else None
    except ValueError:
        return None


def parse_batch(raw: Any) -> Batch:
    """A Batch whose items are Events or Rejected; Invalid if the envelope itself is wrong."""
    if not isinstance(raw, dict):
        raise Invalid("the body must be a JSON object")
    events = raw.get("events")
    if not isinstance(events, list):
        raise Invalid("events must be a list")
    if len(events) > MAX_EVENTS:
        raise Invalid(f"at most {MAX_EVENTS} events in one batch; send the rest in another")
    monotonic = raw.get("monotonic_ms")
    boot_id = raw.get("boot_id")
    batch = Batch(
        sent_at=parse_time(raw.get("sent_at"), "sent_at"),
        monotonic_ms=None
        if monotonic is None
        else _int(monotonic, "monotonic_ms", 0, MAX_MONOTONIC_MS),
        boot_id=None if boot_id is None else _text(boot_id, "boot_id", 64, required=True),
    )
    for item in events:
        try:
            batch.items.append(parse_event(item))
        except Invalid as error:
            batch.items.append(Rejected(_uuid_of(item), str(error)))
    return batch
