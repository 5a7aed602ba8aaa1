"""Inspection schedules: which equipment is due which inspection, when: make, change, pause."""

from dataclasses import replace
from typing import Any

from flask import redirect, request, url_for

from server.api.inspection_schedules.schemas import (
    InspectionScheduleSchema,
    InspectionScheduleUpdateSchema,
)
from server.domain import access
from server.domain.errors import Conflict, Invalid
from server.domain.inspection import schedules, templates
from server.domain.models import Asset, InspectionSchedule, InspectionTemplate, Site, User
from server.domain.registry import assets, sites, users
from server.http.session import db_session
from server.web.forms import Refusal, load, refusal, typed
from server.web.i18n import lang
from server.web.inspection_templates import when
from server.web.inspection_templates.blueprint import blp
from server.web.inspection_templates.names import problem_word
from server.web.pages import page, render

LIST = "/inspection-templates/schedules"
ONE = "/inspection-templates/schedules/<id:schedule_id>"
FRESH = {"repeat": "", "weekday": "MO", "monthday": 1, "spacing_unit": "days", "grace_hours": 0}


@page(blp, LIST)
def schedule_list():
    return _list(_site())


@page(blp, LIST, allowed=access.MANAGE_REGISTRY, methods=["POST"])
def create_schedule():
    site = _site()
    typed_in = typed(request.form, when.FORM)
    try:
        data = load(InspectionScheduleSchema(), when.body(typed_in, editing=False))
        made = schedules.create(db_session(), data)
        db_session().commit()
    except (Invalid, Conflict) as error:
        db_session().rollback()
        return _list(sites.get(db_session(), site.id), _placed(error, typed_in), typed_in)
    target = url_for(".schedule_list", site_id=made.site_id, done="created")
    return redirect(f"{target}#schedule-{made.id}")


@page(blp, ONE)
def schedule(schedule_id: int):
    found = schedules.get(db_session(), schedule_id)
    return _one(found, when.values(found))


@page(blp, ONE, allowed=access.MANAGE_REGISTRY, methods=["POST"])
def save_schedule(schedule_id: int):
    typed_in = typed(request.form, when.FORM)
    try:
        data = load(InspectionScheduleUpdateSchema(), when.body(typed_in, editing=True))
        found = schedules.update(db_session(), schedule_id, data)
        db_session().commit()
    except (Invalid, Conflict) as error:
        db_session().rollback()
        found = schedules.get(db_session(), schedule_id)
        return _one(found, typed_in, _placed(error, typed_in))
    target = url_for(".schedule_list", site_id=found.site_id, done="saved")
    return redirect(f"{target}#schedule-{found.id}")


@page(blp, f"{ONE}/pause", allowed=access.MANAGE_REGISTRY, methods=["POST"])
def pause_schedule(schedule_id: int):
    paused = request.form.get("paused") == "true"
    data = load(InspectionScheduleUpdateSchema(partial=True), {"paused": paused})
    found = schedules.update(db_session(), schedule_id, data)
    db_session().commit()
    done = "paused" if paused else "resumed"
    target = url_for(".schedule_list", site_id=found.site_id, done=done)
    return redirect(f"{target}#schedule-{found.id}")


def _placed(error: Invalid | Conflict, typed_in: dict[str, Any]) -> Refusal:
    """The refusal with each problem beside the field the form has for it."""
    found = refusal(error)
    calendar = "rrule" if typed_in.get("repeat") == "custom" else "repeat"
    names = {"min_days": "least", "min_hours": "least", "max_days": "most", "max_hours": "most"}
    names |= {"rrule": calendar}
    problems: dict[str, list[str]] = {}
    for name in found.problems:
        words = [problem_word(m) for m in found.of(name)]
        problems.setdefault(names.get(name, name), []).extend(words)
    return replace(found, message=problem_word(found.message), problems=problems)


def _site() -> Site:
    """The site asked for (?site_id=), else the first the person works on."""
    raw = request.args.get("site_id", "")
    if raw:
        if not raw.isdigit() or not 0 < int(raw) < 2**31:
            raise Invalid("site_id must be a positive whole number", {"site_id": ["a number"]})
        return sites.get(db_session(), int(raw))
    first = db_session().scalars(sites.list_query({"active": True}).order_by(Site.name)).first()
    if first is None:
        raise Invalid("you work on no site yet", {"site_id": ["no site"]})
    return first


def _list(site: Site, refused: Refusal | None = None, typed_in: dict | None = None):
    session = db_session()
    found = session.scalars(
        schedules.list_query({"site_id": site.id}).order_by(InspectionSchedule.id)
    ).all()
    plant = session.scalars(
        assets.list_query({"site_id": site.id}).order_by(Asset.name, Asset.id)
    ).all()
    return render(
        "inspection_templates/schedules.html",
        refused.status if refused else 200,
        site=site,
        sites=session.scalars(sites.list_query({"active": True}).order_by(Site.name)).all(),
        schedules=[(s, when.explain(s), schedules.next_due(session, s)) for s in found],
        plant=plant,
        assets_by_id={a.id: a for a in plant},
        forms_by_id={t.id: t for t in session.scalars(templates.list_query({}))},
        **_choices(site),
        values=typed_in or FRESH,
        refused=refused,
        done=request.args.get("done"),
    )


def _one(found: InspectionSchedule, shown: dict[str, Any], refused: Refusal | None = None):
    session = db_session()
    site = session.get_one(Site, found.site_id)
    return render(
        "inspection_templates/schedule.html",
        refused.status if refused else 200,
        schedule=found,
        site=site,
        equipment=session.get_one(Asset, found.asset_id),
        inspection=session.get_one(InspectionTemplate, found.template_id),
        words=when.explain(found),
        next_due=schedules.next_due(session, found),
        **_choices(site),
        values=shown,
        refused=refused,
    )


def _choices(site: Site) -> dict[str, Any]:
    """What the form offers: the site's equipment, the forms, the people who may do it."""
    session = db_session()
    in_use = assets.list_query({"site_id": site.id, "active": True}).order_by(Asset.name)
    forms = templates.list_query({"active": True}).order_by(InspectionTemplate.name)
    people = users.list_query({"site_id": site.id, "active": True}).order_by(User.name)
    zh = lang() == "zh"
    return {
        "asset_pairs": [(a.id, f"{a.name} · {a.code}") for a in session.scalars(in_use)],
        "template_pairs": [
            (t.id, t.name_zh if zh and t.name_zh else t.name) for t in session.scalars(forms)
        ],
        "people": [(u.id, u.name) for u in session.scalars(people)],
        "repeats": when.REPEATS,
        "weekdays": when.WEEKDAYS,
        "units": when.UNITS,
    }
