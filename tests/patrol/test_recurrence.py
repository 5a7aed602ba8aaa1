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
SHANGHAI = "Asia/Shanghai"  # UTC+8, no DST


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


class TestUntil:
    """UNTIL ends a rule inclusively: a Z value is UTC, a floating one site-local (RFC 5545)."""

    def days(self, rule):
        found = rule.between(utc(2026, 11, 27), utc(2026, 12, 3))
        return [o.local.strftime("%d %H:%M") for o in found]

    def test_a_utc_until_in_shanghai_keeps_the_22_00_it_names(self):
        # 14:00Z on 30 November is 22:00 in Shanghai: that night's round is the last.
        rule = Recurrence("FREQ=DAILY;UNTIL=20261130T140000Z", datetime(2026, 11, 1, 22), SHANGHAI)
        assert self.days(rule) == ["27 22:00", "28 22:00", "29 22:00", "30 22:00"]
        assert rule.last().at == utc(2026, 11, 30, 14)

    @pytest.mark.parametrize(
        ("hour", "last_day"),
        [(8, "30 08:00"), (9, "30 09:00"), (10, "29 10:00"), (22, "29 22:00")],
    )
    def test_a_utc_until_in_new_york_ends_at_09_00_local(self, hour, last_day):
        # 14:00Z on 30 November is 09:00 EST: a 10:00 or 22:00 round last runs on the 29th.
        rule = Recurrence(
            "FREQ=DAILY;UNTIL=20261130T140000Z", datetime(2026, 11, 1, hour), NEW_YORK
        )
        assert self.days(rule)[-1] == last_day
        assert rule.last().local.strftime("%d %H:%M") == last_day

    def test_a_floating_until_is_site_local(self):
        start = datetime(2026, 11, 1, 22)
        at_22 = Recurrence("FREQ=DAILY;UNTIL=20261130T220000", start, SHANGHAI)
        at_14 = Recurrence("FREQ=DAILY;UNTIL=20261130T140000", start, SHANGHAI)
        assert self.days(at_22)[-1] == "30 22:00"
        assert self.days(at_14)[-1] == "29 22:00"  # 14:00 local, not 14:00 UTC
        new_york = Recurrence("FREQ=DAILY;UNTIL=20261130T220000", start, NEW_YORK)
        assert new_york.last().local.isoformat() == "2026-11-30T22:00:00-05:00"

    @pytest.mark.parametrize("zone", [SHANGHAI, NEW_YORK, BERLIN])
    def test_a_date_until_keeps_that_whole_local_day(self, zone):
        rule = Recurrence("FREQ=DAILY;BYHOUR=0,22;UNTIL=20261130", datetime(2026, 11, 1), zone)
        assert rule.last().local.strftime("%d %H:%M") == "30 22:00"
        assert [o.local.day for o in rule.between(utc(2026, 11, 30), utc(2026, 12, 3))][-1] == 30

    def test_a_utc_until_is_compared_with_where_a_shifted_round_lands(self):
        # 8 March 2026 in New York: 02:30 does not exist and is shifted to 03:30 EDT (07:30Z).
        start = datetime(2026, 3, 1, 2, 30)
        before = Recurrence("FREQ=DAILY;UNTIL=20260308T070000Z", start, NEW_YORK)
        after = Recurrence("FREQ=DAILY;UNTIL=20260308T073000Z", start, NEW_YORK)
        assert before.last().local.isoformat() == "2026-03-07T02:30:00-05:00"
        assert after.last().local.isoformat() == "2026-03-08T03:30:00-04:00"
        assert after.last().shifted

    def test_a_utc_until_inside_the_repeated_hour(self):
        # 1 November 2026 in New York: 06:00Z is the second 01:00 (EST). The 01:30 round is the
        # first 01:30 (05:30Z); the repeated hour makes no second one, and 02:30 is after.
        rule = Recurrence(
            "FREQ=HOURLY;BYMINUTE=30;UNTIL=20261101T060000Z", datetime(2026, 10, 31), NEW_YORK
        )
        assert rule.last().at == utc(2026, 11, 1, 5, 30)
        assert rule.last().ambiguous
        assert rule.between(utc(2026, 11, 1, 5, 31), utc(2026, 11, 2)) == []

    def test_a_rule_with_a_utc_until_ends_for_the_evaluator_too(self):
        rule = Recurrence("FREQ=DAILY;UNTIL=20261130T140000Z", datetime(2026, 11, 1, 22), SHANGHAI)
        assert rule.first_after(utc(2026, 11, 29, 15)).at == utc(2026, 11, 30, 14)
        assert rule.first_after(utc(2026, 11, 30, 14)) is None


