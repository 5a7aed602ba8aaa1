"""Noise control by e-mail through aiosmtpd, with the worker's real stages: quiet hours hold a
night's low alert for the morning digest and let a critical one through at once; the digest
goes once, at the person's hour, and never on a day with nothing in it."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from server import worker
from server.domain.alerts import handling
from server.domain.clock import set_clock
from server.domain.models import (
    AlertSeverity,
    EscalationPolicy,
    Notification,
    NotificationState,
    NotifyPreference,
    Organization,
)
from tests.notify.outbox import PUBLIC_URL, found
from tests.notify.people import acting_as, mail_deliverer, person, plain, told
from tests.notify.test_email import Sink
from tests.patrol.night import DUE, build_night

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
# DUE is 22:00 in Shanghai on 2026-11-20; its digest hour, 08:00, is ten hours later.
MORNING = DUE + 10 * HOUR
QUIET = {"quiet_start": time(22, 0), "quiet_end": time(7, 0)}


@pytest.fixture
def mailbox(smtp_server):
    sink = Sink()
    return sink, smtp_server(sink)


@pytest.fixture
def deliver(app, db, mailbox):
    return mail_deliverer(app.extensions["vigil"].sessionmaker, mailbox[1].port)


def sweep(db, at):
    """One evaluator pass as of at (the clock set there, as alerts are stamped by it)."""
    set_clock(lambda: at)
    counts = worker.sweep(db, at)
    assert not counts.failed, counts
    return counts


def items(text):
    """The list items of a mail's plain text."""
    return [line for line in text.splitlines() if line.startswith("- ")]


