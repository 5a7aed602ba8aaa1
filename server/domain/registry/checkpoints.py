"""Checkpoints and the physical chips fixed at them."""

import re
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.domain import access, writes
from server.domain.actor import current_actor
from server.domain.errors import DomainError, Invalid
from server.domain.listing import name_filter
from server.domain.models import Checkpoint, PhysicalTag, PhysicalTagKind
from server.domain.registry import sites
from server.domain.writes import Precondition

SORTABLE = ("name", "code", "site_id", "zone_id", "created_at", "updated_at")
_SEPARATORS = re.compile(r"[\s:\-.]")
_UID = re.compile(r"^[0-9A-Z]{4,64}$")


def normalise_uid(raw: str) -> str:
    """One spelling per chip: '04:a2:1f' and '04 A2 1F' are the same NFC tag."""
    uid = _SEPARATORS.sub("", raw).upper()
    if not _UID.match(uid):
        raise Invalid(f"'{raw}' is not a chip id", {"physical_tags": ["4 to 64 letters or digits"]})
    return uid


def _check_position(data: dict[str, Any], current: Checkpoint | None = None) -> None:
    """A position is a latitude and a longitude together; a radius needs a position."""

    def value(field: str) -> Any:
        return data[field] if field in data else getattr(current, field, None)

    has_lat, has_lon = value("latitude") is not None, value("longitude") is not None
    if has_lat != has_lon:
        raise Invalid("latitude and longitude go together", {"longitude": ["give both or neither"]})
    if value("radius_m") is not None and not has_lat:
        raise Invalid("a radius needs a position", {"radius_m": ["give latitude and longitude"]})


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Checkpoints on the current actor's sites."""
    stmt = access.scoped(select(Checkpoint), Checkpoint, current_actor())
    for field in ("site_id", "zone_id", "active"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(Checkpoint, field) == filters[field])
    if filters.get("q"):
        stmt = stmt.where(name_filter(filters["q"], Checkpoint.name, Checkpoint.code))
    return stmt


def get(session: Session, checkpoint_id: int) -> Checkpoint:
    """One checkpoint on the current actor's sites."""
    return access.get_scoped(session, Checkpoint, checkpoint_id, current_actor())


def _tags(org_id: int, raw: list[dict[str, str]]) -> list[PhysicalTag]:
    seen: set[tuple[PhysicalTagKind, str]] = set()
    tags = []
    for item in raw:
        key = (PhysicalTagKind(item["kind"]), normalise_uid(item["uid"]))
        if key not in seen:
            seen.add(key)
            tags.append(PhysicalTag(org_id=org_id, kind=key[0], uid=key[1]))
    return tags


def _tag_list(checkpoint: Checkpoint) -> list[str]:
    return [f"{t.kind.value}:{t.uid}" for t in checkpoint.physical_tags]


def create(session: Session, data: dict[str, Any]) -> Checkpoint:
    """Add a checkpoint to a site."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    sites.site_for_write(session, actor, data["site_id"])
    sites.check_zone(session, data["site_id"], data.get("zone_id"))
    _check_position(data)
    data = dict(data)
    tags = _tags(actor.org_id, data.pop("physical_tags", []))
    checkpoint = Checkpoint(org_id=actor.org_id, **data)
    checkpoint.physical_tags = tags
    extra = {"physical_tags": _tag_list(checkpoint)} if tags else None
    return writes.create(session, checkpoint, extra)


def update(
    session: Session, checkpoint_id: int, data: dict[str, Any], precondition: Precondition = None
) -> Checkpoint:
    """Change, move or deactivate a checkpoint; physical_tags, when given, replaces the list."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    checkpoint = get(session, checkpoint_id)
    writes.check(precondition, checkpoint)
    data = dict(data)
    _check_position(data, checkpoint)
    if "zone_id" in data:
        sites.check_zone(session, checkpoint.site_id, data["zone_id"])
    extra = None
    if "physical_tags" in data:
        before = _tag_list(checkpoint)
        wanted = {(t.kind, t.uid): t for t in _tags(actor.org_id, data.pop("physical_tags"))}
        kept = [t for t in checkpoint.physical_tags if (t.kind, t.uid) in wanted]
        kept_keys = {(t.kind, t.uid) for t in kept}
        checkpoint.physical_tags = kept + [t for k, t in wanted.items() if k not in kept_keys]
        # Removed chips must be gone before new ones with the same uid are inserted.
        writes.flush(session)
        after = _tag_list(checkpoint)
        extra = {"physical_tags": [before, after]} if sorted(before) != sorted(after) else None
    return writes.update(session, checkpoint, data, extra)


def create_each(
    session: Session, rows: list[dict[str, Any]], dry_run: bool = False
) -> list[DomainError | None]:
    """Add checkpoints one at a time, each in its own savepoint, so one refused (a code already
    in use on the site, or earlier in the batch) costs the others nothing: for each row, None
    when it was made, else why not. A dry run does all of it inside a savepoint it rolls back:
    its answers are exactly what the batch would do, and nothing stays written."""
    outer = session.begin_nested() if dry_run else None
    outcomes: list[DomainError | None] = []
    try:
        for data in rows:
            try:
                with session.begin_nested():
                    create(session, data)
            except DomainError as error:
                outcomes.append(error)
            else:
                outcomes.append(None)
    finally:
        if outer is not None:
            outer.rollback()
    return outcomes
