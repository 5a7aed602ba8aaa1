"""The offline configuration a handheld downloads to work a shift without signal."""

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from device_protocol import events, version
from server.domain.clock import utcnow
from server.domain.models import (
    Asset,
    AssetLimit,
    Checkpoint,
    InspectionSchedule,
    InspectionTemplate,
    PatrolRoute,
    QrTag,
    Round,
    RoundStatus,
    Site,
    TagStatus,
    TemplateVersion,
)
from server.domain.patrol.rounds_ahead import HORIZON
from server.domain.registry.enrollment import Caller

_OPEN = (RoundStatus.SCHEDULED, RoundStatus.IN_PROGRESS)


def build(session: Session, device: Caller) -> dict[str, Any]:
    """Everything the device needs, without the server time (so the ETag only moves with data)."""
    site_ids = device.site_ids
    sites = session.scalars(
        select(Site).where(Site.id.in_(site_ids), Site.active).order_by(Site.id)
    )
    checkpoints = session.scalars(
        select(Checkpoint)
        .where(Checkpoint.site_id.in_(site_ids), Checkpoint.active)
        .order_by(Checkpoint.site_id, Checkpoint.code)
    ).all()
    assets = session.scalars(
        select(Asset)
        .where(Asset.site_id.in_(site_ids), Asset.active)
        .order_by(Asset.site_id, Asset.code)
    ).all()
    tags = session.execute(
        select(QrTag.id, QrTag.checkpoint_id, QrTag.asset_id).where(
            QrTag.site_id.in_(site_ids), QrTag.status == TagStatus.ACTIVE
        )
    ).all()
    routes = session.scalars(
        select(PatrolRoute)
        .where(PatrolRoute.site_id.in_(site_ids), PatrolRoute.active)
        .order_by(PatrolRoute.id)
    ).all()
    now = utcnow()
    rounds = session.scalars(
        select(Round)
        .where(
            Round.site_id.in_(site_ids),
            Round.status.in_(_OPEN),
            Round.window_end > now,
            Round.due_at < now + HORIZON,
        )
        .order_by(Round.due_at, Round.id)
    ).all()
    forms = session.execute(
        select(InspectionTemplate, TemplateVersion.definition)
        .join(
            TemplateVersion,
            (TemplateVersion.template_id == InspectionTemplate.id)
            & (TemplateVersion.version == InspectionTemplate.version),
        )
        .where(InspectionTemplate.org_id == device.org_id, InspectionTemplate.active)
        .order_by(InspectionTemplate.code)
    ).all()
    asset_ids = [a.id for a in assets]
    limits: dict[int, dict[str, Any]] = {}
    for limit in session.scalars(select(AssetLimit).where(AssetLimit.asset_id.in_(asset_ids))):
        limits.setdefault(limit.asset_id, {})[limit.item_key] = {
            "normal": limit.normal,
            "warning": limit.warning,
            "critical": limit.critical,
        }
    planned: dict[int, list[int]] = {}
    for asset_id, template_id in session.execute(
        select(InspectionSchedule.asset_id, InspectionSchedule.template_id)
        .where(InspectionSchedule.asset_id.in_(asset_ids), InspectionSchedule.active)
        .order_by(InspectionSchedule.id)
    ):
        planned.setdefault(asset_id, []).append(template_id)
    by_checkpoint = {t.checkpoint_id: t.id for t in tags if t.checkpoint_id}
    by_asset = {t.asset_id: t.id for t in tags if t.asset_id}
    return {
        "protocol": version.CURRENT,
        "device": {"id": device.id, "serial": device.serial, "label": device.label},
        "sites": [
            {
                "id": site.id,
                "name": site.name,
                "timezone": site.timezone,
                "checkpoints": [
                    {
                        "id": c.id,
                        "code": c.code,
                        "name": c.name,
                        "zone_id": c.zone_id,
                        "latitude": c.latitude,
                        "longitude": c.longitude,
                        "radius_m": c.radius_m,
                        "instructions": c.instructions,
                        "qr_tag_id": by_checkpoint.get(c.id),
                        "chips": [{"kind": t.kind.value, "uid": t.uid} for t in c.physical_tags],
                    }
                    for c in checkpoints
                    if c.site_id == site.id
                ],
                "assets": [
                    {
                        "id": a.id,
                        "code": a.code,
                        "name": a.name,
                        "kind": a.kind.value,
                        "qr_tag_id": by_asset.get(a.id),
                        # The asset's own limits over the template's, and its scheduled forms.
                        "limits": limits.get(a.id, {}),
                        "inspection_templates": planned.get(a.id, []),
                    }
                    for a in assets
                    if a.site_id == site.id
                ],
                "routes": [
                    {"id": r.id, "name": r.name, "order": r.order.value}
                    for r in routes
                    if r.site_id == site.id
                ],
                # Each round's stops in the order to walk them (shuffled per round for random).
                "rounds": [_round(r) for r in rounds if r.site_id == site.id],
            }
            for site in sites
        ],
        # The forms engineers fill in, each at its current version (send that version back).
        "inspection_templates": [
            {
                "id": t.id,
                "code": t.code,
                "name": t.name,
                "name_zh": t.name_zh,
                "asset_kind": None if t.asset_kind is None else t.asset_kind.value,
                "version": t.version,
                "definition": definition,
            }
            for t, definition in forms
        ],
        "incident_categories": list(events.INCIDENT_CATEGORIES),
        "severities": [s.value for s in events.Severity],
        "shift_kinds": list(events.SHIFT_KINDS),
        "round_actions": list(events.ROUND_ACTIONS),
        "limits": {
            "max_events": version.MAX_EVENTS,
            "max_batch_bytes": version.MAX_BATCH_BYTES,
            "batches_per_minute": version.BATCHES_PER_MINUTE,
        },
    }


def _round(found: Round) -> dict[str, Any]:
    keep = ("position", "checkpoint_id", "offset_min", "tolerance_min")
    tasks = ("require_photo", "require_note", "optional")
    return {
        "id": found.id,
        "route_id": found.route_id,
        "due_at": found.due_at.isoformat(),
        "window_start": found.window_start.isoformat(),
        "window_end": found.window_end.isoformat(),
        "assignee_id": found.assignee_id,
        "team": found.team,
        "order": found.order.value,
        "stops": [
            {k: s.get(k) for k in keep} | {k: bool(s.get(k)) for k in tasks} for s in found.expected
        ],
    }


def etag(config: dict[str, Any]) -> str:
    """A strong validator: the SHA-256 of the configuration's canonical JSON."""
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
