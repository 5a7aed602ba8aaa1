"""The retry schedule: exponential ceilings, full jitter, a day at most."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from server.notify.retry import CAP, HORIZON, ceiling, next_attempt

FIRST = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


def wait(attempt: int, seed: int = 1, now: datetime = FIRST, **options) -> timedelta:
    at = next_attempt(attempt, FIRST, now, random.Random(seed), **options)
    assert at is not None
    return at - now


def test_the_ceiling_doubles_from_30_seconds_up_to_an_hour():
    assert [ceiling(n).total_seconds() for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]
    assert ceiling(500) == CAP


@pytest.mark.parametrize("attempt", [1, 2, 5, 8, 40])
def test_every_wait_stays_within_its_ceiling(attempt):
    for seed in range(200):
        assert timedelta(0) <= wait(attempt, seed) <= ceiling(attempt)


def test_waits_grow_with_the_attempts():
    def mean(attempt: int) -> float:
        return sum(wait(attempt, seed).total_seconds() for seed in range(300)) / 300

    means = [mean(attempt) for attempt in range(1, 9)]
    assert means == sorted(means)
    assert means[0] < 30 < means[-1]


def test_jitter_varies_with_the_seed_and_repeats_with_it():
    assert len({wait(4, seed) for seed in range(20)}) == 20
    assert wait(4, seed=7) == wait(4, seed=7)


def test_a_retry_after_is_a_lower_bound():
    assert wait(1, retry_after=600) == timedelta(seconds=600)
    assert wait(8, seed=3, retry_after=1) == wait(8, seed=3)


def test_the_last_try_falls_on_the_deadline_and_then_there_is_none():
    late = FIRST + HORIZON - timedelta(minutes=5)
    assert next_attempt(30, FIRST, late, random.Random(1)) == FIRST + HORIZON
    assert next_attempt(31, FIRST, FIRST + HORIZON, random.Random(1)) is None
    assert next_attempt(31, FIRST, FIRST + HORIZON + timedelta(hours=1), random.Random(1)) is None


def test_attempts_count_from_one():
    with pytest.raises(ValueError):
        next_attempt(0, FIRST, FIRST, random.Random(1))
