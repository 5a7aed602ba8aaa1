"""Columns shared by the registry tables."""

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from server.domain.clock import utcnow


class Registry:
    """An object history may refer to: numbered, timestamped, deactivated rather than deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Tenanted:
    """Belongs to one organization; every query filters on it."""

    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
