"""QR tags issued for checkpoints and assets, and the per-tenant keys that sign them."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, str_enum
from server.domain.clock import utcnow
from server.domain.models.mixins import Tenanted


class TagKey(Tenanted, Base):
    """A tenant's signing key; its secret is derived from the installation secret, never stored."""

    __tablename__ = "tag_keys"
    __table_args__ = (UniqueConstraint("org_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The key id printed in payloads: 1, 2, 3... per tenant.
    number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class TagSubject(enum.StrEnum):
    """What a tag marks."""

    CHECKPOINT = "checkpoint"
    ASSET = "asset"


class TagStatus(enum.StrEnum):
    """A tag verifies only while active; the others are kept as history."""

    ACTIVE = "active"
    SUPERSEDED = "superseded"
    REVOKED = "revoked"


_ACTIVE = text("status = 'active'")


class QrTag(Tenanted, Base):
    """One printed tag; re-issuing ends it and issues a successor."""

    __tablename__ = "qr_tags"
    __table_args__ = (
        CheckConstraint(
            "(subject = 'checkpoint' AND checkpoint_id IS NOT NULL AND asset_id IS NULL) OR "
            "(subject = 'asset' AND asset_id IS NOT NULL AND checkpoint_id IS NULL)",
            name="one_subject",
        ),
        # At most one active tag per checkpoint and per asset.
        Index(
            "uq_qr_tags_active_checkpoint",
            "checkpoint_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        Index(
            "uq_qr_tags_active_asset",
            "asset_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    subject: Mapped[TagSubject] = mapped_column(str_enum(TagSubject, 16))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("tag_keys.id"))
    status: Mapped[TagStatus] = mapped_column(str_enum(TagStatus, 16), default=TagStatus.ACTIVE)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    end_reason: Mapped[str] = mapped_column(String(500), default="")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("qr_tags.id"))
