"""Inspection events from handhelds: placed and checked before storing, recorded right after."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from device_protocol.flags import Flag
from server.domain.inspection import intake, placement
from server.domain.inspection import values as value_checks
from server.domain.inspection.intake import Submission
from server.domain.models import Asset, InspectionTemplate, TemplateVersion


@dataclass
class Form:
    """An inspection event whose asset, site and template version are known."""

    row: Any  # the sync row: its event, column values and flags
    asset: Asset | None
    site_id: int
    template: InspectionTemplate
    version: TemplateVersion
    checked: value_checks.Checked


def resolve(
    session: Session, org_id: int, site_ids: tuple[int, ...], rows: list[Any]
) -> list[Form]:
    """Find each event's asset and template version; flag what cannot be placed or is wrong."""
    if not rows:
        return []
    data = [r.event.data for r in rows]
    wanted = {d["asset_id"] for d in data if d["asset_id"]}
    assets = {
        a.id: a
        for a in session.scalars(select(Asset).where(Asset.org_id == org_id, Asset.id.in_(wanted)))
    }
    templates = {
        t.id: t
        for t in session.scalars(
            select(InspectionTemplate).where(
                InspectionTemplate.org_id == org_id,
                InspectionTemplate.id.in_({d["template_id"] for d in data}),
            )
        )
    }
    pairs = {(d["template_id"], d["version"]) for d in data if d["template_id"] in templates}
    versions = (
        {
            (v.template_id, v.version): v
            for v in session.scalars(
                select(TemplateVersion).where(
                    tuple_(TemplateVersion.template_id, TemplateVersion.version).in_(pairs)
                )
            )
        }
        if pairs
        else {}
    )
    forms = []
    for row in rows:
        form = _place(row, assets, templates, versions, site_ids)
        if form is not None:
            forms.append(form)
    return forms


def _place(
    row: Any,
    assets: dict[int, Asset],
    templates: dict[int, InspectionTemplate],
    versions: dict[tuple[int, int], TemplateVersion],
    site_ids: tuple[int, ...],
) -> Form | None:
    data = row.event.data
    asset_id = data["asset_id"] or None
    template = templates.get(data["template_id"])
    asset = None if asset_id is None else assets.get(asset_id)
    wrong = placement.misplaced(
        template, data["template_id"], asset_id, asset, data["site_id"], site_ids.__contains__
    )
    version = versions.get((data["template_id"], data["version"]))
    if wrong is not None:
        row.flags.append(wrong.flag)
        return None
    if template is None or version is None:
        row.flags.append(Flag.UNKNOWN_TEMPLATE)
        return None
    site_id = asset.site_id if asset else data["site_id"]
    row.values["site_id"] = site_id
    checked = value_checks.check(intake.definition(version), data["values"], data["item_photos"])
    if checked.errors:
        row.flags.append(Flag.INSPECTION_ITEM_ERRORS)
    if checked.missing:
        row.flags.append(Flag.INSPECTION_INCOMPLETE)
    return Form(row, asset, site_id, template, version, checked)


def record(
    session: Session, device_id: int, forms: list[Form], stored: dict[str, int], detect: bool
) -> None:
    """A record for each inspection event stored now, judged in the order they were done."""
    fresh = [f for f in forms if f.row.event.uuid in stored]
    intake.take_many(
        session,
        [
            Submission(
                org_id=form.row.values["org_id"],
                site_id=form.site_id,
                asset=form.asset,
                template=form.template,
                version=form.version,
                at=form.row.values["corrected_time"],
                values=form.row.event.data["values"],
                photos=form.row.event.data["item_photos"],
                note=form.row.event.data["note"],
                user_id=form.row.values["user_id"],
                device_id=device_id,
                event_id=stored[form.row.event.uuid],
                checked=form.checked,
            )
            for form in fresh
        ],
        detect,
    )
