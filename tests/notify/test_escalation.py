"""A missed round climbs its site's escalation ladder by e-mail until someone acknowledges it;
a deadline that passes unrectified is announced once; resolving stops everything."""

import random
from datetime import time, timedelta

import httpx
import pytest
from sqlalchemy import select

from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.alerts import handling
from server.domain.clock import set_clock
from server.domain.models import (
    AlertSeverity,
    Escalation,
    EscalationPolicy,
    Notification,
    NotificationState,
    NotifyPreference,
    Organization,
)
from server.notify import delivery
from server.notify.channels.email import SmtpSettings
from tests.notify.outbox import PUBLIC_URL
from tests.notify.test_email import Sink
from tests.patrol.night import DUE, build_night

MIN = timedelta(minutes=1)
MISSED_AT = DUE + 61 * MIN  # the 22:00 round's window (60 min) is over: judged missed


@pytest.fixture
def night(db, client, make):
    return build_night(db, client, make)


@pytest.fixture
def mailbox(smtp_server):
    sink = Sink()
    return sink, smtp_server(sink)


@pytest.fixture
def ladder(db, make, night):
    """The site's people (each with an address and a language) and its policy: the duty
    supervisors now, the site manager after 15 minutes, then the operations manager every 30
    minutes, twice more."""
    org_id = night.site.org_id
    org = db.get(Organization, org_id)
    people = {}
    for name, role, language, on_site in (
        ("duty", Role.SUPERVISOR, "zh", True),
        ("manager", Role.SUPERVISOR, "en", False),
        ("ops", Role.ADMIN, "zh", False),
    ):
        user = make.user(org, role, sites=[night.site] if on_site else [], name=name)
        db.add(
            NotifyPreference(
                org_id=org_id,
                user_id=user.id,
                email=f"{name}@example.test",
                language=language,
                timezone="Asia/Shanghai",
                digest=False,
            )
        )
        people[name] = user
    policy = EscalationPolicy(
        org_id=org_id,
        site_id=night.site.id,
        name="夜班升级",
        min_severity=AlertSeverity.MEDIUM,
        steps=[
            {"after_min": 0, "roles": ["supervisor"]},
            {"after_min": 15, "user_ids": [people["manager"].id]},
            {"after_min": 30, "user_ids": [people["ops"].id], "repeat": 2},
        ],
        rectify_hours={},
    )
    db.add(policy)
    db.flush()
    return people, policy


@pytest.fixture
def deliver(app, client, mailbox):
    """A delivery pass as of an instant, mail handed to the loopback SMTP server."""
    _, controller = mailbox
    smtp = SmtpSettings("127.0.0.1", controller.port, "Vigil <alerts@vigil.example>", timeout=5)
    sessions = app.extensions["vigil"].sessionmaker
    rng = random.Random(19)

    def run(now):
        with httpx.Client(trust_env=False) as http:
            return delivery.deliver(
                sessions, delivery.channels(http, smtp), now, "w1", public_url=PUBLIC_URL, rng=rng
            )

    return run


def told(sink):
    """(recipient, subject) of each mail, in order."""
    return [(str(mail["To"]), str(mail["Subject"])) for mail in sink.mails]


def as_user(user):
    return set_actor(Actor(user.id, user.org_id, user.role, frozenset(user.site_ids)))


def test_a_missed_round_climbs_the_ladder_until_acknowledged(night, ladder, mailbox, deliver, db):
    people, _ = ladder
    sink, _ = mailbox
    night.sweep(DUE - timedelta(hours=1))
    night.sweep(MISSED_AT)
    (missed,) = night.alerts(kind="round_missed")
    assert missed.severity is AlertSeverity.HIGH
    # Rectify within 10 days (a major problem, from the manuals' grades).
    assert missed.due_at == missed.raised_at + timedelta(days=10)

    assert deliver(MISSED_AT) == 1
    assert [to for to, _ in told(sink)] == ["duty@example.test"]
    first = sink.mails[0]
    body = first.get_body(("plain",)).get_content()
    assert "湖畔花园" in body and "新告警" in body and "/console/alerts/" in body

    night.sweep(MISSED_AT + 14 * MIN)
    assert deliver(MISSED_AT + 14 * MIN) == 0  # the manager's turn is not yet
    night.sweep(MISSED_AT + 15 * MIN)
    assert deliver(MISSED_AT + 15 * MIN) == 1
    assert told(sink)[-1][0] == "manager@example.test"
    manager_mail = sink.mails[-1].get_body(("plain",)).get_content()
    assert "Still not acknowledged" in manager_mail  # in the manager's language

    night.sweep(MISSED_AT + 45 * MIN)
    assert deliver(MISSED_AT + 45 * MIN) == 1
    assert told(sink)[-1][0] == "ops@example.test"
    assert "告警仍未确认" in sink.mails[-1].get_body(("plain",)).get_content()

    token = as_user(people["duty"])
    try:
        handling.acknowledge(db, missed.id, "在处理，已联系保安队长")
        db.flush()
    finally:
        reset_actor(token)
    for minutes in (75, 105, 300):
        night.sweep(MISSED_AT + minutes * MIN)
        assert deliver(MISSED_AT + minutes * MIN) == 0
    assert [to for to, _ in told(sink)] == [
        "duty@example.test",
        "manager@example.test",
        "ops@example.test",
    ]
    assert db.get(Escalation, missed.id) is None  # the ladder ended


