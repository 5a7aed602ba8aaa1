"""When to try a failed delivery again: exponential backoff, full jitter, for at most a day."""

import random
from datetime import datetime, timedelta

BASE = timedelta(seconds=30)
CAP = timedelta(hours=1)
HORIZON = timedelta(days=1)


def ceiling(attempt: int) -> timedelta:
    """The longest wait after the `attempt`-th failure: 30 s, 60 s, 2 min ... at most an hour."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    return min(CAP, BASE * 2 ** min(attempt - 1, 32))


def next_attempt(
    attempt: int,
    first_at: datetime,
    now: datetime,
    rng: random.Random,
    *,
    retry_after: float | None = None,
) -> datetime | None:
    """The instant of the next try after `attempt` failures, or None once the day is over.

    The wait is drawn uniformly from [0, ceiling] (full jitter), so many failing deliveries
    spread out instead of returning together; a receiver's Retry-After is a lower bound.
    The last try falls on the deadline itself.
    """
    deadline = first_at + HORIZON
    if now >= deadline:
        return None
    wait = timedelta(seconds=rng.uniform(0, ceiling(attempt).total_seconds()))
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return min(now + wait, deadline)
