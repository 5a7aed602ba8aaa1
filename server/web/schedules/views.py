"""Setup: schedules. When a route is walked: a builder that writes the RRULE, a live preview in
the site's time with the clock changes said in words, pause, resume and end."""

from typing import Any
from zoneinfo import ZoneInfo

from flask import redirect, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from server.domain import access, errors, names, site_choices
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.models import PatrolRoute, Schedule, Site, User
from server.domain.patrol import patrol_routes, schedules
from server.domain.registry import sites, users
from server.http.session import db_session
from server.web.forms import Refusal, refusal
from server.web.pages import group, page, render
from server.web.schedules import forms, preview, words

blp = group("schedules")
MANAGE = access.MANAGE_REGISTRY  # the API's schedule writes and preview
DONE = {
    "created": _l("Schedule saved: rounds are made from its next occurrence."),
    "saved": _l("Changes saved: rounds not yet begun follow them; past rounds stay."),
    "paused": _l("Paused: no rounds are made until it is resumed."),
    "resumed": _l("Resumed: rounds are made again."),
    "ended": _l("Ended: rounds not yet begun are removed; past rounds stay."),
    "restored": _l("Started again: rounds are made again."),
}
# What each state action sends, as a PATCH /schedules/<id> would.
ACTIONS = {
    "pause": ({"paused": True}, "paused"),
    "resume": ({"paused": False}, "resumed"),
    "end": ({"active": False}, "ended"),
    "restore": ({"active": True}, "restored"),
}


@page(blp, "/schedules")
def index():
    site = _site(request.args.get("site_id", type=int))
    values = forms.blank(utcnow().astimezone(ZoneInfo(site.timezone)).date())
    return _index(site, values, _preview(site, _as_form(values)))


@page(blp, "/schedules", methods=["POST"], allowed=MANAGE)
def create():
    site = _site(request.form.get("site_id", type=int))
    typed = forms.values(request.form)
    if request.form.get("do") == "preview":  # the Preview button, without JavaScript
        tried = _preview(site, request.form)
        return _index(site, typed, tried, status=_status(tried))
    try:
        schedule = schedules.create(db_session(), forms.new_schedule(request.form))
    except errors.DomainError as error:
        db_session().rollback()
        refused = refusal(error)
        return _index(site, typed, _preview(site, request.form), refused, refused.status)
    db_session().commit()
    return redirect(url_for(".show", schedule_id=schedule.id, done="created"))


@page(blp, "/schedules/preview", methods=["POST"], allowed=MANAGE)
def live_preview():
    """The preview alone, for htmx as the builder changes (a refused rule is said in it)."""
    site = _site(request.form.get("site_id", type=int))
    return render("schedules/_preview.html", **_preview(site, request.form), **_shared())


@page(blp, "/schedules/<id:schedule_id>")
def show(schedule_id: int):
    schedule = schedules.get(db_session(), schedule_id)
    values = forms.of_schedule(schedule)
    site = sites.get(db_session(), schedule.site_id)
    return _page(schedule, values, _preview(site, _as_form(values)))


@page(blp, "/schedules/<id:schedule_id>", methods=["POST"], allowed=MANAGE)
def update(schedule_id: int):
    schedule = schedules.get(db_session(), schedule_id)
    typed = forms.values(request.form)
    if request.form.get("do") == "preview":
        tried = _preview(sites.get(db_session(), schedule.site_id), request.form)
        return _page(schedule, typed, tried, status=_status(tried))
    try:
        data = forms.changes(request.form, schedule)
        fresh = forms.unchanged_since(request.form.get("version"))
        schedules.update(db_session(), schedule_id, data, fresh)
    except errors.DomainError as error:
        db_session().rollback()
        schedule = schedules.get(db_session(), schedule_id)
        tried = _preview(sites.get(db_session(), schedule.site_id), request.form)
        return _page(schedule, typed, tried, refusal(error))
    db_session().commit()
    return redirect(url_for(".show", schedule_id=schedule_id, done="saved"))


STATES = "/schedules/<id:schedule_id>/<any(pause, resume, end, restore):action>"


@page(blp, STATES, methods=["POST"], allowed=MANAGE)
def change_state(schedule_id: int, action: str):
    """Pause, resume, end or start again: the API's PATCH of `paused` or `active`. No version
    is carried: each button asks for a state, not for a change to a copy, so pressing it after
    someone else's edit (or the same button) overwrites nothing and is not refused."""
    data, done = ACTIONS[action]
    try:
        schedules.update(db_session(), schedule_id, dict(data))
    except errors.DomainError as error:
        db_session().rollback()
        schedule = schedules.get(db_session(), schedule_id)  # hidden: 404 here
        values = forms.of_schedule(schedule)
        site = sites.get(db_session(), schedule.site_id)
        return _page(
            schedule, values, _preview(site, _as_form(values)), state_refused=refusal(error)
        )
    db_session().commit()
    return redirect(url_for(".show", schedule_id=schedule_id, done=done))


