"""Photos (stored once per tenant by content hash) and the events that refer to them."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.domain.clock import utcnow
from server.domain.models.mixins import Tenanted


class Photo(Tenanted, Base):
    """A checked image; bytes live in blob storage under its SHA-256."""

    __tablename__ = "photos"
    __table_args__ = (UniqueConstraint("org_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who sent it: a handheld through the device protocol, or a person through the API.
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PhotoRef(Tenanted, Base):
    """An event's reference to a photo, kept so missing photos are one query away."""

    __tablename__ = "photo_refs"
    __table_args__ = (
        UniqueConstraint("event_id", "sha256"),
        Index("ix_photo_refs_org_sha", "org_id", "sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("device_events.id"))
    sha256: Mapped[str] = mapped_column(String(64))
