"""What the checkpoint and equipment forms send, read as the API's JSON bodies would hold it."""

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from server.domain.errors import Invalid
from server.domain.models import AssetKind
from server.http.converters import MAX_ID
from server.web.checkpoints.plan import MAX_SPAN_M, MIN_SPAN_M, View
from server.web.forms import Fields, lines, number

ASSET_KINDS = {
    AssetKind.GENERATOR: _l("Generator"),
    AssetKind.TRANSFORMER: _l("Transformer"),
    AssetKind.SWITCHGEAR: _l("Switchgear"),
    AssetKind.UPS: _l("UPS"),
    AssetKind.FIRE_PUMP: _l("Fire pump"),
    AssetKind.OTHER: _l("Other equipment"),
}


def chips(text: str) -> list[dict[str, str]]:
    """Chips one a line, the kind first: "ibutton 01A2B3C4D5E6", "nfc 04:A2:1F:9C"."""
    found = []
    for line in lines(text):
        kind, _, uid = line.partition(" ")
        found.append({"kind": kind.strip().rstrip(":").lower(), "uid": uid.strip()})
    return found


def ratings(text: str) -> list[dict[str, Any]]:
    """Nameplate ratings one a line, "rated_power: 500 kW"; what cannot be read goes to the
    schema as it is, which names the line."""
    found = []
    for line in lines(text):
        name, _, rest = line.partition(":")
        value, _, unit = rest.strip().partition(" ")
        found.append({"name": name.strip(), "value": number(value), "unit": unit.strip()})
    return found


def chip_lines(tags: Any) -> str:
    return "\n".join(f"{t.kind.value} {t.uid}" for t in tags)


def rating_lines(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['name']}: {r['value']:g} {r['unit']}".rstrip() for r in items or [])


_NUMBERS = {"latitude": number, "longitude": number, "radius_m": number, "zone_id": number}
_CHECKPOINT = ("name", "code", "zone_id", "latitude", "longitude", "radius_m", "instructions")
# A row of an imported sheet: its zone is named, and found by the import.
SHEET_ROW = Fields(
    tuple(n for n in _CHECKPOINT if n != "zone_id"), readers=_NUMBERS, keep_blank=("instructions",)
)
CHECKPOINT_NEW = Fields(
    (*_CHECKPOINT, "physical_tags"), readers={**_NUMBERS, "physical_tags": chips}
)
# An edit sends every field: an empty chip list removes the chips, an unticked box deactivates.
CHECKPOINT_EDIT = Fields(
    (*CHECKPOINT_NEW.names, "active"),
    readers=CHECKPOINT_NEW.readers,
    checkboxes=("active",),
    keep_blank=("instructions", "physical_tags"),
)
_ASSET = ("kind", "name", "code", "zone_id", "make", "model", "serial_number", "ratings")
ASSET_NEW = Fields(_ASSET, readers={"zone_id": number, "ratings": ratings})
ASSET_EDIT = Fields(
    (*_ASSET, "active"),
    readers=ASSET_NEW.readers,
    checkboxes=("active",),
    keep_blank=("make", "model", "serial_number", "ratings"),
)


def site_id(args: Mapping[str, str]) -> int | None:
    """The site a page is about (?site_id=), None when not given."""
    raw = (args.get("site_id") or "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_ID:
        raise Invalid(_("This site is not valid."), {"site_id": [_("a site's number")]})
    return value


def line_numbers(problems: dict[str, Any], name: str) -> dict[str, Any]:
    """A list field's problems by line as a person counts them (1, 2 ...), not by index."""
    found = problems.get(name)
    if isinstance(found, dict):
        problems = {**problems, name: {_("line %(n)s", n=int(k) + 1): v for k, v in found.items()}}
    return problems


def view(form: Mapping[str, str]) -> View | None:
    """The area the person asked the plan to show (a centre and a width), or None: fit the
    checkpoints. A zoom button halves or doubles the width."""
    raw = {k: (form.get(k) or "").strip() for k in ("centre_lat", "centre_lon", "span_m")}
    if not raw["centre_lat"] and not raw["centre_lon"]:
        return None
    try:
        lat, lon = float(raw["centre_lat"]), float(raw["centre_lon"])
        span = float(raw["span_m"] or 400)
    except ValueError:
        lat = lon = span = float("nan")
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and MIN_SPAN_M <= span <= MAX_SPAN_M):
        raise Invalid(
            _("The plan's centre is a latitude and a longitude, its width in metres."),
            {"centre_lat": [_("from -85 to 85; the longitude from -180 to 180")]},
        )
    zoom = {"in": 0.5, "out": 2.0}.get(form.get("zoom", ""), 1.0)
    return View(lat, lon, min(max(span * zoom, MIN_SPAN_M), MAX_SPAN_M))


def position(form: Mapping[str, Any]) -> tuple[float, float] | None:
    """The latitude and longitude in the form, when both are there and make sense: the plan's
    marker (the schema judges them when the form is saved)."""
    try:
        lat, lon = float(form.get("latitude", "")), float(form.get("longitude", ""))
    except (TypeError, ValueError):
        return None
    return (lat, lon) if -85 <= lat <= 85 and -180 <= lon <= 180 else None
