"""Alerts: what went wrong, raised once per problem, closed with a rectification note."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, str_enum
from server.domain.clock import utcnow
from server.domain.models.mixins import Tenanted


class AlertSeverity(enum.StrEnum):
    """How urgently someone should look."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Its place from low (0) to critical (3): severities compare by urgency, not name."""
        return list(AlertSeverity).index(self)


class AlertState(enum.StrEnum):
    """The closed loop: raised, seen, rectified."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Alert(Tenanted, Base):
    """One problem; the same problem found again updates this row instead of adding one."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("org_id", "key"),
        Index("ix_alerts_site_raised", "site_id", "raised_at"),
        Index("ix_alerts_subject", "org_id", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    # What problem this is, e.g. 'round_missed:42': the de-duplication key (alerts.kinds.AlertKey).
    key: Mapped[str] = mapped_column(String(200))
    # For a problem that lasts from record to record (a reading out of bounds), what it is
    # about; the open alert with this subject is the one a new record continues.
    subject: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[AlertSeverity] = mapped_column(str_enum(AlertSeverity, 16))
    state: Mapped[AlertState] = mapped_column(str_enum(AlertState, 16), default=AlertState.OPEN)
    title: Mapped[str] = mapped_column(String(500))
    # What the title says, as facts: the alert kinds' table reads it in either language.
    # None on alerts raised before it was kept; their English title is all there is.
    title_args: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoints.id"))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("device_events.id"))
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("assets.id"), index=True)
    # The same problem's earlier alert, when this one is a new episode of it.
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    # What it was found from: the events and the handhelds behind it (the guard is user_id).
    event_ids: Mapped[list[int]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    device_ids: Mapped[list[int]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # Rectified, but closes only once a reading back within bounds arrives.
    awaiting_reading: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What raised it: times, the missed checkpoints, the flags, the distance...
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    # The rectification deadline (from the escalation policy, or the defaults by severity),
    # set when the raise is planned; overdue_at is when its passing was announced.
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    overdue_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)
    resolution_photo: Mapped[str | None] = mapped_column(String(64))

    history: Mapped[list["AlertEntry"]] = relationship(
        order_by="AlertEntry.id", lazy="selectin", cascade="all, delete-orphan"
    )


class AlertEntry(Base):
    """A line of an alert's history: what was known or done, when, by whom."""

    __tablename__ = "alert_entries"
    __table_args__ = (
        # The outbox's queue: the few lines still to plan notifications for, found cheaply.
        Index(
            "ix_alert_entries_to_notify",
            "id",
            sqlite_where=text("to_notify = 1"),  # as SQLAlchemy writes the test
            postgresql_where=text("to_notify"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[AlertSeverity] = mapped_column(str_enum(AlertSeverity, 16))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    # A change that matters (raised, severity up, reopened, auto-resolved) whose notifications
    # are not planned yet; set in the change's own transaction, cleared by notify.outbox.plan.
    to_notify: Mapped[bool] = mapped_column(default=False, server_default=false())