class TestLast:
    """Where a rule ends, for the preview: COUNT or UNTIL; an endless rule has no last."""

    def test_an_endless_rule_has_no_last_occurrence(self):
        rule = Recurrence("FREQ=HOURLY;INTERVAL=3", datetime(2016, 1, 1, 1), SHANGHAI)
        assert not rule.ends and rule.last() is None

    def test_count_ends_a_rule_at_its_last_time(self):
        rule = Recurrence("FREQ=DAILY;BYHOUR=8,20;COUNT=5", datetime(2026, 12, 1, 8), SHANGHAI)
        assert rule.ends
        assert rule.last().local.isoformat() == "2026-12-03T08:00:00+08:00"

    def test_an_excluded_last_time_leaves_the_one_before(self):
        rule = Recurrence(
            "FREQ=DAILY;COUNT=30", datetime(2026, 11, 1, 22), SHANGHAI, exdates=("2026-11-30",)
        )
        assert rule.last().local.isoformat() == "2026-11-29T22:00:00+08:00"

    def test_count_and_until_end_at_whichever_comes_first(self):
        start = datetime(2026, 11, 1, 22)
        assert (
            Recurrence("FREQ=DAILY;COUNT=5;UNTIL=20261130T140000Z", start, SHANGHAI)
            .last()
            .local.day
            == 5
        )
        assert (
            Recurrence("FREQ=DAILY;COUNT=50;UNTIL=20261110T140000Z", start, SHANGHAI)
            .last()
            .local.day
            == 10
        )

    def test_a_rule_ending_before_it_starts_ends_with_no_occurrence(self):
        rule = Recurrence("FREQ=DAILY;UNTIL=20250101T000000Z", datetime(2026, 11, 1, 22), SHANGHAI)
        assert rule.ends and rule.last() is None

    def test_a_sparse_rule_ending_years_out_finds_its_last(self):
        rule = Recurrence(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20400101", datetime(2028, 2, 29, 9), BERLIN
        )
        assert rule.last().local.isoformat() == "2036-02-29T09:00:00+01:00"


def test_a_range_out_to_the_ends_of_time_is_answered():
    rule = Recurrence("FREQ=YEARLY", datetime(2026, 1, 1), "Pacific/Kiritimati")  # UTC+14
    earliest, latest = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    assert len(rule.between(earliest, utc(2030, 1, 1))) == 5
    assert len(rule.between(utc(9990, 1, 1), latest)) == 9  # 9991 to 9999: +14 is a day ahead
    for start in (datetime(1, 1, 1), datetime(9999, 12, 30)):
        for zone in ("Pacific/Kiritimati", "Pacific/Niue"):  # UTC+14 and UTC-11
            Recurrence("FREQ=DAILY;COUNT=3", start, zone).last()  # answered, not an overflow


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("FREQ=MINUTELY", "rrule"),
        ("FREQ=DAILY;BYHOUR=25", "rrule"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "rrule"),
        ("not a rule", "rrule"),
        ("FREQ=DAILY;INTERVAL=0", "rrule"),
        ("FREQ=DAILY;UNTIL=20261130T140000+0800", "rrule"),
        ("FREQ=DAILY;UNTIL=2026-11-30", "rrule"),
        ("FREQ=DAILY;UNTIL=20261131", "rrule"),
        ("FREQ=DAILY;UNTIL=20261130T250000Z", "rrule"),
        ("FREQ=DAILY;UNTIL=00010101T000000Z", "rrule"),
        ("FREQ=DAILY;UNTIL=", "rrule"),
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
