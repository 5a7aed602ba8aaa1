"""Checkpoints guards scan on patrol, and the physical chips fixed at them."""

import enum

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, str_enum
from server.domain.models.mixins import Registry, Tenanted


class Checkpoint(Registry, Tenanted, Base):
    """A place on a patrol route, marked by a tag."""

    __tablename__ = "checkpoints"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(32))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[int | None] = mapped_column(Integer)
    instructions: Mapped[str] = mapped_column(Text, default="")

    physical_tags: Mapped[list["PhysicalTag"]] = relationship(
        back_populates="checkpoint",
        cascade="all, delete-orphan",
        order_by="PhysicalTag.id",
        lazy="selectin",
    )


class PhysicalTagKind(enum.StrEnum):
    """Chip technologies found on guard-tour checkpoints."""

    NFC = "nfc"
    IBUTTON = "ibutton"
    RFID = "rfid"


class Chip:
    """A chip id, normalised so the same chip always matches; one owner per tenant and kind."""

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[PhysicalTagKind] = mapped_column(str_enum(PhysicalTagKind, 16))
    uid: Mapped[str] = mapped_column(String(64))


class PhysicalTag(Chip, Base):
    """A chip fixed at a checkpoint."""

    __tablename__ = "physical_tags"
    __table_args__ = (UniqueConstraint("org_id", "kind", "uid"),)

    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)

    checkpoint: Mapped[Checkpoint] = relationship(back_populates="physical_tags")
