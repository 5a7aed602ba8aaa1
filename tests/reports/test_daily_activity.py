"""A night shift's daily activity report, gathered from a real night: what a supervisor relies on
is there, in time order, at its true instants; nothing from outside the shift or the site; and
the fingerprint moves with late data, and only with it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from server.domain.actor import Actor, Role
from server.domain.alerts import handling
from server.domain.clock import set_clock
from server.domain.errors import Invalid, NotFound
from server.domain.models import RoundStatus
from server.domain.reports.daily_activity import fingerprint, gather, shift_at, shift_period
from server.http.acting import acting_as
from tests.reports.night_shift import DAY, SINCE, UNTIL, Shift, local, photo


def gathered(shift: Shift, language: str = "zh"):
    return gather(shift.night.db, shift.night.site.id, DAY, "20:00", language)


def test_the_shift_runs_from_its_start_to_the_next_ones_in_true_utc(shift):
    report = gathered(shift)
    assert (report.site_name, report.timezone) == ("湖畔花园", "Asia/Shanghai")
    assert (report.shift.name, report.shift.day) == ("夜班", DAY)
    assert (report.shift.since, report.shift.until) == (SINCE, UNTIL)


def test_rounds_due_in_the_shift_in_time_order_with_their_stops(shift):
    walked, missed = gathered(shift).rounds  # not the 02:00 before the shift, nor 08:00 after
    assert [(r.due_at, r.status) for r in (walked, missed)] == [
        (local("22:00"), RoundStatus.COMPLETED),
        (local("02:00", next_day=True), RoundStatus.MISSED),
    ]
    assert walked.route == "夜间巡逻 Night patrol" and not walked.voluntary
    assert (walked.guard, walked.assignee) == ("王伟", "王伟")
    assert (walked.started_at, walked.finished_at) == (local("22:01"), local("22:32"))
    assert [(s.checkpoint_name, s.status) for s in walked.stops] == [
        ("北门岗亭", "on_time"),
        ("地下车库B1", "on_time"),
        ("配电房", "late"),
        ("南门", "on_time"),
    ]
    late = walked.stops[2]
    assert (late.planned_at, late.scanned_at, late.minutes_off) == (
        local("22:21"),
        local("22:30"),
        9.0,
    )
    assert late.scanned_at.utcoffset() == timedelta(0)
    garage = walked.stops[1]
    assert (garage.photos, garage.note) == ([shift.scan_photo], "车库灯坏了一盏")
    assert [s.status for s in missed.stops] == ["missed"] * 4
    assert missed.guards == () and missed.guard == "王伟"  # no one walked it: whose it was


def test_incidents_and_shift_notes_of_the_site_in_the_shift_only(shift):
    report = gathered(shift)
    [leak] = report.incidents  # not 08:01's, nor the other sites'
    assert (leak.at, leak.guard, leak.category, leak.severity) == (
        local("23:30"),
        "王伟",
        "water_leak",
        "medium",
    )
    assert (leak.text, leak.checkpoint) == ("地下车库B1漏水", "地下车库B1")
    assert (leak.photos, leak.photos_awaited) == ((shift.leak_photo,), 0)
    assert [(n.kind, n.note, n.at) for n in report.shift_notes] == [
        ("clock_in", "接班，一切正常", local("20:01")),
        ("handover", "交班：B1漏水已报修", local("07:55", next_day=True)),
    ]
    assert report.handover == report.shift_notes[-1]


def test_an_alert_raised_and_resolved_in_the_shift_with_its_notes(shift):
    report = gathered(shift)
    [missed] = [a for a in report.alerts if a.kind == "round_missed"]
    assert missed.raised_at == local("03:01", next_day=True)
    assert (missed.acknowledged_at, missed.acknowledged_by) == (
        local("03:10", next_day=True),
        "李主管",
    )
    assert (missed.resolved_at, missed.resolved_by) == (local("03:30", next_day=True), "李主管")
    assert [(n.action, n.by, n.note) for n in missed.notes] == [
        ("acknowledged", "李主管", "已通知班长"),
        ("resolved", "李主管", "保安已补巡，未见异常"),
    ]
    assert missed.title == "夜间巡逻 Night patrol 2026-11-21 02:00 的巡更漏巡：一个点也未扫描"
    [english] = [a for a in gathered(shift, "en").alerts if a.kind == "round_missed"]
    assert english.title != missed.title


def test_an_inspection_with_the_reading_it_found_too_high(shift):
    [record] = gathered(shift).inspections
    assert (record.asset, record.template, record.inspector, record.status) == (
        "1号发电机",
        "发电机周检",
        "赵工",
        "abnormal",
    )
    assert record.at == local("04:00", next_day=True)
    [hot] = record.abnormal
    assert (hot.value, hot.unit, hot.level, hot.side, hot.limit) == (
        88,
        "°C",
        "warning",
        "high",
        80,
    )
    [english] = gathered(shift, "en").inspections
    assert english.template == "Generator weekly"


def test_the_figures_count_what_the_report_lists(shift):
    assert gathered(shift).figures == {
        "rounds": 2,
        "rounds_scheduled": 0,
        "rounds_in_progress": 0,
        "rounds_completed": 1,
        "rounds_incomplete": 0,
        "rounds_missed": 1,
        "rounds_late_start": 1,  # as the judge marks it: the missed round never began
        "voluntary_rounds": 0,
        "stops_scanned": 4,
        "stops_missed": 4,
        "stops_late": 1,
        "incidents": 1,
        "shift_notes": 2,
        "alerts_raised": 3,  # the late stop's, the missed round's, the hot generator's
        "alerts_resolved": 1,
        "inspections": 1,
        "abnormal_readings": 1,
    }


def test_a_late_scan_changes_the_fingerprint_and_the_figures_an_unchanged_one_does_not(shift):
    night = shift.night
    before = gathered(shift)
    night.sweep(local("09:00", next_day=True))  # the evaluator passes; nothing new
    assert fingerprint(gathered(shift)) == fingerprint(before)
    assert len(fingerprint(before)) == 64
    # A handheld in the basement all night syncs at last: the 02:00 round was walked.
    for n, minute in enumerate((5, 15, 25, 35)):
        night.scan(n, local(f"02:{minute:02d}", next_day=True), device=1)
    night.sync(local("09:30", next_day=True), device=1)
    night.sweep(local("09:31", next_day=True))
    after = gathered(shift)
    assert fingerprint(after) != fingerprint(before)
    assert (before.figures["rounds_missed"], after.figures["rounds_missed"]) == (1, 0)
    assert (before.figures["stops_scanned"], after.figures["stops_scanned"]) == (4, 8)


def test_what_happens_to_an_alert_after_the_shift_is_the_next_ones(shift, db):
    before = gathered(shift)
    [alert] = shift.night.alerts(kind="inspection_out_of_bounds")
    with acting_as(Actor(shift.boss.id, shift.org.id, Role.SUPERVISOR,
                         frozenset({shift.night.site.id}))):  # fmt: skip
        set_clock(lambda: local("10:00", next_day=True))
        handling.acknowledge(db, alert.id, "白班处理")
    assert fingerprint(gathered(shift)) == fingerprint(before)


def test_the_queries_do_not_grow_with_the_rows(shift, app, make):
    engine = app.extensions["vigil"].engine
    counted = []

    def count(*_):
        counted[-1] += 1

    def queries() -> int:
        counted.append(0)
        shift.night.db.expire_all()  # as a new session would: nothing read before
        event.listen(engine, "before_cursor_execute", count)
        try:
            gathered(shift)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return counted[-1]

    few = queries()
    night = shift.night
    extra = photo(night.db, shift.org, 3)
    night.record("incident", local("21:00"), category="other", severity="low", text="又一件",
                 photos=[extra])  # fmt: skip
    night.record("shift", local("21:05"), kind="handover", note="换人")
    night.sync(local("21:10"))
    assert queries() == few


def test_another_sites_id_or_none_is_not_found(shift):
    with pytest.raises(NotFound):
        gather(shift.night.db, 10**9, DAY, "20:00", "zh")


def test_an_unknown_shift_start_or_language_is_refused(shift):
    with pytest.raises(Invalid) as refused:
        gather(shift.night.db, shift.night.site.id, DAY, "21:00", "zh")
    assert refused.value.errors == {"start": ["one of 08:00, 20:00"]}
    with pytest.raises(Invalid) as refused:
        gather(shift.night.db, shift.night.site.id, DAY, "20:00", "fr")
    assert "language" in refused.value.errors


BERLIN = [{"name": "Frühschicht", "start": "06:00"}, {"name": "Tag", "start": "14:00"},
          {"name": "Nacht", "start": "22:00"}]  # fmt: skip


@pytest.mark.parametrize(
    ("day", "start", "since", "until"),
    [
        # Spring forward (02:00 -> 03:00 on 29 March): the night is an hour short.
        (date(2026, 3, 28), "22:00", "2026-03-28T21:00", "2026-03-29T04:00"),
        (date(2026, 3, 29), "06:00", "2026-03-29T04:00", "2026-03-29T12:00"),
        # Fall back (03:00 -> 02:00 on 25 October): the night is an hour long.
        (date(2026, 10, 24), "22:00", "2026-10-24T20:00", "2026-10-25T05:00"),
        (date(2026, 10, 25), "14:00", "2026-10-25T13:00", "2026-10-25T21:00"),
    ],
)
def test_shifts_across_a_change_of_clocks_in_berlin(make, day, start, since, until):
    site = make.site(make.org(), timezone="Europe/Berlin", shifts=BERLIN)
    period = shift_period(site, day, start)
    assert (period.since, period.until) == (
        datetime.fromisoformat(since).replace(tzinfo=UTC),
        datetime.fromisoformat(until).replace(tzinfo=UTC),
    )


def test_a_shift_starting_in_the_skipped_hour_starts_when_the_clocks_resume(make):
    shifts = [{"name": "A", "start": "02:30"}, {"name": "B", "start": "14:30"}]
    site = make.site(make.org(), timezone="Europe/Berlin", shifts=shifts)
    period = shift_period(site, date(2026, 3, 29), "02:30")  # read as 03:30 CEST, as schedules do
    assert period.since == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_every_instant_of_a_week_of_changing_clocks_falls_in_exactly_its_shift(make):
    site = make.site(make.org(), timezone="Europe/Berlin", shifts=BERLIN)
    instant = datetime(2026, 10, 22, 0, 0, tzinfo=UTC)
    previous = None
    while instant < datetime(2026, 10, 28, tzinfo=UTC):
        period = shift_at(site, instant)
        assert period.since <= instant < period.until
        assert period == shift_period(site, period.day, period.start)
        if previous is not None and period != previous:
            assert period.since == previous.until  # shifts follow each other, no gap or overlap
        previous, instant = period, instant + timedelta(minutes=20)


def test_the_default_shifts_are_the_day_and_the_night(make):
    site = make.site(make.org())  # Shanghai, no shifts said
    morning = shift_at(site, datetime(2026, 12, 1, 23, 0, tzinfo=UTC))  # 07:00 on the 2nd
    assert (morning.name, morning.day) == ("夜班", date(2026, 12, 1))
    assert shift_at(site, datetime(2026, 12, 2, 0, 0, tzinfo=UTC)).name == "白班"
    night = shift_period(site, date(2026, 12, 1), "20:00")
    assert (night.name, night.since, night.until) == (
        "夜班",
        datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
        datetime(2026, 12, 2, 0, 0, tzinfo=UTC),
    )
