"""QR tags: issue, re-issue, revoke, build their payloads, and verify scanned ones."""

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, select, tuple_
from sqlalchemy.orm import Session

from device_protocol.flags import Flag
from qr import payload as qr_payload
from server.domain import access, audit, writes
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Conflict, Invalid
from server.domain.models import (
    Asset,
    Checkpoint,
    QrTag,
    Site,
    TagKey,
    TagStatus,
    TagSubject,
    Zone,
)
from server.domain.registry import assets, checkpoints, signing, sites

SORTABLE = ("issued_at", "status", "site_id")
_LETTER = {
    TagSubject.CHECKPOINT: qr_payload.TagKind.CHECKPOINT,
    TagSubject.ASSET: qr_payload.TagKind.ASSET,
}


def signing_key(session: Session, org_id: int) -> TagKey:
    """The tenant's newest live key, created on first use."""
    key = session.scalar(
        select(TagKey)
        .where(TagKey.org_id == org_id, TagKey.retired_at.is_(None))
        .order_by(TagKey.number.desc())
        .limit(1)
    )
    if key is None:
        last = session.scalar(select(func.max(TagKey.number)).where(TagKey.org_id == org_id))
        key = TagKey(org_id=org_id, number=(last or 0) + 1)
        session.add(key)
        writes.flush(session)
    return key


def _payload(subject: TagSubject, org_id: int, tag_id: int, key_number: int) -> str:
    ref = qr_payload.TagRef(_LETTER[subject], org_id, tag_id, key_number)
    return qr_payload.build(ref, signing.tag_key(org_id, key_number))


def payload_of(tag: QrTag, key: TagKey) -> str:
    """The signed text tag's QR code carries."""
    return _payload(tag.subject, tag.org_id, tag.id, key.number)


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Tags on the current actor's sites, every status unless filtered."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    stmt = access.scoped(select(QrTag), QrTag, actor)
    for field in ("site_id", "subject", "checkpoint_id", "asset_id", "status"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(QrTag, field) == filters[field])
    return stmt


def get(session: Session, tag_id: int) -> QrTag:
    """One tag the current actor manages."""
    return access.one_visible(session, list_query({}).where(QrTag.id == tag_id), f"qr tag {tag_id}")


def subject_of(session: Session, tag: QrTag) -> Checkpoint | Asset:
    """The checkpoint or asset tag marks."""
    if tag.checkpoint_id is not None:
        return session.get_one(Checkpoint, tag.checkpoint_id)
    return session.get_one(Asset, tag.asset_id)


def key_of(session: Session, tag: QrTag) -> TagKey:
    """The key that signed tag."""
    return session.get_one(TagKey, tag.key_id)


def _subject(session: Session, data: dict[str, Any]) -> tuple[TagSubject, Checkpoint | Asset]:
    if (data.get("checkpoint_id") is None) == (data.get("asset_id") is None):
        raise Invalid(
            "name a checkpoint or an asset", {"checkpoint_id": ["one of checkpoint_id, asset_id"]}
        )
    if data.get("checkpoint_id") is not None:
        return TagSubject.CHECKPOINT, checkpoints.get(session, data["checkpoint_id"])
    return TagSubject.ASSET, assets.get(session, data["asset_id"])


def _new_tag(session: Session, subject: TagSubject, thing: Checkpoint | Asset) -> QrTag:
    actor = current_actor()
    if not thing.active:
        raise Invalid(
            f"{subject.value} {thing.id} is deactivated", {f"{subject.value}_id": ["deactivated"]}
        )
    tag = QrTag(
        org_id=thing.org_id,
        site_id=thing.site_id,
        subject=subject,
        checkpoint_id=thing.id if subject is TagSubject.CHECKPOINT else None,
        asset_id=thing.id if subject is TagSubject.ASSET else None,
        key_id=signing_key(session, thing.org_id).id,
        issued_by=actor.user_id,
    )
    # Built now: after a failed flush the session cannot load attributes any more.
    message = f"{subject.value} {thing.id} already has an active tag; re-issue it"
    session.add(tag)
    try:
        writes.flush(session)
    except Conflict as error:
        raise Conflict(message, error.errors) from error
    return tag


def issue(session: Session, data: dict[str, Any]) -> QrTag:
    """A first tag for a checkpoint or asset that has no active one."""
    access.require_role(current_actor(), access.MANAGE_REGISTRY)
    subject, thing = _subject(session, data)
    tag = _new_tag(session, subject, thing)
    audit.record(session, "issue", tag, {f"{subject.value}_id": [None, thing.id]})
    return tag


def _end(session: Session, tag: QrTag, status: TagStatus, reason: str) -> None:
    if tag.status is not TagStatus.ACTIVE:
        raise Conflict(f"qr tag {tag.id} is already {tag.status.value}")
    tag.status, tag.ended_at = status, utcnow()
    tag.ended_by, tag.end_reason = current_actor().user_id, reason
    writes.flush(session)


