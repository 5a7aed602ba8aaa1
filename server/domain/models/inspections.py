"""Inspection templates and their versions, asset limits, schedules, records and readings."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, str_enum
from server.domain.clock import utcnow
from server.domain.models.assets import AssetKind
from server.domain.models.mixins import Registry, Tenanted


class InspectionTemplate(Registry, Tenanted, Base):
    """A kind of inspection (generator weekly, substation daily round); its form is versioned."""

    __tablename__ = "inspection_templates"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    asset_kind: Mapped[AssetKind | None] = mapped_column(str_enum(AssetKind, 20))
    description: Mapped[str] = mapped_column(Text, default="")
    # The version new records are filled against; older versions stay for older records.
    version: Mapped[int] = mapped_column(default=1)

    versions: Mapped[list["TemplateVersion"]] = relationship(
        order_by="TemplateVersion.version", lazy="raise", cascade="all, delete-orphan"
    )


class TemplateVersion(Base):
    """A template's form as it was: records always point at the version they were filled in."""

    __tablename__ = "inspection_template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_templates.id"), index=True)
    version: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AssetLimit(Tenanted, Base):
    """An asset's own limits for one item, over the template's: makers set them differently."""

    __tablename__ = "asset_limits"
    __table_args__ = (UniqueConstraint("asset_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    item_key: Mapped[str] = mapped_column(String(40))
    # [low, high], either side null; a range left null keeps the template's.
    normal: Mapped[list[float | None] | None] = mapped_column(JSON)
    warning: Mapped[list[float | None] | None] = mapped_column(JSON)
    critical: Mapped[list[float | None] | None] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InspectionSchedule(Registry, Tenanted, Base):
    """When an asset is due an inspection: an RRULE in site-local time, or a spacing."""

    __tablename__ = "inspection_schedules"
    __table_args__ = (UniqueConstraint("asset_id", "template_id"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_templates.id"))
    rrule: Mapped[str | None] = mapped_column(String(500))
    start_local: Mapped[str | None] = mapped_column(String(19))
    # "Monthly" for a generator exercise means 20 to 40 days after the one before.
    min_days: Mapped[int | None]
    max_days: Mapped[int | None]
    # The same in hours, for rounds done more often ("daily" = 12 to 36 hours after the last).
    min_hours: Mapped[int | None]
    max_hours: Mapped[int | None]
    grace_hours: Mapped[int] = mapped_column(default=0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paused: Mapped[bool] = mapped_column(default=False)
    effective_from: Mapped[datetime] = mapped_column(default=utcnow)


class InspectionRecord(Tenanted, Base):
    """One inspection of one asset as filled in, checked against its template version."""

    __tablename__ = "inspection_records"
    __table_args__ = (
        UniqueConstraint("org_id", "uuid"),
        Index("ix_inspection_records_asset_template_time", "asset_id", "template_id", "at"),
        Index("ix_inspection_records_site_time", "site_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    # None for a form about the whole site, such as the supervisory audit.
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("inspection_templates.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("inspection_template_versions.id"))
    version: Mapped[int]
    at: Mapped[datetime]  # when the inspection was done
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("device_events.id"), unique=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSON)  # as given, plus derived values
    photos: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # Per item: why a value was refused; required items that were not filled in.
    errors: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))  # normal, abnormal, incomplete
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    score: Mapped[float | None]
    grade: Mapped[str | None] = mapped_column(String(16))


class Reading(Tenanted, Base):
    """One numeric value of a record: the time series behind history, trends and flatlines."""

    __tablename__ = "readings"
    __table_args__ = (Index("ix_readings_asset_item_time", "asset_id", "item_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id"))
    item_key: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(ForeignKey("inspection_records.id"), index=True)
    at: Mapped[datetime]
    value: Mapped[float]
    # critical, warning, normal (outside the normal range only), or None when within it.
    level: Mapped[str | None] = mapped_column(String(16))