def test_without_acknowledgement_the_last_step_repeats_its_limit_then_stops(
    night, ladder, mailbox, deliver
):
    sink, _ = mailbox
    night.sweep(DUE - timedelta(hours=1))
    for minutes in (0, 15, 45, 75, 105, 135, 165, 600):
        night.sweep(MISSED_AT + minutes * MIN)
        deliver(MISSED_AT + minutes * MIN)
    assert [to for to, _ in told(sink)] == [
        "duty@example.test",
        "manager@example.test",
        "ops@example.test",  # the step, then its two repeats
        "ops@example.test",
        "ops@example.test",
    ]
    # Each telling has its own Message-ID: a mail server de-duplicating keeps them all.
    assert len({mail["Message-ID"] for mail in sink.mails}) == 5


def test_an_acknowledged_rung_planned_but_not_sent_is_cancelled(
    night, ladder, mailbox, deliver, db
):
    people, _ = ladder
    sink, _ = mailbox
    night.sweep(DUE - timedelta(hours=1))
    night.sweep(MISSED_AT)
    deliver(MISSED_AT)
    night.sweep(MISSED_AT + 15 * MIN)  # the manager's rung is planned...
    (missed,) = night.alerts(kind="round_missed")
    token = as_user(people["duty"])
    try:
        handling.acknowledge(db, missed.id, "on it")  # ...and acknowledged before it goes
        db.flush()
    finally:
        reset_actor(token)
    assert deliver(MISSED_AT + 15 * MIN) == 0
    assert [to for to, _ in told(sink)] == ["duty@example.test"]
    states = db.scalars(select(Notification.state).order_by(Notification.id)).all()
    assert list(states) == [NotificationState.DELIVERED, NotificationState.CANCELLED]


def test_a_passed_deadline_is_announced_once_to_the_ladder(night, ladder, mailbox, deliver, db):
    _, policy = ladder
    sink, _ = mailbox
    policy.rectify_hours = {"high": 2}
    db.flush()
    night.sweep(DUE - timedelta(hours=1))
    night.sweep(MISSED_AT)
    (missed,) = night.alerts(kind="round_missed")
    assert missed.due_at == missed.raised_at + timedelta(hours=2)
    token = as_user(ladder[0]["duty"])
    try:
        handling.acknowledge(db, missed.id, "on it")  # acknowledged, not yet rectified
        db.flush()
    finally:
        reset_actor(token)
    deliver(MISSED_AT)
    sink.mails.clear()
    late = MISSED_AT + timedelta(hours=2, minutes=1)
    set_clock(lambda: late)
    night.sweep(late)  # the deadline passes: an "overdue" line...
    night.sweep(late + MIN)  # ...planned in the next pass
    deliver(late + MIN)
    assert sorted(to for to, _ in told(sink)) == [
        "duty@example.test",
        "manager@example.test",
        "ops@example.test",
    ]
    assert all(
        "整改已逾期" in m.get_body(("plain",)).get_content()
        or "overdue" in m.get_body(("plain",)).get_content()
        for m in sink.mails
    )
    night.sweep(late + 60 * MIN)
    assert deliver(late + 60 * MIN) == 0  # announced once


def test_a_person_without_quiet_hours_set_gets_news_at_night(night, ladder, db):
    people, _ = ladder
    preference = db.get(NotifyPreference, people["duty"].id)
    preference.quiet_start, preference.quiet_end = time(22, 0), time(7, 0)
    db.flush()
    night.sweep(DUE - timedelta(hours=1))
    night.sweep(MISSED_AT)  # 23:01 in Shanghai, in the quiet hours, but the alert is high
    (row,) = db.scalars(select(Notification)).all()
    assert row.state is NotificationState.PENDING
