"""Notifications: who hears of alerts and how, the ladders that climb, the outbox, the log."""

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
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
    """An outbox row's way: pending, claimed by a worker, then delivered or given up.

    Held rows wait in a person's quiet hours for the digest, then are digested (told in it).
    Cancelled rows were not sent because the alert was acknowledged or resolved first.
    """

    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    DEAD = "dead"
    HELD = "held"
    DIGESTED = "digested"
    CANCELLED = "cancelled"


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


class NotifyPreference(Tenanted, Base):
    """How one person is told: their address, language, quiet hours and daily digest.

    Quiet hours hold low and medium alerts for the digest; high and critical always go out.
    Times are on the person's clock (timezone); a span past midnight (22:00-07:00) wraps.
    """

    __tablename__ = "notify_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    quiet_start: Mapped[time | None]
    quiet_end: Mapped[time | None]
    digest: Mapped[bool] = mapped_column(default=True)
    digest_at: Mapped[time] = mapped_column(default=time(8, 0))
    # The person's local day whose digest was made (sent or found empty): one a day.
    digest_done_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def id(self) -> int:
        """The person's id: the audit trail names a preference by it."""
        return self.user_id


class EscalationPolicy(Registry, Tenanted, Base):
    """Who is told of an unacknowledged alert, and when: a ladder of steps, and deadlines.

    Applies to alerts at or above min_severity at its site (or every site when none); a
    site's own policy wins over the organization's. Steps are dicts checked by the API's
    schema and read through notify.ladder: after_min (wait after the step before), roles,
    user_ids, endpoint_ids, repeat (times the step is told again, after_min apart).
    rectify_hours maps a severity to the hours allowed to rectify (the defaults otherwise).
    """

    __tablename__ = "escalation_policies"

    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    min_severity: Mapped[AlertSeverity] = mapped_column(
        str_enum(AlertSeverity, 16), default=AlertSeverity.LOW
    )
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rectify_hours: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class Escalation(Tenanted, Base):
    """An alert climbing its policy's ladder: the next rung and when it is due.

    Made when a raise or reopen is planned; gone when the ladder ends. A rung that comes due
    after the alert was acknowledged or resolved ends the ladder instead of telling anyone.
    """

    __tablename__ = "escalations"

    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("alert_entries.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("escalation_policies.id"))
    rung: Mapped[int]  # the next rung to tell, counted from 0
    started_at: Mapped[datetime]  # rungs are timed from here: the raise or the reopening
    next_at: Mapped[datetime] = mapped_column(index=True)


class Notification(Tenanted, Base):
    """The outbox: one thing to tell one recipient (an endpoint, or a person by e-mail).

    dedupe names what is told to whom, so planning it twice adds nothing: an alert change
    at one ladder step to one recipient, or one person's digest of one day.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "state", "next_at"),
        # What waits for a site: a claim takes it along into one message per recipient.
        Index("ix_notifications_site_state", "site_id", "state", "next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe: Mapped[str] = mapped_column(String(100), unique=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("alert_entries.id"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("notify_endpoints.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    severity: Mapped[AlertSeverity | None] = mapped_column(str_enum(AlertSeverity, 16))
    # 0 tells the endpoints that follow a site; 1 and up are the escalation ladder's rungs.
    step: Mapped[int] = mapped_column(default=0)
    # raised, severity_up, reopened, auto_resolved, unacknowledged, overdue, digest, report
    change: Mapped[str] = mapped_column(String(20))
    # The row whose message carried this one: a group sent together, or a digest.
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)
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
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("notify_endpoints.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered: Mapped[bool]
    status: Mapped[int | None]
    latency_ms: Mapped[int]
    excerpt: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str | None] = mapped_column(Text)
