"""What the tag pages accept, read with the API's own schemas (server/api/tags/schemas.py)."""

import enum
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from server.api.tags.schemas import EndSchema, ImageArgs, IssueSchema, SheetRequestSchema
from server.domain.errors import Invalid
from server.http.converters import MAX_ID
from server.web.forms import Fields, drop_nulls, load, number, typed

ISSUE = Fields(("checkpoint_id", "asset_id"), readers={"checkpoint_id": number, "asset_id": number})
END = Fields(("reason",))
SHEET = Fields(
    ("site_id", "subject", "paper", "layout", "tag_ids"),
    readers={"site_id": number, "tag_ids": number},
    multi=("tag_ids",),
)
IMAGE = Fields(("size_mm", "dpi"), readers={"size_mm": number, "dpi": number})


class Which(enum.StrEnum):
    """What the print form prints: every active tag of the site, or those ticked."""

    ALL = "all"
    TICKED = "ticked"


def site_id(query: Mapping[str, str]) -> int | None:
    """The site asked for in the query; anything that is not an id means 'the first site'."""
    raw = query.get("site_id", "").strip()
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        return None
    return int(raw)


def issue(form: Mapping[str, Any]) -> dict[str, Any]:
    """The checkpoint or asset to tag, as the API's POST /qr-tags takes it."""
    return load(IssueSchema(), drop_nulls(typed(form, ISSUE)))


def end(form: Mapping[str, Any]) -> str:
    """Why a tag is re-issued or revoked, as the API's reissue and revoke take it."""
    return load(EndSchema(), typed(form, END))["reason"]


def revoke(form: Mapping[str, Any]) -> str:
    """The reason, once the person has ticked that the printed label stops working."""
    reason = end(form)
    if not form.get("confirm"):
        message = _("Tick the box to confirm that the printed label stops working.")
        raise Invalid(message, {"confirm": [_("Not confirmed.")]})
    return reason


def sheet(form: Mapping[str, Any]) -> dict[str, Any]:
    """The label sheet chosen, as the API's POST /label-sheets takes it."""
    data = typed(form, SHEET)
    if form.get("which") != Which.TICKED:
        data.pop("tag_ids", None)
    elif not data.get("tag_ids"):
        message = _("Tick the tags to print, or choose all active tags.")
        raise Invalid(message, {"tag_ids": [_("No tag ticked.")]})
    return load(SheetRequestSchema(), drop_nulls(data))


def image(query: Mapping[str, Any]) -> dict[str, Any]:
    """Size and resolution of one tag's image, as the API's image.png and image.svg take them."""
    return load(ImageArgs(), typed(query, IMAGE))
