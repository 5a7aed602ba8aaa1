"""Inspection records as people read and write them: list, submit, latest per asset."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import Role, current_actor
from server.domain.clock import utcnow
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.inspection import intake, placement, templates
from server.domain.inspection import values as value_checks
from server.domain.inspection.intake import Submission
from server.domain.models import InspectionRecord, Photo
from server.domain.registry import assets, sites

T = TypeVar("T")
SORTABLE = ("at", "received_at", "status", "asset_id", "score")
# Engineers fill in inspections; supervisors audit; guards walk patrols, not plant.
INSPECT = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.ENGINEER})
# A record from the future is a wrong clock, not an inspection.
FUTURE_SLACK = timedelta(minutes=5)


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Records on the current actor's sites."""
    actor = current_actor()
    access.require_role(actor, INSPECT)
    stmt = access.scoped(select(InspectionRecord), InspectionRecord, actor)
    for name in ("site_id", "asset_id", "template_id", "status", "user_id"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(InspectionRecord, name) == filters[name])
    if filters.get("since") is not None:
        stmt = stmt.where(InspectionRecord.at >= filters["since"])
    if filters.get("until") is not None:
        stmt = stmt.where(InspectionRecord.at < filters["until"])
    return stmt


def get(session: Session, record_id: int) -> InspectionRecord:
    """One record on the current actor's sites."""
    actor = current_actor()
    access.require_role(actor, INSPECT)
    return access.get_scoped(session, InspectionRecord, record_id, actor)


def latest_query(filters: dict[str, Any]) -> Select[Any]:
    """Each asset's latest record, with its status."""
    ranked = (
        list_query(filters)
        .where(InspectionRecord.asset_id.is_not(None))
        .add_columns(
            func.row_number()
            .over(partition_by=InspectionRecord.asset_id, order_by=InspectionRecord.at.desc())
            .label("n")
        )
        .subquery()
    )
    return (
        select(InspectionRecord)
        .join(ranked, ranked.c.id == InspectionRecord.id)
        .where(ranked.c.n == 1)
    )


def create(session: Session, data: dict[str, Any]) -> tuple[InspectionRecord, bool]:
    """Submit a record; (record, created). Resending the same uuid returns the first copy."""
    actor = current_actor()
    access.require_role(actor, INSPECT)
    template = _visible(templates.get, session, data["template_id"])
    asset_id = data.get("asset_id")
    asset = None if asset_id is None else _visible(assets.get, session, asset_id)
    wrong = placement.misplaced(
        template,
        data["template_id"],
        asset_id,
        asset,
        data.get("site_id"),
        lambda site_id: actor.all_sites or site_id in actor.site_ids,
    )
    if wrong is not None:
        raise Invalid(wrong.message, {wrong.field: [wrong.reason]})
    assert template is not None
    version = templates.version(session, template, data.get("version"))
    site = sites.site_for_write(session, actor, asset.site_id if asset else data["site_id"])
    if data["at"] > utcnow() + FUTURE_SLACK:
        raise Invalid("the inspection cannot be in the future", {"at": ["not after now"]})
    if data.get("uuid"):
        existing = session.scalar(
            select(InspectionRecord).where(
                InspectionRecord.org_id == actor.org_id, InspectionRecord.uuid == data["uuid"]
            )
        )
        if existing is not None:
            if existing.values != _given(existing, data) or existing.at != data["at"]:
                raise Conflict(
                    "this uuid was already used for another record", {"uuid": ["in use"]}
                )
            return existing, False
    form = intake.definition(version)
    checked = value_checks.check(form, data.get("values"), data.get("photos"))
    if checked.errors:
        raise Invalid(
            "some values do not fit the template",
            {"values": {k: [v] for k, v in checked.errors.items()}},
        )
    _check_photos(session, actor.org_id, data.get("photos") or {})
    record = intake.take(
        session,
        Submission(
            org_id=actor.org_id,
            site_id=site.id,
            asset=asset,
            template=template,
            version=version,
            at=data["at"],
            values=data.get("values") or {},
            photos=data.get("photos") or {},
            note=data.get("note", ""),
            user_id=actor.user_id,
            uuid=data.get("uuid"),
        ),
    )
    writes.flush(session)
    audit.record(
        session,
        "create",
        record,
        {"template": [None, template.code], "status": [None, record.status]},
    )
    return record, True


def _given(record: InspectionRecord, data: dict[str, Any]) -> dict[str, Any]:
    """The resent values as the first copy stored them (with its derived values)."""
    derived = {k: v for k, v in record.values.items() if k not in (data.get("values") or {})}
    return {**(data.get("values") or {}), **derived}


def _visible(get: Callable[[Session, int], T], session: Session, object_id: int) -> T | None:
    """The object if the actor may see it; None lets the placement rules say what is wrong."""
    try:
        return get(session, object_id)
    except NotFound:
        return None


def _check_photos(session: Session, org_id: int, photos: dict[str, list[str]]) -> None:
    """Photos are uploaded (and checked) first; a record only names them."""
    wanted = {sha for shas in photos.values() for sha in shas}
    if not wanted:
        return
    known = set(
        session.scalars(
            select(Photo.sha256).where(Photo.org_id == org_id, Photo.sha256.in_(wanted))
        )
    )
    unknown = sorted(wanted - known)
    if unknown:
        raise Invalid("photos not uploaded", {"photos": [f"upload {sha} first" for sha in unknown]})
