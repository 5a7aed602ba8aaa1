"""The offline configuration a handheld downloads to work a shift without signal."""

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from device_protocol import events, version
from server.domain.models import Asset, Checkpoint, Device, QrTag, Site, TagStatus


def build(session: Session, device: Device) -> dict[str, Any]:
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
                    }
                    for a in assets
                    if a.site_id == site.id
                ],
            }
            for site in sites
        ],
        "incident_categories": list(events.INCIDENT_CATEGORIES),
        "severities": [s.value for s in events.Severity],
        "shift_kinds": list(events.SHIFT_KINDS),
        "limits": {
            "max_events": version.MAX_EVENTS,
            "max_batch_bytes": version.MAX_BATCH_BYTES,
            "batches_per_minute": version.BATCHES_PER_MINUTE,
        },
    }


def etag(config: dict[str, Any]) -> str:
    """A strong validator: the SHA-256 of the configuration's canonical JSON."""
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
