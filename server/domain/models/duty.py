"""Handhelds whose guard is clocked in: what the lone-worker watch follows."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base
from server.domain.models.mixins import Tenanted


class Duty(Tenanted, Base):
    """One handheld's duty: who clocked in on it, and when it was last heard from."""

    __tablename__ = "duties"

    # A handheld is carried by one guard at a time; a handover changes who, not the duty.
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # False from a clock-out until the next clock-in; the row stays as the handheld's last word.
    on_duty: Mapped[bool]
    clock_in_event_id: Mapped[int] = mapped_column(ForeignKey("device_events.id"))
    clocked_in_at: Mapped[datetime]
    # The latest event from the handheld (by its corrected time): a quiet spell starts here.
    last_event_id: Mapped[int] = mapped_column(ForeignKey("device_events.id"))
    last_seen_at: Mapped[datetime]
