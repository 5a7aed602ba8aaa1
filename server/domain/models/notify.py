"""Notifications: where alerts are announced, the outbox of what to announce, what came of it."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, str_enum
from server.domain.clock import utcnow
from server.domain.models.alerts import AlertSeverity
from server.domain.models.mixins import Registry, Tenanted


class EndpointKind(enum.StrEnum):
    """What listens at an endpoint's URL, and so how a message is shaped and signed."""

    WEBHOOK = "webhook"
    WECOM = "wecom"
    DINGTALK = "dingtalk"


class NotificationState(enum.StrEnum):
    """An outbox row's way: pending, claimed by a worker, then delivered or given up."""

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    DEAD = "dead"


class NotifyEndpoint(Registry, Tenanted, Base):
    """A webhook or group robot told of the tenant's alerts (of one site, or all when none)."""

    __tablename__ = "notify_endpoints"

    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EndpointKind] = mapped_column(str_enum(EndpointKind, 16))
    # A robot's URL carries its key or access token.
    url: Mapped[str] = mapped_column(String(2000))
    # Signing keys, kept as given (they sign, so cannot be hashed); the last is the newest.
    secrets: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    min_severity: Mapped[AlertSeverity] = mapped_column(
        str_enum(AlertSeverity, 16), default=AlertSeverity.MEDIUM
    )
    language: Mapped[str] = mapped_column(String(8), default="zh")


class Notification(Tenanted, Base):
    """The outbox: one alert change to announce at one endpoint (at one escalation step)."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("entry_id", "step", "endpoint_id"),
        Index("ix_notifications_due", "state", "next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("alert_entries.id"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("notify_endpoints.id"), index=True)
    step: Mapped[int] = mapped_column(default=0)
    change: Mapped[str] = mapped_column(String(20))  # raised, severity_up, reopened, auto_resolved
    state: Mapped[NotificationState] = mapped_column(
        str_enum(NotificationState, 16), default=NotificationState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker's lease: past it, the worker is taken for dead and the row is claimed again.
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    @property
    def key(self) -> str:
        """The idempotency key (webhook-id, Message-ID local part): the same on every retry."""
        return f"vigil-n{self.id}"


class NotificationAttempt(Base):
    """The delivery log: one try at one notification, and what the endpoint answered."""

    __tablename__ = "notification_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("notify_endpoints.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered: Mapped[bool]
    status: Mapped[int | None]
    latency_ms: Mapped[int]
    excerpt: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str | None] = mapped_column(Text)
