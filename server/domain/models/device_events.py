"""Everything handhelds report, kept exactly once per (device, event uuid)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.domain.models.mixins import Tenanted

# The event types people read as reports rather than as scans (see the indexes below).
REPORT_TYPES = "type = 'incident' OR type = 'shift'"


class DeviceEvent(Tenanted, Base):
    """A scan, incident or shift event as received, with its time on three clocks."""

    __tablename__ = "device_events"
    __table_args__ = (
        # The exactly-once key: a resent event finds its first copy here.
        UniqueConstraint("device_id", "uuid"),
        # Each list and check reads one slice of time of one thing: a checkpoint (twin scans,
        # the scan log), a site (rounds' scans), a tenant (the admin's scan log), a handheld
        # (its chain of scans for speed) or a guard.
        Index("ix_device_events_checkpoint_time", "checkpoint_id", "corrected_time"),
        Index("ix_device_events_site_time", "site_id", "corrected_time"),
        Index("ix_device_events_org_time", "org_id", "corrected_time"),
        Index("ix_device_events_device_time", "device_id", "corrected_time"),
        Index("ix_device_events_user_time", "user_id", "corrected_time"),
        # Incidents and shift notes, as supervisors read them (server/domain/field_reports.py):
        # a few among many scans, so indexes of their own that scans never enter. The OR (not
        # IN) is what SQLite can match a query's `type = 'incident'` against.
        Index(
            "ix_device_events_reports_site_time",
            "site_id",
            "type",
            "corrected_time",
            postgresql_where=text(REPORT_TYPES),
            sqlite_where=text(REPORT_TYPES),
        ),
        Index(
            "ix_device_events_reports_org_time",
            "org_id",
            "type",
            "corrected_time",
            postgresql_where=text(REPORT_TYPES),
            sqlite_where=text(REPORT_TYPES),
        ),
        # The patrol evaluator's queue: events it has not looked at yet.
        Index(
            "ix_device_events_unevaluated",
            "id",
            postgresql_where=text("evaluated_at IS NULL"),
            sqlite_where=text("evaluated_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed with the time (above), which serves what an index on it alone would.
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    uuid: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the event as sent: the same uuid with other content is a conflict.
    fingerprint: Mapped[str] = mapped_column(String(64))
    device_time: Mapped[datetime]
    corrected_time: Mapped[datetime]
    time_source: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime]
    monotonic_ms: Mapped[int | None] = mapped_column(BigInteger)
    boot_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoints.id"))
    qr_tag_id: Mapped[int | None] = mapped_column(ForeignKey("qr_tags.id"))
    # The type's own fields as validated (method, payload, category, text, photos...).
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Why to look twice: forged or revoked tag, implausible time, other site...
    flags: Mapped[list[str]] = mapped_column(JSON)
    # When the patrol evaluator took this event into account; None while it waits.
    evaluated_at: Mapped[datetime | None]
