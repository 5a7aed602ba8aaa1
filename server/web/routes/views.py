"""Setup: a site's patrol routes, and the editor that puts a route's stops in order.

Every write goes through the API's schema and the same domain functions as its POST and PATCH
(server/domain/patrol/patrol_routes.py), so a route saved here obeys the same rules, leaves the
same audit trail, and leaves rounds already begun as they were planned.
"""

from typing import Any

from flask import g, redirect, request, url_for

from server.api.patrol_routes.schemas import RouteSchema, RouteUpdateSchema
from server.domain import access, errors
from server.domain.models import Checkpoint, PatrolRoute, Site
from server.domain.patrol import patrol_routes
from server.domain.registry import checkpoints, sites
from server.http.session import db_session
from server.web.forms import Refusal, load, refusal
from server.web.pages import group, page, render
from server.web.routes import forms

blp = group("routes")


@page(blp, "/routes")
def index():
    return _list(_site(request.args.get("site_id")))


@page(blp, "/routes", methods=["POST"], allowed=access.MANAGE_REGISTRY)
def create():
    session, site = db_session(), _site(request.form.get("site_id"), required=True)
    sent = forms.new_route(request.form)
    try:
        route = patrol_routes.create(session, load(RouteSchema(), sent))
    except errors.DomainError as error:
        session.rollback()
        return _list(site, sent, refusal(error))
    session.commit()
    return redirect(url_for(".edit", route_id=route.id, done="created"))


@page(blp, "/routes/<id:route_id>")
def edit(route_id: int):
    route = patrol_routes.get(db_session(), route_id)
    return _editor(route, forms.draft_of(route))


@page(blp, "/routes/<id:route_id>", methods=["POST"], allowed=access.MANAGE_REGISTRY)
def save(route_id: int):
    """Save the whole route; or, for Move, Add and Remove without a script, show the editor
    again with the change made and nothing saved (one save, one audit entry, one check that
    nobody changed the route meanwhile)."""
    session = db_session()
    route = patrol_routes.get(session, route_id)
    draft = forms.draft_from(request.form)
    step = forms.instruction(request.form, draft)
    if step is not None:
        return _editor(route, step.draft, step=step)
    try:
        data = load(RouteUpdateSchema(), draft.body())
        patrol_routes.update(session, route_id, data, forms.unchanged_since(draft.version))
    except errors.DomainError as error:
        session.rollback()
        return _editor(patrol_routes.get(session, route_id), draft, refusal(error))
    session.commit()
    return redirect(url_for(".edit", route_id=route_id, done="saved"))


def _site(raw: str | None, required: bool = False) -> Site | None:
    """The site asked for (another tenant's or site's: not found), or the first one's."""
    if not raw and not required:
        visible = sites.list_query({"active": True}).order_by(Site.name, Site.id)
        return db_session().scalars(visible.limit(1)).first()
    if not raw or not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise errors.Invalid("site_id must be a site's number", {"site_id": ["a site's number"]})
    return sites.get(db_session(), int(raw))


def _list(site: Site | None, sent: dict[str, Any] | None = None, refused: Refusal | None = None):
    session = db_session()
    visible = session.scalars(sites.list_query({"active": True}).order_by(Site.name, Site.id))
    found: list[PatrolRoute] = []
    if site is not None:
        mine = patrol_routes.list_query({"site_id": site.id})
        found = list(session.scalars(mine.order_by(PatrolRoute.name, PatrolRoute.id)))
    return render(
        "routes/index.html",
        refused.status if refused else 200,
        site=site,
        sites=list(visible),
        routes=found,
        places=_checkpoints(site.id, set()) if site else [],
        values=sent or {"order": "strict", "checkpoint_ids": []},
        refused=refused,
        orders=forms.orders(),
        can_manage=g.actor.role in access.MANAGE_REGISTRY,
    )


def _editor(
    route: PatrolRoute,
    draft: forms.Draft,
    refused: Refusal | None = None,
    step: forms.Step | None = None,
):
    chosen = {row.checkpoint_id for row in draft.rows}
    return render(
        "routes/editor.html",
        refused.status if refused else 200,
        route=route,
        site=sites.get(db_session(), route.site_id),
        draft=draft,
        places=_checkpoints(route.site_id, chosen),
        refused=refused,
        step=step,
        orders=forms.orders(),
        row_problems=forms.row_problems,
        list_problems=forms.list_problems,
        done=request.args.get("done"),
    )


def _checkpoints(site_id: int, chosen: set[str]) -> list[Checkpoint]:
    """The site's active checkpoints, and any deactivated one a stop still names (so the
    page shows it, and saving says it must be replaced)."""
    every = checkpoints.list_query({"site_id": site_id}).order_by(Checkpoint.name, Checkpoint.id)
    return [c for c in db_session().scalars(every) if c.active or str(c.id) in chosen]
