"""A schedule's spacing, in days or in hours: the least and the most time between two records."""

from datetime import timedelta
from typing import Any


def least(schedule: Any) -> timedelta | None:
    """Sooner than this after the last record is too soon (a schedule, or a row with min_*)."""
    return _span(schedule.min_days, schedule.min_hours)


def most(schedule: Any) -> timedelta | None:
    """The next record is due this long after the last one (a schedule, or a row with max_*)."""
    return _span(schedule.max_days, schedule.max_hours)


def _span(days: int | None, hours: int | None) -> timedelta | None:
    if days is not None:
        return timedelta(days=days)
    return None if hours is None else timedelta(hours=hours)
