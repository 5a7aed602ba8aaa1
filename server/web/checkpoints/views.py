"""Setup: a site's checkpoints and equipment. List, create, edit and deactivate them, place a
checkpoint on the site plan, and import many from a sheet with a preview first.

Every write is the API's: read with its schema (server/api/*/schemas.py), done by the same
domain function as its route, committed here; a refusal shows the form again as typed.
"""

from typing import Any

from flask import g, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from server.api.assets.schemas import AssetSchema, AssetUpdateSchema
from server.api.checkpoints.schemas import CheckpointSchema, CheckpointUpdateSchema
from server.domain import access
from server.domain.errors import DomainError, Invalid
from server.domain.models import Asset, Checkpoint, Site, Zone
from server.domain.registry import assets, sites
from server.domain.registry import checkpoints as registry
from server.http.session import db_session
from server.web.checkpoints import forms, importing, plan, sheet
from server.web.forms import Refusal, drop_nulls, load, refusal, typed, unchanged_since
from server.web.pages import group, page, render

blp = group("checkpoints")
MANAGE = access.MANAGE_REGISTRY


@page(blp, "/checkpoints")
def index():
    session = db_session()
    every = list(session.scalars(sites.list_query({}).order_by(Site.name, Site.id)))
    wanted = forms.site_id(request.args)
    if wanted is None and not every:
        return render("checkpoints/index.html", site=None, sites=every)
    site = sites.get(session, wanted) if wanted else every[0]
    places = list(session.scalars(_of_site(registry.list_query, Checkpoint, site)))
    placed = [c for c in places if c.active and c.latitude is not None]
    return render(
        "checkpoints/index.html",
        site=site,
        sites=every,
        checkpoints=places,
        equipment=list(session.scalars(_of_site(assets.list_query, Asset, site))),
        zones=dict(_zones(site)),
        asset_kinds=forms.ASSET_KINDS,
        plan=plan.draw(placed) if placed else None,
        can_manage=g.actor.role in MANAGE,
        done=request.args.get("done"),
        counts={k: request.args.get(k, 0, type=int) for k in ("made", "refused")},
    )


@page(blp, "/checkpoints/new", allowed=MANAGE, methods=["GET", "POST"])
def new():
    site = _site()
    if request.method == "GET" or _moving():
        return _checkpoint_page(site, None, request.form)
    try:
        data = typed(request.form, forms.CHECKPOINT_NEW)
        registry.create(
            db_session(), load(CheckpointSchema(), drop_nulls({"site_id": site.id, **data}))
        )
    except DomainError as error:
        db_session().rollback()
        return _checkpoint_page(site, None, request.form, _refused(error))
    return _done(site.id, "created")


@page(blp, "/checkpoints/<id:checkpoint_id>", allowed=MANAGE, methods=["GET", "POST"])
def edit(checkpoint_id: int):
    checkpoint = registry.get(db_session(), checkpoint_id)
    site = sites.get(db_session(), checkpoint.site_id)
    if request.method == "GET":
        return _checkpoint_page(site, checkpoint, _checkpoint_values(checkpoint))
    if _moving():
        return _checkpoint_page(site, checkpoint, request.form)
    try:
        data = load(CheckpointUpdateSchema(), typed(request.form, forms.CHECKPOINT_EDIT))
        seen = unchanged_since(request.form.get("seen"))
        registry.update(db_session(), checkpoint_id, data, seen)
    except DomainError as error:
        db_session().rollback()
        return _checkpoint_page(site, checkpoint, request.form, _refused(error))
    return _done(site.id, "saved")


@page(blp, "/checkpoints/<id:checkpoint_id>/deactivate", allowed=MANAGE, methods=["POST"])
def deactivate(checkpoint_id: int):
    checkpoint = registry.update(db_session(), checkpoint_id, {"active": False})
    return _done(checkpoint.site_id, "deactivated")


@page(blp, "/checkpoints/import", allowed=MANAGE, methods=["GET", "POST"])
def import_sheet():
    site = _site()
    if request.method == "GET":
        return _import_page(site)
    try:
        name, read = importing.read_upload(request.files.get("sheet"))
        lines = importing.review(db_session(), site, read.rows, dry_run=True)
        sealed = importing.seal(site.id, name, read.rows)
    except DomainError as error:
        return _import_page(site, refusal(error))
    return render(
        "checkpoints/preview.html",
        site=site,
        filename=name,
        lines=lines,
        good=sum(line.refused is None for line in lines),
        ignored=read.ignored,
        sealed=sealed,
    )


@page(blp, "/checkpoints/import/confirm", allowed=MANAGE, methods=["POST"])
def import_confirm():
    carried = importing.unseal(request.form.get("sheet", ""))
    site = sites.get(db_session(), carried.site_id)
    lines = importing.review(db_session(), site, carried.rows, dry_run=False)
    made = sum(line.refused is None for line in lines)
    return _done(site.id, "imported", made=made, refused=len(lines) - made)


