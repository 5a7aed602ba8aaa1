"""Importing checkpoints from a sheet: each row checked as the API checks a checkpoint (its
schema, then the domain's rules), previewed, then made on confirmation.

The preview and the confirmation run the same steps; the preview's domain step is a dry run
(checkpoints.create_each in a savepoint it rolls back), so what it says is what confirming
does. Between the two, the page carries the sheet's rows as read, signed with the
installation's secret (itsdangerous): the confirmation makes exactly the rows the person saw,
needs no second upload and no server-side store, and a changed or stale copy is refused. The
rows are checked again on confirmation, since the site may have changed meanwhile.
"""

import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from server.api.checkpoints.schemas import CheckpointSchema
from server.domain.errors import DomainError, Invalid
from server.domain.models import Site
from server.domain.registry import checkpoints, sites
from server.web.checkpoints import forms, sheet
from server.web.checkpoints.sheet import COLUMNS, Row, Sheet
from server.web.forms import Refusal, drop_nulls, load, refusal, typed

SALT = "vigil.console.checkpoint-import"
MAX_AGE_S = 2 * 3600  # a preview left open longer is uploaded again
# What the page may carry: under the form size Werkzeug reads (500 kB) with room to spare.
MAX_SEALED = 400_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a file's name is shown: no control characters


@dataclass(frozen=True)
class Line:
    """A row of the sheet and what becomes of it: made (refused is None), or why not."""

    number: int
    cells: dict[str, str]
    refused: Refusal | None


@dataclass(frozen=True)
class Carried:
    """What the preview hands to the confirmation: the site and the rows as read."""

    site_id: int
    filename: str
    rows: list[Row]


def read_upload(sent: FileStorage | None) -> tuple[str, Sheet]:
    """The uploaded file's name and rows, or Invalid saying why it cannot be read."""
    if sent is None or not sent.filename:
        raise Invalid(_("Choose a CSV or Excel (.xlsx) file."), {"sheet": [_("no file")]})
    name = _CONTROL.sub("", sent.filename)[:200]
    try:
        return name, sheet.read(sent.stream.read(sheet.MAX_BYTES + 1))
    except sheet.SheetError as error:
        raise Invalid(str(error), {"sheet": [str(error)]}) from None


def review(session: Session, site: Site, rows: list[Row], dry_run: bool) -> list[Line]:
    """Each row's fate: refused by the schema or the zone it names, else by the domain (a
    code taken, on the site or by an earlier row); made, unless this is a dry run."""
    zones = sites.zones_query({"site_id": site.id, "active": True})
    by_name = {zone.name: zone.id for zone in session.scalars(zones)}
    checked: list[dict[str, Any] | Refusal] = []
    for row in rows:
        try:
            checked.append(_checkpoint(site.id, by_name, row.cells))
        except DomainError as error:
            checked.append(refusal(error))
    good = [data for data in checked if isinstance(data, dict)]
    outcomes = iter(checkpoints.create_each(session, good, dry_run=dry_run))
    lines = []
    for row, data in zip(rows, checked, strict=True):
        if isinstance(data, Refusal):
            lines.append(Line(row.number, row.cells, data))
        else:
            error = next(outcomes)
            lines.append(Line(row.number, row.cells, refusal(error) if error else None))
    return lines


def _checkpoint(site_id: int, zones: dict[str, int], cells: dict[str, str]) -> dict[str, Any]:
    data = typed(cells, forms.SHEET_ROW)
    zone = cells.get("zone", "").strip()
    if zone and zone not in zones:
        raise Invalid(
            _("this site has no zone named “%(zone)s”", zone=zone),
            {"zone": [_("add it on the Sites page, or leave the cell empty")]},
        )
    data["zone_id"] = zones.get(zone)
    return load(CheckpointSchema(), drop_nulls({"site_id": site_id, **data}))


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def seal(site_id: int, filename: str, rows: list[Row]) -> str:
    """The rows as the page carries them to the confirmation: signed, compressed."""
    sealed = seal_with(current_app.config["SECRET_KEY"], site_id, filename, rows)
    if len(sealed) > MAX_SEALED:
        raise Invalid(
            _("The sheet holds too much text to import at once: split it into smaller ones."),
            {"sheet": [_("too large")]},
        )
    return sealed


def seal_with(key: str, site_id: int, filename: str, rows: list[Row]) -> str:
    packed = [[r.number, [r.cells.get(c, "") for c in COLUMNS]] for r in rows]
    return URLSafeTimedSerializer(key, salt=SALT).dumps([site_id, filename, packed])


def unseal(sealed: str) -> Carried:
    """The rows the preview showed, or Invalid when the copy was changed or is too old."""
    try:
        site_id, filename, packed = _signer().loads(sealed, max_age=MAX_AGE_S)
        rows = [
            Row(int(n), dict(zip(COLUMNS, map(str, cells), strict=True))) for n, cells in packed
        ]
        return Carried(int(site_id), str(filename), rows)
    except (BadSignature, TypeError, ValueError):
        raise Invalid(
            _("This preview has expired or was changed: upload the sheet again."),
            {"sheet": [_("upload again")]},
        ) from None
