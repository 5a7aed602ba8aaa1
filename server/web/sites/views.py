"""Setup: sites and their zones, each site's timezone and the settings that decide its alerts.

Each action calls the domain function the API's endpoint calls (server/api/sites/routes.py),
with the API's schemas, and commits once; a refusal shows the form again with what was typed.
"""

from collections.abc import Callable
from typing import Any

from flask import g, redirect, request, url_for
from werkzeug.wrappers import Response

from server.api.common import patch_schema
from server.api.sites.schemas import SiteSchema, SiteUpdateSchema, ZoneSchema, ZoneUpdateSchema
from server.domain import access, errors
from server.domain.clock import utcnow
from server.domain.models import Site, Zone
from server.domain.registry import sites
from server.http.session import db_session
from server.web.forms import Refusal, drop_nulls, load, refusal, typed
from server.web.pages import group, page, render
from server.web.sites import forms

blp = group("sites")


@page(blp, "/sites")
def index():
    return _list()


@page(blp, "/sites/new", methods=["POST"], allowed=access.MANAGE_SITES)
def create():
    data = typed(request.form, forms.NEW_SITE)
    site, refused = _write(lambda: sites.create(db_session(), load(SiteSchema(), drop_nulls(data))))
    if refused:
        return _list(refused.status, refused=refused, values=request.form)
    return _to_site(site.id, "created")


@page(blp, "/sites/<id:site_id>")
def show(site_id: int):
    return _site_page(site_id)


@page(blp, "/sites/<id:site_id>/settings", methods=["POST"], allowed=access.MANAGE_SITES)
def update(site_id: int):
    data = typed(request.form, forms.SITE)
    _, refused = _write(lambda: sites.update(db_session(), site_id, load(SiteUpdateSchema(), data)))
    if refused:
        return _site_page(site_id, refused.status, refused=refused, values=request.form)
    return _to_site(site_id, "saved")


@page(blp, "/sites/<id:site_id>/active", methods=["POST"], allowed=access.MANAGE_SITES)
def set_active(site_id: int):
    data = typed(request.form, forms.ACTIVE)
    site, refused = _write(
        lambda: sites.update(db_session(), site_id, load(patch_schema(SiteUpdateSchema), data))
    )
    if refused:
        return _site_page(site_id, refused.status, refused=refused)
    return _to_site(site_id, "reactivated" if site.active else "deactivated")


@page(blp, "/sites/<id:site_id>/zones", methods=["POST"], allowed=access.MANAGE_REGISTRY)
def add_zone(site_id: int):
    sites.get(db_session(), site_id)  # another tenant's or another site's: not found
    data = typed(request.form, forms.ZONE) | {"site_id": site_id}
    _, refused = _write(lambda: sites.create_zone(db_session(), load(ZoneSchema(), data)))
    if refused:
        return _site_page(site_id, refused.status, zone_refused=refused, zone_values=request.form)
    return _to_site(site_id, "zone_added")


@page(blp, "/sites/zones/<id:zone_id>", methods=["POST"], allowed=access.MANAGE_REGISTRY)
def update_zone(zone_id: int):
    site_id = sites.get_zone(db_session(), zone_id).site_id
    data = typed(request.form, forms.ZONE)
    _, refused = _write(
        lambda: sites.update_zone(db_session(), zone_id, load(ZoneUpdateSchema(), data))
    )
    if refused:
        edit = {"zone_id": zone_id, "refused": refused, "values": request.form}
        return _site_page(site_id, refused.status, zone_edit=edit)
    return _to_site(site_id, "zone_saved")


@page(blp, "/sites/zones/<id:zone_id>/active", methods=["POST"], allowed=access.MANAGE_REGISTRY)
def set_zone_active(zone_id: int):
    site_id = sites.get_zone(db_session(), zone_id).site_id
    data = typed(request.form, forms.ACTIVE)
    zone, refused = _write(
        lambda: sites.update_zone(db_session(), zone_id, load(patch_schema(ZoneUpdateSchema), data))
    )
    if refused:
        return _site_page(site_id, refused.status, zone_refused=refused)
    return _to_site(site_id, "zone_reactivated" if zone.active else "zone_deactivated")


def _write(action: Callable[[], Any]) -> tuple[Any, Refusal | None]:
    """One domain write, committed; a refusal is rolled back and said."""
    try:
        done = action()
    except errors.DomainError as error:
        db_session().rollback()
        return None, refusal(error)
    db_session().commit()
    return done, None


def _to_site(site_id: int, done: str) -> Response:
    return redirect(url_for(".show", site_id=site_id, done=done))


def _list(status: int = 200, **context: Any) -> tuple[str, int]:
    session = db_session()
    found = session.scalars(sites.list_query({}).order_by(Site.active.desc(), Site.name))
    return render(
        "sites/index.html",
        status,
        sites=list(found),
        zone_counts=sites.zone_counts(session),
        **_shared(),
        **context,
    )


def _site_page(site_id: int, status: int = 200, **context: Any) -> tuple[str, int]:
    session = db_session()
    site = sites.get(session, site_id)
    in_site = sites.zones_query({"site_id": site_id}).order_by(Zone.active.desc(), Zone.name)
    context.setdefault("values", forms.values_of(site))
    return render(
        "sites/site.html",
        status,
        site=site,
        zones=list(session.scalars(in_site)),
        done=request.args.get("done"),
        **_shared(),
        **context,
    )


def _shared() -> dict[str, Any]:
    now = utcnow()
    return {
        "now": now,
        "may": forms.may(g.actor),
        "offset_now": lambda name: forms.offset_if_known(name, now),
        "timezones": forms.timezone_choices(now),
        "kinds": forms.KINDS,
        "detection": forms.DETECTION,
    }
