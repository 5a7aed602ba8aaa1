"""Patrol routes, the schedules that repeat them, and the rounds each occurrence becomes."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base, str_enum
from server.domain.clock import utcnow
from server.domain.models.mixins import Registry, Tenanted
from server.domain.recurrence import GapPolicy


class RouteOrder(enum.StrEnum):
    """How a round must visit its checkpoints."""

    STRICT = "strict"  # in the listed order
    ANY = "any"  # in any order within the round
    RANDOM = "random"  # in an order shuffled per round, so patrols cannot be predicted


class PatrolRoute(Registry, Tenanted, Base):
    """An ordered list of one site's checkpoints, walked as one round."""

    __tablename__ = "routes"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    order: Mapped[RouteOrder] = mapped_column(str_enum(RouteOrder, 16), default=RouteOrder.STRICT)
    description: Mapped[str] = mapped_column(Text, default="")

    stops: Mapped[list["RouteStop"]] = relationship(
        cascade="all, delete-orphan", order_by="RouteStop.position", lazy="selectin"
    )


class RouteStop(Base):
    """A checkpoint on a route, with when it is due and what must be done there."""

    __tablename__ = "route_stops"
    __table_args__ = (UniqueConstraint("route_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"), index=True)
    position: Mapped[int]
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    # Minutes after the round starts; None means anywhere within the round.
    offset_min: Mapped[int | None]
    tolerance_min: Mapped[int] = mapped_column(default=5)
    require_photo: Mapped[bool] = mapped_column(default=False)
    require_note: Mapped[bool] = mapped_column(default=False)
    # Scanning sooner than this after the previous checkpoint means not walking.
    min_gap_s: Mapped[int | None]
    # Worth a visit when there is time; skipping it raises nothing.
    optional: Mapped[bool] = mapped_column(default=False, server_default=false())


class Schedule(Registry, Tenanted, Base):
    """When a route is walked: an RFC 5545 rule in the site's local time, and who walks it."""

    __tablename__ = "schedules"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    rrule: Mapped[str] = mapped_column(String(500))
    # Site-local wall-clock start ('2026-11-01T22:00'), the rule's DTSTART.
    start_local: Mapped[str] = mapped_column(String(19))
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)
    gap_policy: Mapped[GapPolicy] = mapped_column(str_enum(GapPolicy, 8), default=GapPolicy.SHIFT)
    window_min: Mapped[int]
    early_min: Mapped[int] = mapped_column(default=0)
    late_min: Mapped[int] = mapped_column(default=0)
    grace_min: Mapped[int] = mapped_column(default=15)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team: Mapped[str | None] = mapped_column(String(100))
    paused: Mapped[bool] = mapped_column(default=False)
    # Rounds exist up to here; edits and pauses change only rounds after the moment they happen.
    materialised_until: Mapped[datetime | None]
    effective_from: Mapped[datetime] = mapped_column(default=utcnow)


# Rounds the evaluator still has to judge. Queries add this text as it is so that SQLite, which
# matches a partial index's predicate by its terms, uses ix_rounds_open.
ROUND_OPEN = text("(NOT settled OR needs_eval)")


class RoundStatus(enum.StrEnum):
    """Where a round stands."""

    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    INCOMPLETE = "incomplete"  # some required checkpoints missed
    MISSED = "missed"  # nothing scanned


class Round(Tenanted, Base):
    """One walk of a route: an occurrence of a schedule, or a voluntary round from a device."""

    __tablename__ = "rounds"
    __table_args__ = (
        # Concurrent materialisers insert the same occurrence once.
        UniqueConstraint("schedule_id", "due_at"),
        Index("ix_rounds_site_window", "site_id", "window_start", "window_end"),
        # The sweep reads only unsettled or re-opened rounds: its cost follows them, not history.
        Index(
            "ix_rounds_open",
            "window_start",
            postgresql_where=ROUND_OPEN,
            sqlite_where=ROUND_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"), index=True)
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedules.id"))
    voluntary: Mapped[bool] = mapped_column(default=False)
    # A voluntary round is one handheld's walk, begun by its start event (once, however resent).
    device_id: Mapped[int | None] = mapped_column(ForeignKey("devices.id"))
    start_event_id: Mapped[int | None] = mapped_column(ForeignKey("device_events.id"), unique=True)
    due_at: Mapped[datetime]
    # Scans count from due_at - early to window_end (never past the next round's start).
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    grace_min: Mapped[int] = mapped_column(default=15)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team: Mapped[str | None] = mapped_column(String(100))
    order: Mapped[RouteOrder] = mapped_column(str_enum(RouteOrder, 16))
    # The route's stops as they were when the round was made, in the order to walk them.
    expected: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[RoundStatus] = mapped_column(
        str_enum(RoundStatus, 16), default=RoundStatus.SCHEDULED
    )
    late_start: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Per stop, what the last evaluation found.
    stops: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    evaluated_at: Mapped[datetime | None]
    settled: Mapped[bool] = mapped_column(default=False, server_default=false())
    needs_eval: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
