"""Schedules across daylight saving: the rules docs/patrols.md promises, checked on real zones."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.errors import Invalid
from server.domain.recurrence import GapPolicy, Recurrence

BERLIN = "Europe/Berlin"  # 2026: forward 29 March 02:00 -> 03:00, back 25 October 03:00 -> 02:00
NEW_YORK = "America/New_York"  # 2026: forward 8 March, back 1 November


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local_times(rule, after, before):
    return [
        (o.local.strftime("%H:%M%z"), o.shifted, o.ambiguous) for o in rule.between(after, before)
    ]


def test_a_time_that_does_not_exist_is_shifted_forward_by_default():
    rule = Recurrence("FREQ=DAILY", datetime(2026, 3, 1, 2, 30), BERLIN)
    (night,) = rule.between(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12))
    # RFC 5545 3.3.5: read with the offset before the gap, so 02:30 is 03:30 summer time.
    assert night.at == utc(2026, 3, 29, 1, 30)
    assert night.local.strftime("%H:%M%z") == "03:30+0200"
    assert night.shifted and night.planned_local == datetime(2026, 3, 29, 2, 30)


def test_a_time_that_does_not_exist_can_be_skipped():
    rule = Recurrence("FREQ=DAILY", datetime(2026, 3, 1, 2, 30), BERLIN, gap=GapPolicy.SKIP)
    days = [o.local.date().isoformat() for o in rule.between(utc(2026, 3, 28), utc(2026, 3, 31))]
    assert days == ["2026-03-28", "2026-03-30"]


def test_a_time_that_happens_twice_is_the_first_one():
    rule = Recurrence("FREQ=DAILY", datetime(2026, 10, 1, 2, 30), BERLIN)
    (night,) = rule.between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12))
    assert night.at == utc(2026, 10, 25, 0, 30)  # 02:30 summer time, not the later 02:30
    assert night.ambiguous and not night.shifted


def test_every_two_hours_overnight_across_spring_forward():
    rule = Recurrence("FREQ=DAILY;BYHOUR=22,0,2,4,6;BYMINUTE=0", datetime(2026, 3, 1, 22), BERLIN)
    found = local_times(rule, utc(2026, 3, 28, 20), utc(2026, 3, 29, 6))
    # 02:00 does not exist that night: that round is at 03:00, an hour before the 04:00 one.
    assert found == [
        ("22:00+0100", False, False),
        ("00:00+0100", False, False),
        ("03:00+0200", True, False),
        ("04:00+0200", False, False),
        ("06:00+0200", False, False),
    ]


def test_every_two_hours_overnight_across_fall_back():
    rule = Recurrence("FREQ=DAILY;BYHOUR=22,0,2,4,6;BYMINUTE=0", datetime(2026, 10, 1, 22), BERLIN)
    found = rule.between(utc(2026, 10, 24, 19), utc(2026, 10, 25, 6))
    assert [(o.local.strftime("%H:%M%z"), o.ambiguous) for o in found] == [
        ("22:00+0200", False),
        ("00:00+0200", False),
        ("02:00+0200", True),  # the first 02:00
        ("04:00+0100", False),
        ("06:00+0100", False),
    ]
    # Wall-clock rounds: the real gap after the repeated hour is three hours, not two.
    gaps = [(b.at - a.at) / timedelta(hours=1) for a, b in pairwise(found)]
    assert gaps == [2, 2, 3, 2]


def test_an_hourly_rule_makes_one_round_when_a_shifted_hour_meets_the_next():
    rule = Recurrence("FREQ=HOURLY", datetime(2026, 3, 1, 0, 0), NEW_YORK)
    found = rule.between(utc(2026, 3, 8, 6), utc(2026, 3, 8, 9))  # 01:00 EST to 05:00 EDT
    assert [o.local.strftime("%H:%M") for o in found] == ["01:00", "03:00", "04:00"]
    assert len({o.at for o in found}) == len(found)
    assert not any(o.shifted for o in found)  # the real 03:00 is kept, not the moved 02:00


def test_exdates_drop_a_holiday_or_a_single_round():
    rule = Recurrence(
        "FREQ=DAILY;BYHOUR=8,20",
        datetime(2026, 12, 1, 8),
        "Asia/Shanghai",
        exdates=("2026-12-25", "2026-12-26T20:00"),
    )
    found = [o.local.strftime("%d %H") for o in rule.between(utc(2026, 12, 24), utc(2026, 12, 27))]
    assert found == ["24 08", "24 20", "26 08"]


def test_a_rule_started_years_ago_expands_from_where_it_is_asked():
    rule = Recurrence("FREQ=HOURLY;INTERVAL=3", datetime(2016, 1, 1, 1, 0), "Asia/Shanghai")
    found = rule.between(utc(2026, 11, 20), utc(2026, 11, 20, 12))
    # Phase kept: 01:00, 04:00, ... local, ten years on.
    assert [o.local.hour for o in found] == [10, 13, 16, 19]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("FREQ=MINUTELY", "rrule"),
        ("FREQ=DAILY;BYHOUR=25", "rrule"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "rrule"),
        ("not a rule", "rrule"),
        ("FREQ=DAILY;INTERVAL=0", "rrule"),
    ],
)
def test_bad_rules_are_refused_with_the_field_named(text, field):
    with pytest.raises(Invalid) as error:
        Recurrence(text, datetime(2026, 1, 1), BERLIN).between(utc(2026, 1, 1), utc(2026, 1, 2))
    assert field in error.value.errors


@settings(max_examples=60, deadline=None)
@given(
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    zone=st.sampled_from([BERLIN, NEW_YORK, "Australia/Sydney", "Asia/Shanghai"]),
    gap=st.sampled_from(list(GapPolicy)),
)
def test_a_daily_rule_gives_each_local_day_at_most_one_round_in_order(hour, minute, zone, gap):
    rule = Recurrence("FREQ=DAILY", datetime(2026, 1, 1, hour, minute), zone, gap=gap)
    found = rule.between(utc(2026, 1, 1), utc(2027, 1, 1))
    days = [o.local.date() for o in found]
    assert days == sorted(set(days))
    assert len(found) >= 364  # only a skipped spring-forward night may be missing
    for o in found:
        if not o.shifted:
            assert o.local.replace(tzinfo=None) == o.planned_local