def rows(db, user):
    db.expire_all()
    return list(
        db.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


@pytest.fixture
def night(app, db, make):
    """The night shift, its site watching for guards silent over 42 minutes, and its duty
    supervisor, in quiet hours 22:00-07:00, on the first (and only) step of the site's policy."""
    found_night = build_night(db, app.test_client(), make)
    site = found_night.site
    site.inactivity_min = 42
    duty = person(db, make, db.get(Organization, site.org_id), [site], "duty", **QUIET)
    db.add(
        EscalationPolicy(
            org_id=site.org_id,
            site_id=site.id,
            name="夜班",
            min_severity=AlertSeverity.LOW,
            steps=[{"after_min": 0, "roles": ["supervisor"]}],
            rectify_hours={},
        )
    )
    db.flush()
    return found_night, duty


def test_quiet_hours_hold_a_low_alert_for_the_digest_and_let_a_critical_one_through(
    night, db, mailbox, deliver
):
    shift, duty = night
    sink, _ = mailbox
    sweep(db, DUE - HOUR)  # 21:00: the round is made; today's digest hour (08:00) is past...
    assert told(sink.mails) == []  # ...and the day had nothing in it
    shift.record("shift", DUE - 10 * MIN, kind="clock_in")
    for n, stop in enumerate([0, 2, 1, 3]):  # out of order; the last scan at 22:20
        shift.scan(stop, DUE + (2 + 6 * n) * MIN)
    shift.sync(DUE + 21 * MIN)

    sweep(db, DUE + 60 * MIN)  # 23:00: the round is judged, walked out of order
    (low,) = shift.alerts()
    assert (low.kind, low.severity) == ("round_out_of_order", AlertSeverity.LOW)
    (held,) = rows(db, duty)
    assert (held.alert_id, held.state) == (low.id, NotificationState.HELD)
    assert deliver(DUE + 60 * MIN) == 0
    assert deliver(DUE + 90 * MIN) == 0  # held, not merely waiting
    assert sink.mails == []

    sweep(db, DUE + 65 * MIN)  # 23:05: the guard silent for 45 minutes
    (critical,) = shift.alerts(kind="guard_inactive")
    assert critical.severity is AlertSeverity.CRITICAL
    assert deliver(DUE + 65 * MIN) == 1  # at once, quiet hours or not
    assert told(sink.mails) == [("duty@example.test", "王伟 在岗，自 22:20 起无信号（限 42 分钟）")]
    assert "级别：严重" in plain(sink.mails[0])
    for minutes in (90, 9 * 60):  # the rest of the night brings nothing more
        sweep(db, DUE + minutes * MIN)
        assert deliver(DUE + minutes * MIN) == 0

    assert sweep(db, MORNING - MIN).digests == 0  # 07:59: not yet their hour
    assert sweep(db, MORNING).digests == 1  # 08:00
    assert deliver(MORNING) == 1
    (_, digest_mail) = sink.mails
    assert told([digest_mail]) == [("duty@example.test", "Vigil 每日汇总：2 条告警")]
    text = plain(digest_mail)
    held_part, open_part = text.split("您负责项目仍未处理的告警")
    assert "免打扰时段内暂缓的通知 (1)" in held_part and "(1)" in open_part
    # The held alert, with its site and Chinese title, once; then the other one still open.
    assert items(held_part) == [
        "- [低] 夜间巡逻 Night patrol 2026-11-20 22:00 的巡更未按顺序巡查 · 湖畔花园"
        f" · 2026-11-20 23:00 +08:00 · {PUBLIC_URL}/console/alerts/{low.id}"
    ]
    (still_open,) = items(open_part)
    assert still_open.startswith("- [严重] 王伟 在岗，自 22:20 起无信号")
    assert still_open.endswith(f"/console/alerts/{critical.id}")
    assert "<h3>免打扰时段内暂缓的通知 (1)</h3>" in digest_mail.get_body(("html",)).get_content()
    held_row, critical_row, digest_row = rows(db, duty)
    assert (digest_row.change, digest_row.alert_id, digest_row.state) == (
        "digest",
        None,
        NotificationState.DELIVERED,
    )
    assert (held_row.state, held_row.batch_id) == (NotificationState.DIGESTED, digest_row.id)
    assert critical_row.state is NotificationState.DELIVERED

    assert sweep(db, MORNING + MIN).digests == 0  # the next pass: one digest a day
    assert deliver(MORNING + MIN) == 0
    shift.record("shift", MORNING - HOUR, kind="clock_out")  # the shift ends at 07:00...
    shift.sync(MORNING + 30 * MIN)
    with acting_as(duty):
        for alert in (low, critical):
            handling.resolve(db, alert.id, "已处理")  # both dealt with in the morning
    db.flush()
    tonight = DUE + 24 * HOUR
    for stop in range(4):  # the next night's round is walked as it should be
        shift.scan(stop, tonight + (2 + 6 * stop) * MIN)
    shift.sync(tonight + 21 * MIN)
    for at in (MORNING + HOUR, tonight + HOUR, MORNING + 24 * HOUR, MORNING + 25 * HOUR):
        assert sweep(db, at).digests == 0  # the next morning has nothing in it
        assert deliver(at) == 0
    assert len(sink.mails) == 2
    assert [a.state.value for a in shift.alerts()] == ["resolved", "resolved"]
    assert db.get(NotifyPreference, duty.id).digest_done_on == date(2026, 11, 22)


def test_an_empty_day_sends_no_digest_and_a_day_with_an_open_alert_sends_one(
    db, make, mailbox, deliver
):
    sink, _ = mailbox
    org = make.org()
    home, elsewhere = make.site(org, name="湖畔花园"), make.site(org, name="滨江大厦")
    manager = person(db, make, org, [home], "manager", language="en")
    set_clock(lambda: MORNING - 2 * HOUR)
    found(db, elsewhere, 1, severity=AlertSeverity.MEDIUM)  # open, but not at their site

    assert sweep(db, MORNING - MIN).digests == 0
    assert sweep(db, MORNING).digests == 0  # their hour, with nothing in it
    assert deliver(MORNING) == 0 and sink.mails == []
    db.expire_all()
    # The day is done: later passes do not look again.
    assert db.get(NotifyPreference, manager.id).digest_done_on == date(2026, 11, 21)
    assert sweep(db, MORNING + HOUR).digests == 0

    set_clock(lambda: MORNING + 3 * HOUR)
    alert = found(db, home, 2, severity=AlertSeverity.MEDIUM)  # 11:00, at their site
    for at in (MORNING + 3 * HOUR, MORNING + 23 * HOUR):
        assert sweep(db, at).digests == 0  # told in tomorrow's digest, not before
        assert deliver(at) == 0
    assert sweep(db, MORNING + 24 * HOUR).digests == 1
    assert deliver(MORNING + 24 * HOUR) == 1
    (mail,) = sink.mails
    assert str(mail["To"]) == "manager@example.test"
    assert str(mail["Subject"]).startswith("Vigil daily digest: 1 alert")
    text = plain(mail)
    assert "Still open at your sites (1)" in text and "Held during" not in text
    assert "1号发电机: 月度检查 overdue by 3 days" in text and "湖畔花园" in text
    assert f"/console/alerts/{alert.id}" in text and "滨江大厦" not in text
    for at in (MORNING + 24 * HOUR + MIN, MORNING + 30 * HOUR):
        assert sweep(db, at).digests == 0  # once
        assert deliver(at) == 0
    assert len(sink.mails) == 1
