"""The schedule builder's patterns: the RRULE each writes, the rounds that rule makes, and
stored rules read back as patterns only when nothing would change; and the clock changes a
preview names (recurrence.offset_changes)."""

from datetime import UTC, date, datetime, time

import pytest

from server.domain.recurrence import Recurrence, offset_changes
from server.web.schedules.patterns import Days, Pattern, every, read, shift_order

NIGHT = Pattern(Days.EVERY_DAY, (22, 0, 2, 4), 0, date(2026, 12, 4))
SHANGHAI, NEW_YORK = "Asia/Shanghai", "America/New_York"


class TestWriting:
    @pytest.mark.parametrize(
        "pattern, rule, start",
        [
            (NIGHT, "FREQ=DAILY;BYHOUR=22,0,2,4;BYMINUTE=0", "2026-12-04T22:00"),
            (
                Pattern(Days.WEEKDAYS, (9, 14), 30, date(2026, 12, 7)),
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9,14;BYMINUTE=30",
                "2026-12-07T09:30",
            ),
            (
                Pattern(Days.WEEKENDS, (20,), 0, date(2026, 12, 5), until=date(2027, 3, 31)),
                "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=20;BYMINUTE=0;UNTIL=20270331",
                "2026-12-05T20:00",
            ),
        ],
    )
    def test_a_pattern_writes_its_rule_and_starts_with_the_shift(self, pattern, rule, start):
        assert pattern.rrule() == rule
        assert pattern.start_local() == start

    def test_a_night_starts_on_its_first_evening_not_with_that_mornings_small_hours(self):
        rule = Recurrence(NIGHT.rrule(), datetime.fromisoformat(NIGHT.start_local()), SHANGHAI)
        found = rule.between(datetime(2026, 12, 3, tzinfo=UTC), datetime(2026, 12, 6, tzinfo=UTC))
        assert [o.local.strftime("%d %H:%M") for o in found[:5]] == [
            "04 22:00",
            "05 00:00",
            "05 02:00",
            "05 04:00",
            "05 22:00",
        ]

    def test_weekdays_make_rounds_monday_to_friday_only(self):
        weekdays = Pattern(Days.WEEKDAYS, (9,), 0, date(2026, 12, 1))
        rule = Recurrence(weekdays.rrule(), datetime(2026, 12, 1, 9), SHANGHAI)
        found = rule.between(datetime(2026, 12, 6, tzinfo=UTC), datetime(2026, 12, 13, tzinfo=UTC))
        assert [o.local.strftime("%a") for o in found] == ["Mon", "Tue", "Wed", "Thu", "Fri"]

    def test_weekends_make_rounds_on_saturday_and_sunday(self):
        weekends = Pattern(Days.WEEKENDS, (9,), 0, date(2026, 12, 1))
        rule = Recurrence(weekends.rrule(), datetime(2026, 12, 1, 9), SHANGHAI)
        found = rule.between(datetime(2026, 12, 7, tzinfo=UTC), datetime(2026, 12, 14, tzinfo=UTC))
        assert [o.local.strftime("%a %d") for o in found] == ["Sat 12", "Sun 13"]


class TestShiftOrder:
    @pytest.mark.parametrize(
        "hours, shift",
        [
            ([0, 2, 4, 22], (22, 0, 2, 4)),
            ([4, 22, 2, 0, 22], (22, 0, 2, 4)),
            ([8, 20], (8, 20)),  # two even halves: the earlier first
            ([6, 14, 22], (6, 14, 22)),
            ([9], (9,)),
            ([23, 1], (23, 1)),
            ([], ()),
        ],
    )
    def test_the_first_hour_is_the_one_after_the_longest_pause(self, hours, shift):
        assert shift_order(hours) == shift


class TestEveryNHours:
    @pytest.mark.parametrize(
        "step, first, last, hours",
        [
            (2, time(20), time(6), (20, 22, 0, 2, 4, 6)),
            (3, time(8), time(17), (8, 11, 14, 17)),
            (3, time(0), time(0), (0, 3, 6, 9, 12, 15, 18, 21)),  # the same time: all day
            (5, time(0), time(0), (0, 5, 10, 15, 20)),
            (1, time(22, 30), time(1), (22, 23, 0)),  # 01:30 is after 01:00
            (12, time(7), time(19), (7, 19)),
        ],
    )
    def test_hours_from_the_first_time_to_the_last_across_midnight(self, step, first, last, hours):
        assert every(step, first, last) == hours

    @pytest.mark.parametrize("step", [0, 13, -2])
    def test_a_step_outside_1_to_12_is_refused(self, step):
        with pytest.raises(ValueError):
            every(step, time(0), time(6))


