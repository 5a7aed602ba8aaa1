"""What the route pages accept: the create form, and the editor with its rows of stops.

The editor posts the whole route each time. Its rows carry a key that never changes while the
page is open, and the order of the `stop` fields is the order of the rows on the page, so moving
a row (by script, or by the server for a browser without one) is moving its fields, nothing else.
A row comes back as it was typed, wrong numbers included, until the route is saved.
"""

import re
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from server.api.patrol_routes.schemas import RouteSchema
from server.domain import errors
from server.domain.models import PatrolRoute, RouteOrder
from server.domain.writes import Precondition
from server.web import forms as shared
from server.web.forms import Fields, Refusal, drop_nulls, number, typed

MAX_ROWS = 250  # beyond the schema's 200 stops, so the schema names the limit
_KEY = re.compile(r"\d{1,6}")
ROUTE_FIELDS = Fields(
    ("name", "order", "description", "active"),
    checkboxes=("active",),
    keep_blank=("name", "description"),
)
NEW_ROUTE_FIELDS = Fields(
    ("site_id", "name", "order", "description", "checkpoint_ids"),
    readers={"site_id": number, "checkpoint_ids": number},
    multi=("checkpoint_ids",),
    keep_blank=("name", "description"),
)
NUMBERS = ("offset_min", "tolerance_min", "min_gap_s")
TICKS = ("optional", "require_photo", "require_note")
STOP_FIELDS = Fields(
    ("checkpoint_id", *NUMBERS, *TICKS),
    readers={name: number for name in ("checkpoint_id", *NUMBERS)},
    checkboxes=TICKS,
)
DEFAULT_TOLERANCE = "5"  # the domain's default, shown in a new row


@dataclass(frozen=True)
class Row:
    """One stop as the editor shows it: the typed text of each field, and its ticks."""

    key: str
    checkpoint_id: str = ""
    offset_min: str = ""
    tolerance_min: str = DEFAULT_TOLERANCE
    min_gap_s: str = ""
    optional: bool = False
    require_photo: bool = False
    require_note: bool = False

    def body(self) -> dict[str, Any]:
        """The stop as the API's JSON would hold it (an empty tolerance: the default)."""
        text = {name: getattr(self, name) for name in ("checkpoint_id", *NUMBERS)}
        ticks = {name: "true" if getattr(self, name) else "" for name in TICKS}
        return drop_nulls(typed(text | ticks, STOP_FIELDS), keep=("offset_min", "min_gap_s"))


@dataclass(frozen=True)
class Draft:
    """The editor's state: the route's fields as typed, its rows in order, and the version of
    the route the person started from (kept across moves, so a save can tell if it changed)."""

    values: dict[str, Any]
    rows: tuple[Row, ...]
    version: str

    def body(self) -> dict[str, Any]:
        """The whole route as a PATCH would carry it."""
        return typed(self.values, ROUTE_FIELDS) | {"stops": [row.body() for row in self.rows]}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def draft_of(route: PatrolRoute) -> Draft:
    """The editor's state for a route as saved."""
    rows = tuple(
        Row(
            key=str(n),
            checkpoint_id=str(stop.checkpoint_id),
            offset_min=_text(stop.offset_min),
            tolerance_min=_text(stop.tolerance_min),
            min_gap_s=_text(stop.min_gap_s),
            optional=stop.optional,
            require_photo=stop.require_photo,
            require_note=stop.require_note,
        )
        for n, stop in enumerate(route.stops, start=1)
    )
    values = {
        "name": route.name,
        "order": route.order.value,
        "description": route.description,
        "active": "true" if route.active else "",
    }
    return Draft(values, rows, version(route))


