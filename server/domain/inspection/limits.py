"""An asset's own limits for inspection items: a maker's alarm and trip points, say."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from server.domain import access, audit
from server.domain.actor import current_actor
from server.domain.errors import Invalid, NotFound
from server.domain.inspection.definition import (
    NUMERIC,
    Bounds,
    Item,
    check_range,
    nesting_problems,
    parse,
)
from server.domain.models import (
    AssetLimit,
    InspectionSchedule,
    InspectionTemplate,
    TemplateVersion,
)
from server.domain.registry import assets

RANGES = ("normal", "warning", "critical")


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.found.setdefault(path, []).append(message)


def numeric_item_keys(session: Session, org_id: int) -> set[str]:
    """Keys of the readings (number, meter, derived) in the tenant's templates as they are now."""
    stmt = (
        select(TemplateVersion.definition)
        .join(InspectionTemplate, InspectionTemplate.id == TemplateVersion.template_id)
        .where(
            InspectionTemplate.org_id == org_id,
            InspectionTemplate.active.is_(True),
            TemplateVersion.version == InspectionTemplate.version,
        )
    )
    return {
        item.key
        for raw in session.scalars(stmt)
        for item in parse(raw).items
        if item.type in NUMERIC
    }


def list_for(session: Session, asset_id: int) -> list[AssetLimit]:
    """The asset's own limits, by item."""
    asset = assets.get(session, asset_id)
    stmt = select(AssetLimit).where(AssetLimit.asset_id == asset.id).order_by(AssetLimit.item_key)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class ItemLimits:
    """One reading taken on an asset: the form's item and limits, the asset's own over them."""

    key: str
    item: Item | None  # None: no current form has the item any more; its own limits remain
    forms: tuple[InspectionTemplate, ...]  # the forms with the item, for the asset
    template: Bounds
    own: AssetLimit | None

    @property
    def in_force(self) -> Bounds:
        """What a reading is judged against: the template's, with the asset's own laid over."""
        if self.own is None:
            return self.template
        return self.template.merged(
            {"normal": self.own.normal, "warning": self.own.warning, "critical": self.own.critical}
        )


def for_asset(session: Session, asset_id: int) -> list[ItemLimits]:
    """The readings of the current forms for the asset (its kind's, and those scheduled on it),
    each with its limits, then the asset's own limits on items no such form has."""
    asset = assets.get(session, asset_id)
    scheduled = select(InspectionSchedule.template_id).where(
        InspectionSchedule.asset_id == asset.id, InspectionSchedule.active.is_(True)
    )
    stmt = (
        select(InspectionTemplate, TemplateVersion.definition)
        .join(TemplateVersion, TemplateVersion.template_id == InspectionTemplate.id)
        .where(
            InspectionTemplate.org_id == asset.org_id,
            InspectionTemplate.active.is_(True),
            TemplateVersion.version == InspectionTemplate.version,
            or_(InspectionTemplate.asset_kind == asset.kind, InspectionTemplate.id.in_(scheduled)),
        )
        .order_by(InspectionTemplate.name, InspectionTemplate.id)
    )
    found: dict[str, tuple[Item, list[InspectionTemplate]]] = {}
    for template, raw in session.execute(stmt):
        for item in parse(raw).items:
            if item.type in NUMERIC:
                found.setdefault(item.key, (item, []))[1].append(template)
    own = {limit.item_key: limit for limit in list_for(session, asset.id)}
    rows = [
        ItemLimits(key, item, tuple(forms), item.bounds, own.get(key))
        for key, (item, forms) in found.items()
    ]
    rows += [ItemLimits(k, None, (), Bounds(), v) for k, v in own.items() if k not in found]
    return rows


def put(session: Session, asset_id: int, item_key: str, data: dict[str, Any]) -> AssetLimit:
    """Set the asset's limits for one item; ranges left out keep the template's."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    asset = assets.get(session, asset_id)
    if item_key not in numeric_item_keys(session, asset.org_id):
        raise Invalid(
            f"no inspection template has a numeric item '{item_key}': limits are for readings",
            {"item_key": ["not a numeric item of any current template"]},
        )
    if all(data.get(name) is None for name in RANGES):
        raise Invalid(
            "send at least one of normal, warning, critical; DELETE goes back to the template's",
            {"limits": ["no range given"]},
        )
    errors = _Errors()
    ranges = {name: check_range(data.get(name), name, errors) for name in RANGES}
    for problem in nesting_problems(Bounds(**ranges)):
        errors.add("limits", problem)
    if errors.found:
        raise Invalid("the limits are not valid", errors.found)
    limit = session.scalar(
        select(AssetLimit).where(AssetLimit.asset_id == asset.id, AssetLimit.item_key == item_key)
    )
    before = audit.snapshot(limit) if limit else {}
    if limit is None:
        limit = AssetLimit(
            org_id=asset.org_id, asset_id=asset.id, site_id=asset.site_id, item_key=item_key
        )
        session.add(limit)
    for name in RANGES:
        setattr(limit, name, data.get(name))
    limit.note = data.get("note", "")
    session.flush()
    audit.record(session, "set_limits", limit, audit.diff(before, audit.snapshot(limit)))
    return limit


def delete(session: Session, asset_id: int, item_key: str) -> None:
    """Go back to the template's limits for this item."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    asset = assets.get(session, asset_id)
    limit = session.scalar(
        select(AssetLimit).where(AssetLimit.asset_id == asset.id, AssetLimit.item_key == item_key)
    )
    if limit is None:
        raise NotFound(f"asset {asset_id} has no limits of its own for '{item_key}'")
    audit.record(
        session, "clear_limits", limit, {k: [v, None] for k, v in audit.snapshot(limit).items()}
    )
    session.delete(limit)
    session.flush()
