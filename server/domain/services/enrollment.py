"""Enrolling handhelds: one-time codes, device tokens, and resolving a token to its device."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from server.domain import access
from server.domain.actor import Actor, Role, current_actor, reset_actor, set_actor
from server.domain.clock import utcnow
from server.domain.errors import Conflict, Unauthenticated
from server.domain.models import Device, DeviceToken, EnrollmentCode, Organization, Site
from server.domain.services import audit, registry

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


def create_code(
    session: Session, site_id: int, ttl: timedelta = DEFAULT_TTL
) -> tuple[EnrollmentCode, str]:
    """A new one-time code for a site; the plain code is returned once and never stored."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    registry.site_for_write(session, actor, site_id)
    code = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
    record = EnrollmentCode(
        org_id=actor.org_id,
        site_id=site_id,
        code_hash=_hash(code),
        created_by=actor.user_id,
        expires_at=utcnow() + ttl,
    )
    session.add(record)
    registry.flush(session)
    audit.record(
        session,
        "create",
        record,
        {"site_id": [None, site_id], "expires_at": [None, record.expires_at.isoformat()]},
    )
    return record, "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def list_query(filters: dict[str, Any]) -> Select[Any]:
    """Codes on the actor's sites, newest first."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_DEVICES)
    stmt = access.scoped(select(EnrollmentCode), EnrollmentCode, actor)
    if filters.get("site_id") is not None:
        stmt = stmt.where(EnrollmentCode.site_id == filters["site_id"])
    return stmt.order_by(EnrollmentCode.id.desc())


def revoke_code(session: Session, code_id: int) -> EnrollmentCode:
    """Withdraw an unused code."""
    stmt = list_query({}).where(EnrollmentCode.id == code_id)
    record = access.one_visible(session, stmt, f"enrollment code {code_id}")
    if record.used_at is not None or record.revoked_at is not None:
        raise Conflict("the code was already used or revoked")
    record.revoked_at = utcnow()
    audit.record(session, "revoke", record, {"revoked_at": [None, record.revoked_at.isoformat()]})
    return record


def enroll(session: Session, raw_code: str, serial: str, label: str) -> tuple[Device, str]:
    """Exchange a live code for a device token; re-enrolling a known serial replaces its token."""
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
            device = registry.create(
                session, Device(org_id=record.org_id, serial=serial, label=label or serial)
            )
        before = audit.snapshot(device)
        if site not in device.sites:
            device.sites.append(site)
        device.active, device.enrolled_at = True, now
        session.execute(
            update(DeviceToken)
            .where(DeviceToken.device_id == device.id, DeviceToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        plain = secrets.token_urlsafe(32)
        session.add(DeviceToken(device_id=device.id, token_hash=_hash(plain)))
        record.used_at, record.device_id = now, device.id
        registry.flush(session)
        audit.record(
            session,
            "enroll",
            device,
            audit.diff(before, audit.snapshot(device)) | {"site_ids": [None, device.site_ids]},
        )
    finally:
        reset_actor(token)
    return device, plain


def resolve_device(session: Session, token: str) -> tuple[Device, Actor]:
    """The active device a token belongs to, and the actor it acts as; else Unauthenticated."""
    device = session.scalar(
        select(Device)
        .join(DeviceToken, DeviceToken.device_id == Device.id)
        .join(Organization, Organization.id == Device.org_id)
        .where(
            DeviceToken.token_hash == _hash(token),
            DeviceToken.revoked_at.is_(None),
            Device.active,
            Organization.active,
        )
    )
    if device is None:
        raise Unauthenticated("invalid or revoked device token")
    actor = Actor(
        user_id=None,
        org_id=device.org_id,
        role=Role.GUARD,
        site_ids=frozenset(device.site_ids),
        # A handheld acts with a guard's (least) rights on its own sites.
        label=f"device {device.serial}",
    )
    return device, actor
