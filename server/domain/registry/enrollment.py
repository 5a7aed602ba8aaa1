"""Enrolling handhelds: one-time codes, device tokens, and resolving a token to its device."""

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session

from server.domain import access, audit, writes
from server.domain.actor import Actor, Role, current_actor, reset_actor, set_actor
from server.domain.clock import utcnow
from server.domain.errors import Conflict, Unauthenticated
from server.domain.models import (
    Device,
    DeviceToken,
    EnrollmentCode,
    Organization,
    Site,
    device_sites,
)
from server.domain.registry import sites

# Crockford's base32: no I, L, O or U, so a code read aloud or typed by hand survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits
QR_PREFIX = "VE1:"  # what the enrollment QR code holds before the code
DEFAULT_TTL = timedelta(minutes=30)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def normalise_code(raw: str) -> str:
    """Accept the code as printed (groups, dashes), typed in lower case, or scanned (VE1:...)."""
    code = raw.strip().upper().removeprefix(QR_PREFIX)
    return "".join(c for c in code if c not in "- ")


class CodeState(enum.StrEnum):
    """Where a code stands: a handheld can use only an open one."""

    OPEN = "open"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"


def code_state(record: EnrollmentCode, now: datetime | None = None) -> CodeState:
    """The code's state at now (the clock's now by default)."""
    if record.used_at is not None:
        return CodeState.USED
    if record.revoked_at is not None:
        return CodeState.REVOKED
    if record.expires_at <= (now or utcnow()):
        return CodeState.EXPIRED
    return CodeState.OPEN


def qr_payload(code: str) -> str:
    """What the enrollment QR code holds: the prefix and the code without its dashes."""
    return QR_PREFIX + normalise_code(code)


def create_code(
    session: Session, site_id: int, ttl: timedelta = DEFAULT_TTL
) -> tuple[EnrollmentCode, str]:
    """A new one-time code for a site; the plain code is returned once and never stored."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    sites.site_for_write(session, actor, site_id)
    code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
    record = EnrollmentCode(
        org_id=actor.org_id,
        site_id=site_id,
        code_hash=_hash(code),
        created_by=actor.user_id,
        expires_at=utcnow() + ttl,
    )
    session.add(record)
    writes.flush(session)
    audit.record(
        session,
        "create",
        record,
        {"site_id": [None, site_id], "expires_at": [None, record.expires_at.isoformat()]},
    )
    return record, "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Codes on the actor's sites, newest first; open=True keeps those a handheld can still use."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    stmt = access.scoped(select(EnrollmentCode), EnrollmentCode, actor)
    if filters.get("site_id") is not None:
        stmt = stmt.where(EnrollmentCode.site_id == filters["site_id"])
    if filters.get("open"):
        stmt = stmt.where(
            EnrollmentCode.used_at.is_(None),
            EnrollmentCode.revoked_at.is_(None),
            EnrollmentCode.expires_at > utcnow(),
        )
    return stmt.order_by(EnrollmentCode.id.desc())


def get_code(session: Session, code_id: int) -> EnrollmentCode:
    """One code on the actor's sites (its state; the code itself was never stored)."""
    stmt = list_query({}).where(EnrollmentCode.id == code_id)
    return access.one_visible(session, stmt, f"enrollment code {code_id}")


def revoke_code(session: Session, code_id: int) -> EnrollmentCode:
    """Withdraw an unused code."""
    record = get_code(session, code_id)
    if record.used_at is not None or record.revoked_at is not None:
        raise Conflict("the code was already used or revoked")
    record.revoked_at = utcnow()
    audit.record(session, "revoke", record, {"revoked_at": [None, record.revoked_at.isoformat()]})
    return record


