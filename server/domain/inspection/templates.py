"""Inspection templates: versioned forms, and the starter set Vigil ships with."""

import copy
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import current_actor
from server.domain.errors import NotFound
from server.domain.inspection import definition as definitions
from server.domain.inspection.starters import STARTERS
from server.domain.listing import name_filter
from server.domain.models import AssetKind, InspectionTemplate, TemplateVersion
from server.domain.writes import Precondition

SORTABLE = ("code", "name", "created_at", "updated_at")


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """The organization's templates (every role reads them: handhelds fill them in)."""
    actor = current_actor()
    stmt = select(InspectionTemplate).where(InspectionTemplate.org_id == actor.org_id)
    for name in ("active", "asset_kind"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(InspectionTemplate, name) == filters[name])
    if filters.get("q"):
        stmt = stmt.where(
            name_filter(
                filters["q"],
                InspectionTemplate.name,
                InspectionTemplate.name_zh,
                InspectionTemplate.code,
            )
        )
    return stmt


def get(session: Session, template_id: int) -> InspectionTemplate:
    """One template of the actor's organization."""
    stmt = list_query({}).where(InspectionTemplate.id == template_id)
    return access.one_visible(session, stmt, f"inspection template {template_id}")


def version(
    session: Session, template: InspectionTemplate, number: int | None = None
) -> TemplateVersion:
    """A version of the template; the current one by default."""
    wanted = template.version if number is None else number
    found = session.scalar(
        select(TemplateVersion).where(
            TemplateVersion.template_id == template.id, TemplateVersion.version == wanted
        )
    )
    if found is None:
        raise NotFound(f"version {wanted} of inspection template {template.id} not found")
    return found


def create(session: Session, data: dict[str, Any]) -> InspectionTemplate:
    """A new template with its first version (admin, supervisor)."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    data = dict(data)
    form = data.pop("definition")
    definitions.parse(form)
    template = InspectionTemplate(org_id=actor.org_id, version=1, **data)
    writes.create(session, template, {"definition": form})
    session.add(
        TemplateVersion(
            template_id=template.id, version=1, definition=form, created_by=actor.user_id
        )
    )
    writes.flush(session)
    return template


def update(
    session: Session, template_id: int, data: dict[str, Any], precondition: Precondition = None
) -> InspectionTemplate:
    """Change a template; a new definition becomes a new version, older records keep theirs."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    template = get(session, template_id)
    writes.check(precondition, template)
    data = dict(data)
    extra = None
    if "definition" in data:
        form = data.pop("definition")
        definitions.parse(form)
        current = version(session, template)
        if form != current.definition:
            template.version += 1
            session.add(
                TemplateVersion(
                    template_id=template.id,
                    version=template.version,
                    definition=form,
                    created_by=actor.user_id,
                )
            )
            extra = {"version": [template.version - 1, template.version]}
    return writes.update(session, template, data, extra)


def starter(code: str) -> dict[str, Any]:
    """A shipped starter by its code, as a copy the caller may change (its kind an AssetKind)."""
    found = next((s for s in STARTERS if s["code"] == code), None)
    if found is None:
        raise NotFound(f"starter template '{code}' not found")
    data = copy.deepcopy(found)
    kind = data["asset_kind"]
    data["asset_kind"] = None if kind is None else AssetKind(kind)
    return data


def from_starter(session: Session, code: str, data: dict[str, Any]) -> InspectionTemplate:
    """A new template holding a shipped starter's form, under the code and names given, so a
    second copy (another maker's set, another site's practice) can differ from the first."""
    made = create(session, starter(code) | data)
    audit.record(session, "install_starter", made, {"starter": [None, code]})
    return made


def clone(session: Session, template_id: int, data: dict[str, Any]) -> InspectionTemplate:
    """A new template holding a copy of another's current form, under the code and names given;
    the original and the records made with it stay as they are."""
    source = get(session, template_id)
    fields = {"asset_kind": source.asset_kind, "description": source.description} | data
    form = copy.deepcopy(version(session, source).definition)
    made = create(session, fields | {"definition": form})
    audit.record(session, "clone", made, {"cloned_from": [None, source.id]})
    return made


def install_starters(session: Session) -> list[InspectionTemplate]:
    """Add the shipped templates the organization does not have yet (by code); return them all."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    have = {
        t.code: t
        for t in session.scalars(
            select(InspectionTemplate).where(InspectionTemplate.org_id == actor.org_id)
        )
    }
    installed = []
    for shipped in STARTERS:
        found = have.get(shipped["code"])
        if found is None:
            found = create(session, starter(shipped["code"]))
            audit.record(session, "install_starter", found, {"code": [None, found.code]})
        installed.append(found)
    return installed