def reissue(session: Session, tag_id: int, reason: str) -> QrTag:
    """Replace an active tag (sticker damaged or photographed): the old one stops verifying."""
    tag = get(session, tag_id)
    _end(session, tag, TagStatus.SUPERSEDED, reason)
    subject, thing = _subject(
        session, {f"{tag.subject.value}_id": tag.checkpoint_id or tag.asset_id}
    )
    successor = _new_tag(session, subject, thing)
    tag.replaced_by_id = successor.id
    audit.record(
        session,
        "reissue",
        tag,
        {
            "status": ["active", "superseded"],
            "replaced_by_id": [None, successor.id],
            "reason": [None, reason],
        },
    )
    audit.record(session, "issue", successor, {f"{subject.value}_id": [None, thing.id]})
    return successor


def revoke(session: Session, tag_id: int, reason: str) -> QrTag:
    """Withdraw an active tag without a successor."""
    tag = get(session, tag_id)
    _end(session, tag, TagStatus.REVOKED, reason)
    audit.record(
        session, "revoke", tag, {"status": ["active", "revoked"], "reason": [None, reason]}
    )
    return tag


class Problem(enum.StrEnum):
    """Why a scanned payload does not verify, most basic first."""

    MALFORMED = "malformed"
    UNKNOWN_KEY = "unknown_key"
    RETIRED_KEY = "retired_key"
    BAD_SIGNATURE = "bad_signature"
    OTHER_TENANT = "other_tenant"
    UNKNOWN_TAG = "unknown_tag"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    INACTIVE = "inactive"

    @property
    def flag(self) -> Flag:
        """The flag a scanned event carries for it."""
        return Flag(f"tag_{self.value}")


# What a scan needs of a tag and of the checkpoint or asset it marks: columns, one query.
_SCANNED = (
    QrTag.id,
    QrTag.site_id,
    QrTag.subject,
    QrTag.checkpoint_id,
    QrTag.asset_id,
    QrTag.key_id,
    QrTag.status,
    Checkpoint.site_id.label("checkpoint_site_id"),
    func.coalesce(Checkpoint.active, Asset.active, False).label("subject_active"),
)


