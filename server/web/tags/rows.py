"""The tag list's rows: each active checkpoint and asset of a site with its current QR tag."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from server.domain.models import Asset, Checkpoint, QrTag, TagStatus, TagSubject
from server.domain.registry import assets, checkpoints, tags


@dataclass(frozen=True)
class Row:
    """A checkpoint or asset, and its active tag, else its latest ended one, else none."""

    subject: TagSubject
    thing: Checkpoint | Asset
    tag: QrTag | None
    key_number: int | None

    @property
    def active(self) -> bool:
        return self.tag is not None and self.tag.status is TagStatus.ACTIVE


def _current(found: list[QrTag]) -> dict[tuple[TagSubject, int], QrTag]:
    """Per checkpoint or asset, the tag a person cares about: the live one, or the last."""
    ranked = sorted(found, key=lambda t: (t.status is TagStatus.ACTIVE, t.issued_at, t.id))
    return {(t.subject, t.checkpoint_id or t.asset_id or 0): t for t in ranked}


def of_site(session: Session, site_id: int) -> dict[TagSubject, list[Row]]:
    """Checkpoints and assets of the site, by code, each with its current tag."""
    current = _current(list(session.scalars(tags.list_query({"site_id": site_id}))))
    things = {
        TagSubject.CHECKPOINT: checkpoints.list_query({"site_id": site_id, "active": True}),
        TagSubject.ASSET: assets.list_query({"site_id": site_id, "active": True}),
    }
    found: dict[TagSubject, list[Row]] = {}
    for subject, stmt in things.items():
        model = Checkpoint if subject is TagSubject.CHECKPOINT else Asset
        rows = []
        for thing in session.scalars(stmt.order_by(model.code, model.id)):
            tag = current.get((subject, thing.id))
            key = tags.key_of(session, tag).number if tag else None
            rows.append(Row(subject, thing, tag, key))
        found[subject] = rows
    return found
