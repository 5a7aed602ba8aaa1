"""An asset's own limits: a maker's alarm and trip points laid over the template's, item by item."""

from typing import Any

from flask import redirect, request, url_for

from server.api.asset_readings.schemas import LimitSchema
from server.domain import access
from server.domain.errors import Invalid
from server.domain.inspection import limits
from server.domain.models import Site
from server.domain.registry import assets
from server.http.session import db_session
from server.web.forms import Fields, Refusal, load, number, refusal, typed
from server.web.inspection_templates.blueprint import blp
from server.web.inspection_templates.editor import RANGES, SIDES
from server.web.inspection_templates.names import problem_word
from server.web.pages import page, render

BOXES = tuple(f"{name}_{side}" for name in RANGES for side in SIDES)
LIMIT = Fields((*BOXES, "note"), readers=dict.fromkeys(BOXES, number), keep_blank=("note",))
ITEM_KEY = "<string(maxlength=40):item_key>"


@page(blp, "/inspection-templates/assets/<id:asset_id>/limits")
def asset_limits(asset_id: int):
    return _page(asset_id)


@page(
    blp,
    f"/inspection-templates/assets/<id:asset_id>/limits/{ITEM_KEY}",
    allowed=access.MANAGE_REGISTRY,
    methods=["POST"],
)
def set_limit(asset_id: int, item_key: str):
    typed_in = typed(request.form, LIMIT)
    try:
        data = load(LimitSchema(), _ranges(typed_in))
        limits.put(db_session(), asset_id, item_key, data)
        db_session().commit()
    except Invalid as error:
        db_session().rollback()
        refused = refusal(error)
        words = {k: [problem_word(m) for m in refused.of(k)] for k in refused.problems}
        shown = Refusal(refused.status, problem_word(refused.message), words)
        return _page(asset_id, refused.status, (item_key, shown, request.form))
    return _back(asset_id, item_key, "set")


@page(
    blp,
    f"/inspection-templates/assets/<id:asset_id>/limits/{ITEM_KEY}/clear",
    allowed=access.MANAGE_REGISTRY,
    methods=["POST"],
)
def clear_limit(asset_id: int, item_key: str):
    limits.delete(db_session(), asset_id, item_key)
    db_session().commit()
    return _back(asset_id, item_key, "cleared")


def _page(asset_id: int, status: int = 200, refused: tuple | None = None) -> tuple[str, int]:
    rows = limits.for_asset(db_session(), asset_id)
    asset = assets.get(db_session(), asset_id)
    return render(
        "inspection_templates/limits.html",
        status,
        equipment=asset,
        site=db_session().get_one(Site, asset.site_id),
        rows=rows,
        refused=refused,
        boxes=BOXES,
        done=request.args.get("done"),
        item=request.args.get("item"),
    )


def _ranges(typed_in: dict[str, Any]) -> dict[str, Any]:
    """The form's boxes as the API's body: [low, high] per range, null when both are empty."""
    data: dict[str, Any] = {"note": typed_in.get("note") or ""}
    for name in RANGES:
        pair = [typed_in.get(f"{name}_{side}") for side in SIDES]
        data[name] = None if pair == [None, None] else pair
    return data


def _back(asset_id: int, item_key: str, done: str):
    target = url_for(".asset_limits", asset_id=asset_id, done=done, item=item_key)
    return redirect(f"{target}#limit-{item_key}")