def _shared() -> dict[str, Any]:
    """What every schedule template uses: words, the builder's choices, field names."""
    return {
        "say": words,
        "shapes": forms.SHAPES,
        "gap_policies": forms.GAP_POLICIES,
        "field_label": lambda name: forms.LABELS.get(name, name),
    }


def _site(site_id: int | None) -> Site:
    """The site asked for (else the actor's first); another tenant's or site's is not found."""
    _, chosen = site_choices.sites(db_session(), site_id)
    return sites.get(db_session(), chosen.id)


def _preview(site: Site, form: MultiDict[str, str]) -> dict[str, Any]:
    """The builder's rule run through the domain's preview, or why it cannot be."""
    try:
        rule = forms.preview_rule(form)
        shown = preview.show(db_session(), rule | {"site_id": site.id})
    except errors.Invalid as error:
        return {"shown": None, "trouble": refusal(error), "said": None, "rule": None}
    said = words.rule(rule["rrule"], rule["start_local"])
    return {
        "shown": shown,
        "trouble": None,
        "said": said,
        "rule": rule,
        "policy": rule["gap_policy"].value,
    }


def _status(tried: dict[str, Any]) -> int:
    return tried["trouble"].status if tried["trouble"] else 200


def _as_form(values: dict[str, Any]) -> MultiDict[str, str]:
    """Values as a form would send them (lists as repeated fields)."""
    pairs = [
        (k, str(v))
        for k, many in values.items()
        for v in (many if isinstance(many, list) else [many])
        if v is not None
    ]
    return MultiDict(pairs)


def _choices(site: Site, assignee_id: int | None = None) -> dict[str, Any]:
    """The site's routes and people, by name; a current assignee no longer on the site stays."""
    session = db_session()
    routes = session.scalars(
        patrol_routes.list_query({"site_id": site.id}).order_by(PatrolRoute.name, PatrolRoute.id)
    ).all()
    people = [
        (u.id, u.name)
        for u in session.scalars(
            users.list_query({"site_id": site.id, "active": True}).order_by(User.name, User.id)
        )
    ]
    if assignee_id and assignee_id not in {i for i, _ in people}:
        named = names.lookup(session, current_actor(), names.Named.PERSON, [assignee_id])
        people.append((assignee_id, named.get(assignee_id, f"#{assignee_id}")))
    options = [(r.id, r.name) for r in routes if r.active]
    return {"routes": routes, "route_options": options, "people": people}


def _index(
    site: Site,
    values: dict[str, Any],
    tried: dict[str, Any],
    refused: Refusal | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = db_session()
    every, _ = site_choices.sites(session, site.id)
    listed = session.scalars(
        schedules.list_query({"site_id": site.id}).order_by(
            Schedule.active.desc(), Schedule.name, Schedule.id
        )
    ).all()
    choices = _choices(site)
    assignees = names.lookup(
        session,
        current_actor(),
        names.Named.PERSON,
        [s.assignee_id for s in listed if s.assignee_id],
    )
    return render(
        "schedules/index.html",
        status,
        site=site,
        sites=every,
        listed=listed,
        upcoming={s.id: preview.next_round(session, s) for s in listed},
        assignees=assignees,
        route_names={r.id: r.name for r in choices["routes"]},
        choices=choices,
        values=values,
        refused=refused,
        done=DONE.get(request.args.get("done", "")),
        **tried,
        **_shared(),
    )


def _page(
    schedule: Schedule,
    values: dict[str, Any],
    tried: dict[str, Any],
    refused: Refusal | None = None,
    status: int | None = None,
    state_refused: Refusal | None = None,
) -> tuple[str, int]:
    session = db_session()
    refused_any = refused or state_refused
    site = sites.get(session, schedule.site_id)
    route = session.get_one(PatrolRoute, schedule.route_id)
    return render(
        "schedules/schedule.html",
        status or (refused_any.status if refused_any else 200),
        schedule=schedule,
        site=site,
        route=route,
        choices=_choices(site, schedule.assignee_id),
        values=values,
        refused=refused,
        state_refused=state_refused,
        done=DONE.get(request.args.get("done", "")),
        **tried,
        **_shared(),
    )