def draft_from(form: MultiDict[str, str]) -> Draft:
    """The editor's state as the page sent it: rows in the order they stood on the page."""
    keys = form.getlist("stop")
    if len(keys) > MAX_ROWS or len(set(keys)) != len(keys) or not all(map(_KEY.fullmatch, keys)):
        raise errors.Invalid(_("The form is damaged: open the route again."), {"stops": ["rows"]})
    rows = tuple(
        Row(
            key=key,
            **{
                name: form.get(f"s{key}-{name}", "").strip() for name in ("checkpoint_id", *NUMBERS)
            },
            **{name: bool(form.get(f"s{key}-{name}")) for name in TICKS},
        )
        for key in keys
    )
    values = {name: form.get(name, "") for name in ROUTE_FIELDS.names}
    return Draft(values, rows, form.get("version", ""))


@dataclass(frozen=True)
class Step:
    """What an instruction did: the new state, the control to focus, and what to announce."""

    draft: Draft
    focus: str
    said: str


def instruction(form: MultiDict[str, str], draft: Draft) -> Step | None:
    """Apply the button pressed, if it was Move up, Move down, Add or Remove (None: Save).
    One naming a row no longer on the page changes nothing."""
    if not any(name in form for name in ("add", "remove", "move")):
        return None
    rows = list(draft.rows)
    keys = [row.key for row in rows]
    if "add" in form:
        key = str(max((int(k) for k in keys), default=0) + 1)
        rows.append(Row(key))
        said = _("A stop was added at the end.")
        return Step(replace(draft, rows=tuple(rows)), f"s{key}-checkpoint_id", said)
    if "remove" in form and form["remove"] in keys:
        del rows[keys.index(form["remove"])]
        return Step(replace(draft, rows=tuple(rows)), "add-stop", _("The stop was removed."))
    key, _sep, way = str(form.get("move", "")).partition(":")
    if key in keys and way in ("up", "down"):
        at = keys.index(key)
        to = max(0, at - 1) if way == "up" else min(len(rows) - 1, at + 1)
        rows.insert(to, rows.pop(at))
        said = _("Stop moved to position %(n)s of %(count)s.", n=to + 1, count=len(rows))
        return Step(replace(draft, rows=tuple(rows)), f"s{key}-{way}", said)
    return Step(draft, "", "")


def new_route(form: MultiDict[str, str]) -> dict[str, Any]:
    """The create form as the API's POST body: the ticked checkpoints become the stops."""
    data = typed(form, NEW_ROUTE_FIELDS)
    return data | {"stops": [{"checkpoint_id": i} for i in data.pop("checkpoint_ids")]}


def version(route: PatrolRoute) -> str:
    """The route's version: the API's ETag of it (the same hash of the same representation),
    so the console and the API refuse a stale change alike."""
    return shared.fingerprint(RouteSchema().dump(route))


def unchanged_since(seen: str) -> Precondition:
    """Refuse to save over a route someone changed after this page was opened."""
    message = _(
        "Someone changed this route after you opened it, so your changes were not "
        "saved. Open the route again to see the current stops, then make your changes."
    )
    return shared.unchanged_since(seen, version, message)


def orders() -> list[tuple[str, str]]:
    """The modes, in words."""
    return [
        (RouteOrder.STRICT.value, _("Strict: in the listed order")),
        (RouteOrder.ANY.value, _("Any order")),
        (RouteOrder.RANDOM.value, _("Random: a new order for each round")),
    ]


def row_problems(refused: Refusal | None, index: int) -> dict[str, list[str]]:
    """What the schema said of one row's fields (it names rows by their place in the list)."""
    found = refused.problems.get("stops") if refused else None
    mine = found.get(index, found.get(str(index))) if isinstance(found, dict) else None
    if not isinstance(mine, dict):
        return {}
    return {
        name: [str(m) for m in (said if isinstance(said, list) else [said])]
        for name, said in mine.items()
    }


def list_problems(refused: Refusal | None) -> list[str]:
    """What was said of the stops as a whole (none given, too many, a checkpoint refused)."""
    found = refused.problems.get("stops") if refused else None
    return [str(m) for m in found] if isinstance(found, list) else []