# Built once: a sync verifies every scan, and building statements anew cost more than running them.
_KEYS = select(TagKey.org_id, TagKey.number, TagKey.id, TagKey.retired_at).where(
    tuple_(TagKey.org_id, TagKey.number).in_(bindparam("pairs", expanding=True))
)
_TAGS = (
    select(*_SCANNED)
    .outerjoin(Checkpoint, Checkpoint.id == QrTag.checkpoint_id)
    .outerjoin(Asset, Asset.id == QrTag.asset_id)
    .where(QrTag.org_id == bindparam("org_id"), QrTag.id.in_(bindparam("ids", expanding=True)))
)


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a scanned payload; problem is None when it verifies.

    tag has the columns of _SCANNED: the tag's own, its checkpoint's site and whether what it
    marks is active.
    """

    problem: Problem | None
    tag: Row[Any] | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None


def verify(session: Session, text: str, org_id: int) -> Verification:
    """Check a scanned payload for tenant org_id: the tag it names, or the precise reason not."""
    return verify_many(session, [text], org_id)[0]


def verify_many(session: Session, texts: list[str], org_id: int) -> list[Verification]:
    """verify() for a whole batch in two queries, whatever its size."""
    # A batch repeats the same route's tags round after round: judge each text once.
    parsed: dict[str, qr_payload.ParsedPayload | None] = {}
    for text in texts:
        if text not in parsed:
            try:
                parsed[text] = qr_payload.parse(text)
            except qr_payload.MalformedPayload:
                parsed[text] = None
    refs = [p.ref for p in parsed.values() if p is not None]
    pairs = {(r.org_id, r.key_id) for r in refs}
    # Read-only columns, nothing to flush first: straight to the connection, past the ORM.
    connection = session.connection()
    keys: dict[tuple[int, int], Row[Any]] = {}
    if pairs:
        found_keys = connection.execute(_KEYS, {"pairs": list(pairs)})
        keys = {(k.org_id, k.number): k for k in found_keys}
    tag_ids = {r.tag_id for r in refs if r.org_id == org_id}
    found: dict[int, Row[Any]] = {}
    if tag_ids:
        found_tags = connection.execute(_TAGS, {"org_id": org_id, "ids": list(tag_ids)})
        found = {t.id: t for t in found_tags}
    verdicts = {text: _judge(p, keys, found, org_id) for text, p in parsed.items()}
    return [verdicts[text] for text in texts]


def _judge(
    parsed: qr_payload.ParsedPayload | None,
    keys: dict[tuple[int, int], Row[Any]],
    found: dict[int, Row[Any]],
    org_id: int,
) -> Verification:
    if parsed is None:
        return Verification(Problem.MALFORMED)
    ref = parsed.ref
    key = keys.get((ref.org_id, ref.key_id))
    if key is None:
        return Verification(Problem.UNKNOWN_KEY)
    if not qr_payload.signature_matches(parsed, signing.tag_key(ref.org_id, ref.key_id)):
        return Verification(Problem.BAD_SIGNATURE)
    # Genuine from here on; another tenant learns nothing more about the tag than that.
    if ref.org_id != org_id:
        return Verification(Problem.OTHER_TENANT)
    if key.retired_at is not None:
        return Verification(Problem.RETIRED_KEY)
    tag = found.get(ref.tag_id)
    if tag is None or tag.key_id != key.id or _LETTER[tag.subject] is not ref.kind:
        return Verification(Problem.UNKNOWN_TAG)
    if tag.status is TagStatus.REVOKED:
        return Verification(Problem.REVOKED, tag)
    if tag.status is TagStatus.SUPERSEDED:
        return Verification(Problem.SUPERSEDED, tag)
    if not tag.subject_active:
        return Verification(Problem.INACTIVE, tag)
    return Verification(None, tag)


MAX_LABELS = 2000  # one request's worth of printing; more is a mistake or an attack


@dataclass(frozen=True)
class PrintableTag:
    """What a label shows for one active tag."""

    tag_id: int
    payload: str
    name: str
    code: str
    site: str


def printable(session: Session, filters: dict[str, Any]) -> list[PrintableTag]:
    """Active tags of a site, a zone or a selection, ready to print, in one query.

    Nothing to print is an error, not a blank sheet: a supervisor who prints a zone before its
    tags are issued should learn why, not find an empty page at the printer.
    """
    access.require_role(current_actor(), access.MANAGE_REGISTRY)
    if not any(filters.get(f) for f in ("site_id", "zone_id", "tag_ids")):
        raise Invalid("choose what to print", {"site_id": ["give site_id, zone_id or tag_ids"]})
    # A site or zone the actor cannot see is not found, rather than an empty sheet.
    site: Site | None = None
    zone: Zone | None = None
    if filters.get("site_id") is not None:
        site = sites.get(session, filters["site_id"])
    if filters.get("zone_id") is not None:
        zone = sites.get_zone(session, filters["zone_id"])
    name = func.coalesce(Checkpoint.name, Asset.name)
    code = func.coalesce(Checkpoint.code, Asset.code)
    stmt = (
        list_query({"site_id": filters.get("site_id"), "subject": filters.get("subject")})
        .with_only_columns(
            QrTag.id, QrTag.org_id, QrTag.subject, TagKey.number, name, code, Site.name
        )
        .join(TagKey, TagKey.id == QrTag.key_id)
        .join(Site, Site.id == QrTag.site_id)
        .outerjoin(Checkpoint, Checkpoint.id == QrTag.checkpoint_id)
        .outerjoin(Asset, Asset.id == QrTag.asset_id)
        .where(QrTag.status == TagStatus.ACTIVE, TagKey.retired_at.is_(None))
        .order_by(Site.name, QrTag.subject, code)
    )
    if zone is not None:
        stmt = stmt.where(func.coalesce(Checkpoint.zone_id, Asset.zone_id) == zone.id)
    if filters.get("tag_ids"):
        stmt = stmt.where(QrTag.id.in_(filters["tag_ids"]))
    rows = session.execute(stmt.limit(MAX_LABELS + 1)).all()
    if not rows:
        raise _nothing_to_print(filters, site, zone)
    if len(rows) > MAX_LABELS:
        raise Invalid(f"more than {MAX_LABELS} labels; print a zone or a selection at a time")
    return [
        PrintableTag(tag_id, _payload(subject, org_id, tag_id, number), name_, code_, site_name)
        for tag_id, org_id, subject, number, name_, code_, site_name in rows
    ]


def _nothing_to_print(filters: dict[str, Any], site: Site | None, zone: Zone | None) -> Invalid:
    """Why a choice holds no active tag, in the words of the choice."""
    kind = f"{filters['subject'].value} " if filters.get("subject") else ""
    place = f"zone {zone.name}" if zone else f"site {site.name}" if site else ""
    if filters.get("tag_ids"):
        count = len(set(filters["tag_ids"]))
        where = f" in {place}" if place else ""
        chosen = "the chosen tag is not" if count == 1 else f"none of the {count} chosen tags is"
        reason, field = f"{chosen} an active {kind}tag{where}", "tag_ids"
    else:
        reason = f"{place} has no active {kind}tags; issue them first"
        field = "zone_id" if zone else "site_id"
    return Invalid(f"no active tags to print: {reason}", {field: ["no active tags"]})