@page(blp, "/checkpoints/equipment/new", allowed=MANAGE, methods=["GET", "POST"])
def new_asset():
    site = _site()
    if request.method == "GET":
        return _asset_page(site, None, {"kind": "generator"})
    try:
        data = typed(request.form, forms.ASSET_NEW)
        assets.create(db_session(), load(AssetSchema(), drop_nulls({"site_id": site.id, **data})))
    except DomainError as error:
        db_session().rollback()
        return _asset_page(site, None, request.form, _refused(error, "ratings"))
    return _done(site.id, "asset_created")


@page(blp, "/checkpoints/equipment/<id:asset_id>", allowed=MANAGE, methods=["GET", "POST"])
def edit_asset(asset_id: int):
    asset = assets.get(db_session(), asset_id)
    site = sites.get(db_session(), asset.site_id)
    if request.method == "GET":
        return _asset_page(site, asset, _asset_values(asset))
    try:
        data = load(AssetUpdateSchema(), typed(request.form, forms.ASSET_EDIT))
        assets.update(db_session(), asset_id, data, unchanged_since(request.form.get("seen")))
    except DomainError as error:
        db_session().rollback()
        return _asset_page(site, asset, request.form, _refused(error, "ratings"))
    return _done(site.id, "asset_saved")


@page(blp, "/checkpoints/equipment/<id:asset_id>/deactivate", allowed=MANAGE, methods=["POST"])
def deactivate_asset(asset_id: int):
    asset = assets.update(db_session(), asset_id, {"active": False})
    return _done(asset.site_id, "asset_deactivated")


def _site() -> Site:
    """The site of ?site_id=, else the first the person works on."""
    wanted = forms.site_id(request.args)
    if wanted is not None:
        return sites.get(db_session(), wanted)
    first = db_session().scalars(sites.list_query({}).order_by(Site.name, Site.id)).first()
    if first is None:
        raise Invalid(_("There is no site yet: add one first."), {"site_id": [_("no site")]})
    return first


def _of_site(query: Any, model: Any, site: Site) -> Any:
    return query({"site_id": site.id}).order_by(model.active.desc(), model.name, model.id)


def _zones(site: Site) -> list[tuple[int, str]]:
    found = sites.zones_query({"site_id": site.id}).order_by(Zone.name, Zone.id)
    return [(z.id, z.name) for z in db_session().scalars(found)]


def _moving() -> bool:
    """The form was sent to move or zoom the plan, not to save."""
    return "move" in request.form or "zoom" in request.form


def _refused(error: DomainError, listed: str = "physical_tags") -> Refusal:
    found = refusal(error)
    return Refusal(found.status, found.message, forms.line_numbers(found.problems, listed))


def _done(site_id: int, what: str, **counts: int) -> Response:
    db_session().commit()
    return redirect(url_for(".index", site_id=site_id, done=what, **counts))


def _import_page(site: Site, refused: Refusal | None = None) -> tuple[str, int]:
    return render(
        "checkpoints/import.html",
        refused.status if refused else 200,
        site=site,
        refused=refused,
        headers=sheet.HEADERS,
    )


def _checkpoint_page(
    site: Site, checkpoint: Checkpoint | None, values: Any, refused: Refusal | None = None
) -> tuple[str, int]:
    in_site = registry.list_query({"site_id": site.id, "active": True})
    others = list(db_session().scalars(in_site.order_by(Checkpoint.name)))
    try:
        view = forms.view(values)
    except Invalid as error:
        view, refused = None, refused or refusal(error)
    drawn = plan.draw(others, view, forms.position(values), checkpoint.id if checkpoint else None)
    return render(
        "checkpoints/checkpoint.html",
        refused.status if refused else 200,
        site=site,
        checkpoint=checkpoint,
        values=values,
        refused=refused,
        zones=_zones(site),
        plan=drawn,
    )


def _checkpoint_values(checkpoint: Checkpoint) -> dict[str, Any]:
    names = ("name", "code", "zone_id", "latitude", "longitude", "radius_m", "instructions")
    return {n: getattr(checkpoint, n) for n in names} | {
        "physical_tags": forms.chip_lines(checkpoint.physical_tags),
        "active": checkpoint.active,
        "seen": checkpoint.updated_at.isoformat(),
    }


def _asset_page(
    site: Site, asset: Asset | None, values: Any, refused: Refusal | None = None
) -> tuple[str, int]:
    return render(
        "checkpoints/asset.html",
        refused.status if refused else 200,
        site=site,
        item=asset,  # not "asset": that is the template's function for static files
        values=values,
        refused=refused,
        zones=_zones(site),
        asset_kinds=forms.ASSET_KINDS,
    )


def _asset_values(asset: Asset) -> dict[str, Any]:
    names = ("kind", "name", "code", "zone_id", "make", "model", "serial_number")
    return {n: getattr(asset, n) for n in names} | {
        "kind": asset.kind.value,
        "ratings": forms.rating_lines(asset.ratings),
        "active": asset.active,
        "seen": asset.updated_at.isoformat(),
    }