def enroll(
    session: Session, raw_code: str, serial: str, label: str, app_version: str | None = None
) -> tuple[Device, str]:
    """Exchange a live code for a device token; re-enrolling a known serial replaces its token.

    app_version is what the handheld's app says it is; None (not stated) keeps the one known.
    """
    now = utcnow()
    record = session.scalar(
        select(EnrollmentCode)
        .join(Organization, Organization.id == EnrollmentCode.org_id)
        .where(
            EnrollmentCode.code_hash == _hash(normalise_code(raw_code)),
            EnrollmentCode.used_at.is_(None),
            EnrollmentCode.revoked_at.is_(None),
            EnrollmentCode.expires_at > now,
            Organization.active,
        )
    )
    if record is None:
        raise Unauthenticated("invalid, used or expired enrollment code")
    token = set_actor(Actor(None, record.org_id, Role.GUARD, label=f"enrollment code {record.id}"))
    try:
        device = session.scalar(
            select(Device).where(Device.org_id == record.org_id, Device.serial == serial)
        )
        site = session.get_one(Site, record.site_id)
        if device is None:
            device = writes.create(
                session, Device(org_id=record.org_id, serial=serial, label=label or serial)
            )
        before = audit.snapshot(device)
        if site not in device.sites:
            device.sites.append(site)
        device.active, device.enrolled_at = True, now
        if app_version is not None:
            device.app_version = app_version
        session.execute(
            update(DeviceToken)
            .where(DeviceToken.device_id == device.id, DeviceToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        plain = secrets.token_urlsafe(32)
        session.add(DeviceToken(device_id=device.id, token_hash=_hash(plain)))
        record.used_at, record.device_id = now, device.id
        writes.flush(session)
        audit.record(
            session,
            "enroll",
            device,
            audit.diff(before, audit.snapshot(device)) | {"site_ids": [None, device.site_ids]},
        )
    finally:
        reset_actor(token)
    return device, plain


@dataclass(frozen=True)
class Caller:
    """The enrolled handheld a request comes from: what its requests need, read in one query."""

    id: int
    org_id: int
    serial: str
    label: str
    site_ids: tuple[int, ...]
    enrolled_at: datetime | None

    @classmethod
    def of(cls, device: Device) -> "Caller":
        """The same for a device already loaded (imports and the demo act for their devices)."""
        return cls(
            device.id,
            device.org_id,
            device.serial,
            device.label,
            tuple(device.site_ids),
            device.enrolled_at,
        )


# Every handheld request starts here. Columns, one row per assigned site, in one statement
# built once: the Device entity and then its sites cost two round trips, and building the
# statement anew each time cost more than running it.
_CALLER = (
    select(
        Device.id,
        Device.org_id,
        Device.serial,
        Device.label,
        Device.enrolled_at,
        device_sites.c.site_id,
    )
    .join(DeviceToken, DeviceToken.device_id == Device.id)
    .join(Organization, Organization.id == Device.org_id)
    .outerjoin(device_sites, device_sites.c.device_id == Device.id)
    .where(
        DeviceToken.token_hash == bindparam("token_hash"),
        DeviceToken.revoked_at.is_(None),
        Device.active,
        Organization.active,
    )
    .order_by(device_sites.c.site_id)
)


def resolve_device(session: Session, token: str) -> tuple[Caller, Actor]:
    """The active device a token belongs to, and the actor it acts as; else Unauthenticated."""
    # On the connection: nothing is pending in the session yet, so there is nothing to flush.
    rows = session.connection().execute(_CALLER, {"token_hash": _hash(token)}).all()
    if not rows:
        raise Unauthenticated("invalid or revoked device token")
    first = rows[0]
    site_ids = tuple(r.site_id for r in rows if r.site_id is not None)
    device = Caller(first.id, first.org_id, first.serial, first.label, site_ids, first.enrolled_at)
    actor = Actor(
        user_id=None,
        org_id=device.org_id,
        role=Role.GUARD,
        site_ids=frozenset(site_ids),
        # A handheld acts with a guard's (least) rights on its own sites.
        label=f"device {device.serial}",
    )
    return device, actor