class TestReading:
    @pytest.mark.parametrize(
        "pattern",
        [
            NIGHT,
            Pattern(Days.WEEKDAYS, (9, 14), 30, date(2026, 12, 7)),
            Pattern(Days.WEEKENDS, (22, 2), 15, date(2026, 12, 5), until=date(2027, 1, 31)),
            Pattern(Days.EVERY_DAY, (20, 22, 0, 2, 4, 6), 0, date(2026, 1, 1)),
        ],
    )
    def test_what_a_pattern_writes_reads_back_as_that_pattern(self, pattern):
        assert read(pattern.rrule(), pattern.start_local()) == pattern

    def test_hours_in_another_order_and_lower_case_are_the_same_pattern(self):
        assert read("rrule:freq=daily;byhour=0,2,4,22;byminute=0", "2026-12-04T22:00") == NIGHT
        assert read("FREQ=DAILY;BYMINUTE=0;BYHOUR=4,2,0,22", "2026-12-04T22:00") == NIGHT

    @pytest.mark.parametrize(
        "rule, start",
        [
            ("FREQ=DAILY", "2026-01-01T22:00"),  # hours from DTSTART: fine, but not as written
            ("FREQ=DAILY;BYHOUR=22,0,2,4;BYMINUTE=0", "2026-12-04T00:00"),  # another start
            ("FREQ=DAILY;BYHOUR=22,0;BYMINUTE=0;INTERVAL=2", "2026-12-04T22:00"),
            ("FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0", "2026-12-07T09:00"),
            ("FREQ=WEEKLY;BYHOUR=9;BYMINUTE=0", "2026-12-07T09:00"),
            ("FREQ=HOURLY;BYHOUR=9;BYMINUTE=0", "2026-12-07T09:00"),
            ("FREQ=DAILY;BYHOUR=9;BYMINUTE=0,30", "2026-12-07T09:00"),
            ("FREQ=DAILY;BYHOUR=25;BYMINUTE=0", "2026-12-07T01:00"),
            ("FREQ=DAILY;BYHOUR=9,9;BYMINUTE=0", "2026-12-07T09:00"),
            ("FREQ=DAILY;BYHOUR=9;BYMINUTE=0;UNTIL=20270101T000000Z", "2026-12-07T09:00"),
            ("FREQ=DAILY;BYHOUR=9;BYHOUR=10;BYMINUTE=0", "2026-12-07T09:00"),
            ("nonsense", "2026-12-07T09:00"),
            ("FREQ=DAILY;BYHOUR=9;BYMINUTE=0", "not a time"),
            ("FREQ=DAILY;BYHOUR=9;BYMINUTE=0", "2026-12-07T09:00+08:00"),
        ],
    )
    def test_any_other_rule_stays_raw(self, rule, start):
        assert read(rule, start) is None

    def test_in_words_a_rule_may_take_its_hours_from_its_start(self):
        found = read("FREQ=DAILY", "2026-01-01T22:00", exact=False)
        assert found == Pattern(Days.EVERY_DAY, (22,), 0, date(2026, 1, 1))
        assert read("FREQ=DAILY;BYHOUR=8,20", "2026-01-01T00:15", exact=False).minute == 15


class TestOffsetChanges:
    def test_new_york_changes_twice_a_year_at_two_in_the_morning(self):
        found = offset_changes(
            NEW_YORK, datetime(2026, 12, 4, tzinfo=UTC), datetime(2027, 12, 4, tzinfo=UTC)
        )
        assert [(c.at, c.forward) for c in found] == [
            (datetime(2027, 3, 14, 7, tzinfo=UTC), True),
            (datetime(2027, 11, 7, 6, tzinfo=UTC), False),
        ]
        spring, autumn = found
        assert (spring.wall_before.hour, spring.wall_after.hour) == (2, 3)
        assert (autumn.wall_before.hour, autumn.wall_after.hour) == (2, 1)

    def test_a_zone_without_summer_time_has_none(self):
        year = (datetime(2026, 12, 4, tzinfo=UTC), datetime(2027, 12, 4, tzinfo=UTC))
        assert offset_changes(SHANGHAI, *year) == []

    def test_a_half_hour_change_is_found_to_the_second(self):
        found = offset_changes(
            "Australia/Lord_Howe",
            datetime(2027, 1, 1, tzinfo=UTC),
            datetime(2027, 6, 1, tzinfo=UTC),
        )
        assert [(c.at, c.wall_before.time(), c.wall_after.time()) for c in found] == [
            (datetime(2027, 4, 3, 15, tzinfo=UTC), time(2), time(1, 30))
        ]

    def test_only_changes_inside_the_range_count(self):
        spring = datetime(2027, 3, 14, 7, tzinfo=UTC)
        assert offset_changes(NEW_YORK, spring, spring.replace(hour=8))[0].at == spring
        assert offset_changes(NEW_YORK, spring.replace(hour=6), spring) == []
