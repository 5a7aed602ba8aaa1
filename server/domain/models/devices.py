"""Handheld guard-tour devices."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base
from server.domain.models.mixins import Registry, Tenanted
from server.domain.models.tenancy import Site

device_sites = Table(
    "device_sites",
    Base.metadata,
    Column("device_id", ForeignKey("devices.id"), primary_key=True),
    Column("site_id", ForeignKey("sites.id"), primary_key=True),
)


class Device(Registry, Tenanted, Base):
    """A handheld, identified by its serial number."""

    __tablename__ = "devices"
    __table_args__ = (UniqueConstraint("org_id", "serial"),)

    serial: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200), default="")
    last_seen_at: Mapped[datetime | None]
    enrolled_at: Mapped[datetime | None]
    # The handheld app's version as it last stated it (Vigil-App); None until it does.
    app_version: Mapped[str | None] = mapped_column(String(40))
    # Fixed-window sync rate limit, counted in the database so every process shares it.
    rate_window_start: Mapped[datetime | None]
    rate_count: Mapped[int] = mapped_column(default=0, server_default="0")

    sites: Mapped[list[Site]] = relationship(
        secondary=device_sites, order_by=Site.id, lazy="selectin"
    )

    @property
    def site_ids(self) -> list[int]:
        """Ids of the sites assigned."""
        return [site.id for site in self.sites]
