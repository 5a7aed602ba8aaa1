"""Inspection templates: the tenant's forms and the starters, a new form from either, the editor.

The asset limits and inspection schedules pages of this section register on the same
blueprint (limit_views.py, schedule_views.py).
"""

from typing import Any

from flask import redirect, request, url_for

from server.api.inspection_templates.schemas import TemplateSchema, TemplateUpdateSchema
from server.domain import access
from server.domain.errors import Conflict, Invalid
from server.domain.inspection import intake, templates
from server.domain.inspection.definition import parse
from server.domain.inspection.starters import STARTERS
from server.domain.models import InspectionTemplate
from server.http.session import db_session
from server.web.forms import Fields, Refusal, load, refusal, typed
from server.web.inspection_templates import editor, limit_views, schedule_views
from server.web.inspection_templates.blueprint import blp
from server.web.pages import page, render

__all__ = ["blp", "limit_views", "schedule_views"]

NEW = Fields(("code", "name", "name_zh"), keep_blank=("name_zh",))
HEAD = Fields(
    ("name", "name_zh", "description", "asset_kind", "active"),
    checkboxes=("active",),
    keep_blank=("name_zh", "description"),
)


@page(blp, "/inspection-templates")
def index():
    session = db_session()
    mine = list(
        session.scalars(
            templates.list_query({}).order_by(InspectionTemplate.name, InspectionTemplate.id)
        )
    )
    counts = {t.id: len(intake.definition(templates.version(session, t)).items) for t in mine}
    codes = {t.code: t for t in mine}
    starters = [(s, len(parse(s["definition"]).items), codes.get(s["code"])) for s in STARTERS]
    return render(
        "inspection_templates/index.html",
        mine=mine,
        counts=counts,
        starters=starters,
        done=request.args.get("done"),
    )


@page(blp, "/inspection-templates/new")
def new():
    source = _source(request.args)
    return render("inspection_templates/new.html", **source, values=_suggested(source))


@page(blp, "/inspection-templates/new", allowed=access.MANAGE_REGISTRY, methods=["POST"])
def create():
    data = typed(request.form, NEW)
    try:
        source = _source(request.form)
        fields = load(TemplateSchema(only=NEW.names), data)
        if source["starter"] is not None:
            made = templates.from_starter(db_session(), source["starter"]["code"], fields)
        else:
            made = templates.clone(db_session(), source["original"].id, fields)
        db_session().commit()
    except (Invalid, Conflict) as error:
        db_session().rollback()
        refused = refusal(error)
        source = _source(request.form)
        return render(
            "inspection_templates/new.html", refused.status, **source, values=data, refused=refused
        )
    return redirect(url_for(".edit", template_id=made.id, done="created"))


@page(blp, "/inspection-templates/<id:template_id>")
def edit(template_id: int):
    template = templates.get(db_session(), template_id)
    current = templates.version(db_session(), template)
    draft = editor.from_definition(current.definition)
    return _editor(template, draft, _head(template), based_on=template.version)


@page(
    blp, "/inspection-templates/<id:template_id>", allowed=access.MANAGE_REGISTRY, methods=["POST"]
)
def save(template_id: int):
    template = templates.get(db_session(), template_id)
    draft = editor.from_form(request.form)
    head = typed(request.form, HEAD)
    based_on = request.form.get("based_on", type=int)
    op = request.form.get("op", "save")
    if op != "save":  # Up, Down, Remove, Add: the form comes back changed, not saved
        return _editor(template, editor.apply(draft, op), head, based_on=based_on)
    built = editor.build(draft, templates.version(db_session(), template).definition)
    before = template.version
    try:
        data = load(TemplateUpdateSchema(), head | {"definition": built.definition})
        templates.update(db_session(), template_id, data, _unchanged_since(based_on))
        db_session().commit()
    except (Invalid, Conflict) as error:
        db_session().rollback()
        refused = editor.placed(refusal(error), built, draft)
        template = templates.get(db_session(), template_id)
        return _editor(template, draft, head, refused.status, refused, based_on)
    done = "saved" if template.version != before else "unchanged"
    return redirect(url_for(".edit", template_id=template_id, done=done))


def _editor(
    template: InspectionTemplate,
    draft: editor.Draft,
    head: dict[str, Any],
    status: int = 200,
    refused: Refusal | None = None,
    based_on: int | None = None,
) -> tuple[str, int]:
    return render(
        "inspection_templates/edit.html",
        status,
        found=template,
        draft=draft,
        values=head,
        refused=refused,
        unplaced=editor.unplaced(refused),
        based_on=based_on,
        choosable=editor.CHOOSABLE,
        ranges=editor.RANGES,
        done=request.args.get("done"),
        changed=request.method == "POST" and refused is None,
    )


def _unchanged_since(version: int | None):
    """The console's If-Match: refuse to write over a version saved after the form was opened."""

    def check(template: InspectionTemplate) -> None:
        if version is not None and template.version != version:
            raise Conflict(
                f"someone saved version {template.version} after you opened version {version}",
                {"based_on": ["reload the page to see their changes, then make yours again"]},
            )

    return check


def _head(template: InspectionTemplate) -> dict[str, Any]:
    kind = template.asset_kind.value if template.asset_kind else None
    return {
        "name": template.name,
        "name_zh": template.name_zh,
        "description": template.description,
        "asset_kind": kind,
        "active": template.active,
    }


def _source(args: Any) -> dict[str, Any]:
    """What a new template starts from: a starter (?starter=code) or a template (?from=id)."""
    code, number = args.get("starter"), args.get("from")
    if code:
        return {"starter": templates.starter(code), "original": None}
    if number and number.isdigit() and 0 < int(number) < 2**31:
        return {"starter": None, "original": templates.get(db_session(), int(number))}
    raise Invalid("choose a starter or a template to begin from", {"from": ["a template"]})


def _suggested(source: dict[str, Any]) -> dict[str, Any]:
    """A free code and the names to begin with: the starter's, or 'copy of' the template's."""
    taken = set(
        db_session().scalars(templates.list_query({}).with_only_columns(InspectionTemplate.code))
    )
    if source["starter"] is not None:
        base, name, name_zh = (source["starter"][k] for k in ("code", "name", "name_zh"))
    else:  # names are the tenant's words in each language, not the page's
        found = source["original"]
        base, name = found.code, f"{found.name} (copy)"
        name_zh = f"{found.name_zh}（副本）" if found.name_zh else ""
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base[:56]}_{n}"
    return {"code": code, "name": name, "name_zh": name_zh}
