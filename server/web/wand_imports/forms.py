"""The wand import's form, read with the API's own schema, and the result it comes back to."""

import dataclasses
import io
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from device_protocol.flags import Flag
from server.api.wand_imports.schemas import ImportForm
from server.domain.errors import Invalid
from server.domain.models import Site
from server.ingest import wand
from server.web.forms import Fields, drop_nulls, load, number, typed
from server.web.wand_imports.carry import Checked

OPTIONS = Fields(
    (
        "site_id",
        "kind",
        "wand_serial",
        "clock_offset_seconds",
        "tag_column",
        "time_column",
        "wand_column",
        "guard_column",
        "time_format",
    ),
    readers={"site_id": number, "clock_offset_seconds": number},
)

# The chip technologies the import knows (wand.WAND_KINDS), as a person calls them.
KINDS = {"ibutton": _l("iButton (touch memory)"), "rfid": _l("RFID card")}

# Flags that say a read's time is wrong: the check shows them apart, as the wand's clock.
CLOCK_FLAGS = frozenset(
    {Flag.TIME_IN_FUTURE.value, Flag.TIME_BEFORE_ENROLLMENT.value, Flag.DEVICE_CLOCK_OFF.value}
)


def choices(sites: list[Site]) -> dict[str, Any]:
    """What the form offers: the sites, the chip kinds, the largest file."""
    return {
        "sites": [(site.id, site.name) for site in sites],
        "kinds": [(kind, KINDS.get(kind, kind)) for kind in wand.WAND_KINDS],
        "max_mb": wand.MAX_FILE_BYTES // (1024 * 1024),
    }


def site_id(form: Any) -> int:
    """The site the form names, checked as the API checks it."""
    return int(load(ImportForm(only=("site_id",)), drop_nulls(typed(form, OPTIONS)))["site_id"])


def checked(form: Any, filename: str, data: bytes) -> Checked:
    """What to check: the form's site and options for this file, or Invalid naming each
    field that is wrong."""
    fields = drop_nulls(typed(form, OPTIONS))
    upload = FileStorage(io.BytesIO(data), filename=filename)
    loaded = load(ImportForm(), fields | {"file": upload, "dry_run": True})
    for name in ("file", "dry_run"):
        loaded.pop(name)
    chosen = loaded.pop("site_id")
    options = dataclasses.asdict(wand.Options(**loaded))
    return Checked(chosen, filename, options, data)


def upload(files: Any) -> tuple[str, bytes] | None:
    """The file sent with the form, if one was chosen."""
    sent = files.get("file")
    if sent is None or not sent.filename:
        return None
    return sent.filename, sent.read()


def values(item: Checked | None, form: Any) -> dict[str, Any]:
    """What the options form shows: what was typed, else the options of the check."""
    if form:
        return {name: form.get(name, "") for name in OPTIONS.names}
    if item is None:
        return {}
    return {"site_id": item.site_id, **item.options}


class Result(ma.Schema):
    """The counts an import comes back to the page with."""

    site_id = ma.fields.Integer(validate=ma.validate.Range(1, 2**31 - 1))
    file = ma.fields.String(validate=ma.validate.Length(max=200))
    reads = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))
    imported = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))
    duplicates = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))
    completed = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))
    conflicts = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))
    unmatched = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))
    bad = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))
    unknown_guards = ma.fields.Integer(validate=ma.validate.Range(0, 10**7))

    class Meta:
        unknown = ma.EXCLUDE


def result(report: wand.Report, filename: str) -> dict[str, Any]:
    """What the page says after an import: its counts, the lists counted."""
    counts = ("reads", "imported", "duplicates", "completed", "conflicts")
    return {c: getattr(report, c) for c in counts} | {
        "file": filename[:200],
        "unmatched": len(report.unmatched),
        "bad": len(report.bad_rows),
        "unknown_guards": len(report.unknown_guards),
    }


def read_result(args: Any) -> dict[str, Any] | None:
    """The result in the query string after an import, if there is one."""
    if args.get("done") != "imported":
        return None
    try:
        return Result().load({k: v for k, v in args.items() if v != ""})
    except ma.ValidationError as error:
        raise Invalid("the import's result is not readable", error.messages) from None
