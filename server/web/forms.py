"""Forms on the console's setup pages: what a person typed, read with the API's own schemas.

A write from the console carries what the same write through the API carries, checked by the
same marshmallow schema (server/api/*/schemas.py): one definition of what a checkpoint, a route
or a schedule may hold. A form only sends text, so `typed()` first turns each field into what
the JSON body would have held (a number, true/false, null for an empty optional field), and
`load()` hands the result to the schema. A refusal, the schema's or the domain's, comes back to
the page as a `Refusal`: its message and the problems by field, shown beside the fields.

An edit form carries the version of the object it was filled from, and the save passes
`unchanged_since(version)` to the domain as its precondition (the API's If-Match): when two
people edit the same object, the second save is refused (409) instead of overwriting the first.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from flask import json
from flask_babel import gettext as _

from server.domain import errors
from server.domain.writes import Precondition
from server.http.statuses import status_of

Reader = Callable[[str], Any]


def number(text: str) -> Any:
    """A whole number or a decimal as typed ("12", "3.5"); anything else goes to the schema as
    it is, which names the field as invalid."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def checkbox(text: str) -> bool:
    """A ticked box sends "on" (or its value); an unticked one sends nothing."""
    return bool(text)


def lines(text: str) -> list[str]:
    """One item per line (chips, hours, logins), blank lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class Fields:
    """How to read a form: the fields to take, and a reader for those that are not text.
    Empty optional fields become None (null), as a JSON client would send."""

    names: tuple[str, ...]
    readers: Mapping[str, Reader] = field(default_factory=dict)
    checkboxes: tuple[str, ...] = ()  # absent from the form means False
    multi: tuple[str, ...] = ()  # several values (a multiple select, ticked boxes)
    keep_blank: tuple[str, ...] = ()  # "" means "", not null (an instruction cleared)


def typed(form: Any, spec: Fields) -> dict[str, Any]:
    """The form's fields as the API's JSON body would hold them."""
    data: dict[str, Any] = {}
    for name in spec.names:
        if name in spec.checkboxes:
            data[name] = checkbox(form.get(name, ""))
            continue
        if name in spec.multi:
            read = spec.readers.get(name, str)
            data[name] = [read(v) for v in form.getlist(name) if v != ""]
            continue
        if name not in form:
            continue
        raw = form.get(name, "").strip()
        if raw == "" and name not in spec.keep_blank:
            data[name] = None
            continue
        data[name] = spec.readers.get(name, str)(raw)
    return data


def load(schema: ma.Schema, data: dict[str, Any]) -> dict[str, Any]:
    """The data checked by the API's schema, or Invalid naming each field that is wrong."""
    try:
        return schema.load(data)
    except ma.ValidationError as error:
        problems = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        names = ", ".join(sorted(str(k) for k in problems))
        raise errors.Invalid(f"please check: {names}", problems) from None


def drop_nulls(data: dict[str, Any], keep: Iterable[str] = ()) -> dict[str, Any]:
    """Leave out fields left empty on a create, so the domain applies its defaults."""
    kept = set(keep)
    return {k: v for k, v in data.items() if v is not None or k in kept}


@dataclass(frozen=True)
class Refusal:
    """Why a form was refused, for the page that shows it again: the status, a sentence, and
    the problems by field (a field's name to its messages)."""

    status: int
    message: str
    problems: dict[str, Any]

    def of(self, name: str) -> list[str]:
        """The messages for one field, flattened (a list's item problems included)."""
        found = self.problems.get(name)
        return _flatten(found) if found is not None else []


def refusal(error: errors.DomainError) -> Refusal:
    """A domain or schema refusal as the page shows it."""
    problems = error.errors if isinstance(error.errors, dict) else {}
    return Refusal(status_of(error), error.message, problems)


def _flatten(found: Any) -> list[str]:
    if isinstance(found, str):
        return [found]
    if isinstance(found, dict):
        return [f"{k}: {m}" for k, v in found.items() for m in _flatten(v)]
    if isinstance(found, list | tuple):
        return [m for item in found for m in _flatten(item)]
    return [str(found)]


def stamp(obj: Any) -> str:
    """A registry object's version as its form carries it: when it was last changed."""
    return obj.updated_at.isoformat() if obj.updated_at is not None else ""


def fingerprint(shown: Any) -> str:
    """A version made of what is shown (a schema's dump): its hash, made as the API's ETag is."""
    text = json.dumps(shown, sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324  (a fingerprint, as the API's)


def unchanged_since(
    seen: str | None, version: Callable[[Any], str] = stamp, message: str | None = None
) -> Precondition:
    """Refuse to save over an object someone changed after the form was opened: `seen` is the
    version the form was filled from (none sent: no check), `version` tells it of the object as
    it is now, `message` says it in the page's words."""

    def check(obj: Any) -> None:
        if seen and version(obj) != seen:
            said = message or _(
                "Someone changed this since you opened the form: open it again to see it."
            )
            raise errors.Conflict(said, {"version": ["stale"]})

    return check
