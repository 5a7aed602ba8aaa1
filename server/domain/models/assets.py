"""Equipment engineers inspect."""

import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, str_enum
from server.domain.models.mixins import Registry, Tenanted


class AssetKind(enum.StrEnum):
    """Kinds of plant Vigil knows inspection forms for."""

    GENERATOR = "generator"
    TRANSFORMER = "transformer"
    SWITCHGEAR = "switchgear"
    UPS = "ups"
    FIRE_PUMP = "fire_pump"
    OTHER = "other"


class Asset(Registry, Tenanted, Base):
    """A piece of equipment with its nameplate ratings."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("site_id", "code"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"), index=True)
    kind: Mapped[AssetKind] = mapped_column(str_enum(AssetKind, 20))
    name: Mapped[str] = mapped_column(String(200))
    # Short code printed on its tag for manual entry, as engineers call it: G1, T1, RMU1.
    code: Mapped[str] = mapped_column(String(32))
    make: Mapped[str] = mapped_column(String(200), default="")
    model: Mapped[str] = mapped_column(String(200), default="")
    serial_number: Mapped[str] = mapped_column(String(100), default="")
    # [{"name": "rated_power", "value": 500, "unit": "kW"}, ...]
    ratings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
