"""The trend chart's geometry: readings, limits and a box in; a polyline, bands and ticks out."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.domain.inspection.definition import Bounds
from server.web.inspections.trend import (
    Mark,
    Sample,
    Size,
    chart,
    samples_of,
    time_ticks,
    value_range,
    value_ticks,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
UNTIL = datetime(2026, 12, 3, 21, 0, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=30)
BATTERY = Bounds(normal=(13.2, 13.8), warning=(12.0, 15.0), critical=(None, 16.0))
BOX = Size()


def daily(values: list[float], level: str | None = None) -> list[Sample]:
    return [Sample(SINCE + timedelta(days=n + 1), v, level) for n, v in enumerate(values)]


def test_points_scale_into_the_plot_and_the_polyline_has_one_pair_each():
    drawn = chart(daily([13.4, 13.5, 13.3, 11.8]), BATTERY, SINCE, UNTIL, SHANGHAI)
    assert len(drawn.points) == 4
    assert len(drawn.polyline.split()) == 4
    for point in drawn.points:
        assert BOX.plot_left <= point.x <= BOX.plot_right
        assert BOX.plot_top <= point.y <= BOX.plot_bottom
    xs = [p.x for p in drawn.points]
    assert xs == sorted(xs)  # later is further right
    lowest = min(drawn.points, key=lambda p: p.value)
    assert lowest.y == max(p.y for p in drawn.points)  # a lower value is drawn lower


def test_the_ends_of_the_period_are_the_ends_of_the_plot():
    samples = [Sample(SINCE, 1.0), Sample(UNTIL, 2.0)]
    first, last = chart(samples, Bounds(), SINCE, UNTIL, SHANGHAI).points
    assert first.x == pytest.approx(BOX.plot_left)
    assert last.x == pytest.approx(BOX.plot_right)


def test_bands_sit_between_their_limits():
    drawn = chart(daily([13.4, 11.8]), BATTERY, SINCE, UNTIL, SHANGHAI)

    def y(value: float) -> float:
        return BOX.plot_top + (drawn.high - value) / (drawn.high - drawn.low) * BOX.plot_height

    assert sorted(b.level for b in drawn.bands) == ["critical", "warning", "warning"]
    high_warning = min((b for b in drawn.bands if b.level == "warning"), key=lambda b: b.y)
    # Warning from its limit (15 V) up to the critical one (16 V), critical from there up.
    assert high_warning.y == pytest.approx(y(16.0))
    assert high_warning.y + high_warning.height == pytest.approx(y(15.0))
    critical = next(b for b in drawn.bands if b.level == "critical")
    assert critical.y == pytest.approx(BOX.plot_top)
    assert critical.y + critical.height == pytest.approx(y(16.0))
    # No critical low limit: the low warning band runs from 12 V to the bottom of the plot.
    low_warning = max((b for b in drawn.bands if b.level == "warning"), key=lambda b: b.y)
    assert low_warning.y == pytest.approx(y(12.0))
    assert low_warning.y + low_warning.height == pytest.approx(BOX.plot_bottom)
    for band in drawn.bands:
        assert band.x == BOX.plot_left and band.width == BOX.plot_width
    assert {(lim.level, lim.side, lim.value) for lim in drawn.limits} == {
        ("warning", "low", 12.0),
        ("warning", "high", 15.0),
        ("critical", "high", 16.0),
    }


def test_a_critical_limit_far_from_the_readings_is_left_out_of_view():
    winding = Bounds(warning=(None, 120.0), critical=(None, 1000.0))
    _, high = value_range([70.0, 75.0, 80.0], winding)
    assert 120 <= high < 1000
    drawn = chart(daily([70, 75, 80]), winding, SINCE, UNTIL, SHANGHAI)
    assert [b.level for b in drawn.bands] == ["warning"]


def test_all_readings_the_same_and_no_limits_do_not_divide_by_zero():
    drawn = chart(daily([5.0, 5.0, 5.0]), Bounds(), SINCE, UNTIL, SHANGHAI)
    assert drawn.low < 5.0 < drawn.high
    middle = BOX.plot_top + BOX.plot_height / 2
    assert [p.y for p in drawn.points] == pytest.approx([middle] * 3)
    assert value_range([0.0], Bounds()) == (-1.0, 1.0)
    assert chart(daily([0.0]), Bounds(), SINCE, UNTIL, SHANGHAI).y_ticks


def test_an_empty_series_is_an_empty_chart():
    drawn = chart([], BATTERY, SINCE, UNTIL, SHANGHAI)
    assert drawn.empty and drawn.polyline == "" and not drawn.outside
    assert chart([], Bounds(), SINCE, UNTIL, SHANGHAI).empty


def test_readings_outside_their_limits_are_marked_and_few_readings_get_dots():
    samples = [*daily([13.4]), Sample(SINCE + timedelta(days=9), 11.8, "warning")]
    drawn = chart(samples, BATTERY, SINCE, UNTIL, SHANGHAI)
    assert [p.value for p in drawn.outside] == [11.8]
    assert len(drawn.dots) == 2
    many = chart(daily([13.4] * 29), BATTERY, SINCE, UNTIL, SHANGHAI)
    year = chart(
        [Sample(UNTIL - timedelta(days=365) + timedelta(days=n), 13.4) for n in range(365)],
        BATTERY,
        UNTIL - timedelta(days=365),
        UNTIL,
        SHANGHAI,
    )
    assert len(many.dots) == 29 and year.dots == () and len(year.points) == 365


def test_alerts_are_placed_on_the_time_axis_within_the_period():
    marks = [
        Mark(SINCE + timedelta(days=15), 7, "Battery low", "medium"),
        Mark(SINCE - timedelta(days=1), 8, "Before the period", "high"),
    ]
    drawn = chart(daily([13.4]), BATTERY, SINCE, UNTIL, SHANGHAI, marks)
    (marker,) = drawn.markers
    assert marker.alert_id == 7
    assert marker.x == pytest.approx(BOX.plot_left + BOX.plot_width / 2)


def test_value_ticks_are_round_numbers_inside_the_range():
    ticks = value_ticks(11.5, 16.3)
    assert [label for _, label in ticks] == ["12", "13", "14", "15", "16"]
    assert [label for _, label in value_ticks(9.07, 10.93)] == ["9.5", "10.0", "10.5"]
    assert all(label != "-0" for _, label in value_ticks(-0.3, 0.3))


def test_time_ticks_fall_on_site_midnights():
    week = time_ticks(UNTIL - timedelta(days=7), UNTIL, SHANGHAI, room=7)
    assert len(week) == 7
    for at, label in week:
        local = at.astimezone(SHANGHAI)
        assert (local.hour, local.minute) == (0, 0)
        assert label == local.strftime("%m-%d")
    month = time_ticks(SINCE, UNTIL, SHANGHAI, room=7)
    assert all(at.astimezone(SHANGHAI).weekday() == 0 for at, _ in month)  # Mondays
    year = time_ticks(UNTIL - timedelta(days=365), UNTIL, SHANGHAI, room=7)
    assert 2 <= len(year) <= 7
    assert all(at.astimezone(SHANGHAI).day == 1 for at, _ in year)
    assert year[0][1].startswith("2026-")


def test_time_ticks_across_a_dst_change_stay_on_local_midnight():
    berlin = ZoneInfo("Europe/Berlin")
    until = datetime(2026, 10, 28, 12, tzinfo=UTC)  # summer time ended on the 25th
    ticks = time_ticks(until - timedelta(days=7), until, berlin, room=7)
    assert {at.astimezone(berlin).hour for at, _ in ticks} == {0}
    offsets = {at.astimezone(berlin).utcoffset() for at, _ in ticks}
    assert offsets == {timedelta(hours=2), timedelta(hours=1)}


def test_a_thinned_series_is_drawn_as_its_bucket_means():
    start = SINCE
    buckets = [
        {"start": start, "end": start + timedelta(days=1), "mean": 3.0, "level": None},
        {"start": start + timedelta(days=1), "end": start + timedelta(days=2), "mean": 9.0,
         "level": "critical"},
    ]  # fmt: skip
    samples = samples_of({"count": 5000, "buckets": buckets})
    assert [(s.at, s.value, s.level) for s in samples] == [
        (start + timedelta(hours=12), 3.0, None),
        (start + timedelta(hours=36), 9.0, "critical"),
    ]
    readings = [{"at": start, "value": 1.0, "level": "warning", "record_id": 4}]
    assert samples_of({"count": 1, "readings": readings}) == [Sample(start, 1.0, "warning")]
