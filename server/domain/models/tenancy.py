"""Organizations (tenants), their sites and the zones inside a site."""

import enum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, str_enum
from server.domain.models.mixins import Registry, Tenanted

# A site's shifts when it names none: the day shift and the night shift, twelve hours each.
DEFAULT_SHIFTS = ({"name": "白班", "start": "08:00"}, {"name": "夜班", "start": "20:00"})


class Organization(Registry, Base):
    """A tenant: a property-management company or one operator."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200), unique=True)

    @property
    def org_id(self) -> int:
        """An organization is its own tenant (lets the audit trail treat it like the rest)."""
        return self.id


class Site(Registry, Tenanted, Base):
    """A property: an estate, a tower, a campus; schedules run in its timezone."""

    __tablename__ = "sites"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    timezone: Mapped[str] = mapped_column(String(64))
    # Minutes a clocked-in guard's handheld may stay silent before a lone-worker alert; None: off.
    inactivity_min: Mapped[int | None]
    # Detection settings (docs/patrols.md). Faster than this between two scans of one handheld
    # is not walking (brisk walking is about 1.5 m/s).
    max_speed_mps: Mapped[float] = mapped_column(default=3.0, server_default=text("3.0"))
    # One checkpoint scanned by two handhelds this close together: one tag is a copy.
    twin_window_s: Mapped[int] = mapped_column(default=60, server_default=text("60"))
    # A scan farther than this many radii from its checkpoint (accuracy allowed for) is far.
    geofence_radii: Mapped[float] = mapped_column(default=2.0, server_default=text("2.0"))
    # A new schedule's grace for a late start, in minutes, when it does not say.
    default_grace_min: Mapped[int] = mapped_column(default=15, server_default=text("15"))
    # The guards' shifts, each from its start (HH:MM site time) to the next one's: the daily
    # activity report covers one. The manuals' day and night shifts unless the site says.
    shifts: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, default=lambda: [dict(s) for s in DEFAULT_SHIFTS]
    )


class ZoneKind(enum.StrEnum):
    """What a zone is on the ground."""

    BUILDING = "building"
    FLOOR = "floor"
    CAR_PARK = "car_park"
    PLANT_ROOM = "plant_room"
    OUTDOOR = "outdoor"
    OTHER = "other"


class Zone(Registry, Tenanted, Base):
    """A building or area inside a site."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ZoneKind] = mapped_column(str_enum(ZoneKind, 20))

    site: Mapped[Site] = relationship(lazy="raise")
