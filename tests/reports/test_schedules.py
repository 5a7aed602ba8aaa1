"""Reports on a schedule, end to end: every shift's report e-mailed to the site manager (the
PDF attached, through a real SMTP server) and announced to a webhook once the shift is over;
asked for once; an empty shift's report not sent unless the schedule says so."""

import hashlib
import random
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from server import worker
from server.domain.clock import set_clock
from server.domain.models import Notification, NotificationState, Report, ReportState
from server.notify import delivery
from server.reports import making
from tests.notify.conftest import receiver, smtp_server  # noqa: F401  (fixtures)
from tests.notify.outbox import new_secret, verifying
from tests.notify.test_email import Sink, settings
from tests.reports.night_shift import SINCE, UNTIL, Shift, local

AFTER = local("08:30", next_day=True)
PUBLIC_URL = "https://vigil.example"


@pytest.fixture
def post(client, make, shift: Shift):
    """A call as the site's supervisor, with a token that outlives the tests' clock moves."""
    headers = {"Authorization": f"Bearer {make.token(shift.boss, timedelta(days=3))}"}
    return lambda path, body: client.post(path, json=body, headers=headers)


@pytest.fixture
def inbox(smtp_server):  # noqa: F811
    sink = Sink()
    return sink, settings(smtp_server(sink))


def reports_in(sink: Sink) -> list:
    return [mail for mail in sink.mails if list(mail.iter_attachments())]


def deliver(app, db, smtp, at):
    """The worker's pass as of `at`: its stages, the reports, then delivery."""
    set_clock(lambda: at)
    vigil = app.extensions["vigil"]
    worker.sweep(db, at)
    made = making.make(db, vigil.blobs, at)
    with httpx.Client(trust_env=False, timeout=5) as client:
        sent = delivery.deliver(
            vigil.sessionmaker,
            delivery.channels(client, smtp),
            at,
            "w1",
            public_url=PUBLIC_URL,
            rng=random.Random(20),
            read=delivery.reader(vigil.blobs),
        )
    return made, sent


def test_each_shifts_report_is_mailed_with_its_pdf_and_announced_once_the_shift_is_over(
    app,
    db,
    make,
    shift,
    post,
    inbox,
    receiver,  # noqa: F811
):
    sink, smtp = inbox
    make.notify_preference(shift.boss, email="manager@example.test")
    secret = new_secret()
    hook = receiver(verifying(secret))
    endpoint = make.notify_endpoint(shift.org, url=hook.url, secrets=[secret])
    set_clock(lambda: local("21:00"))  # set up during the night shift: it is the first
    created = post(
        "/api/v1/report-schedules",
        {
            "site_id": shift.night.site.id,
            "name": "夜班日报",
            "kind": "daily_activity",
            "user_ids": [shift.boss.id],
            "endpoint_ids": [endpoint.id],
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["cadence"] == "shift" and created.json["done_until"] == SINCE.isoformat()
    # At 07:00 the shift is not over: nothing is asked for.
    assert deliver(app, db, smtp, local("07:00", next_day=True)) == (0, 0)
    assert db.scalars(select(Report)).all() == []

    assert deliver(app, db, smtp, AFTER)[0] == 1
    (report,) = db.scalars(select(Report)).all()
    assert (report.state, report.since, report.until) == (ReportState.MADE, SINCE, UNTIL)
    # The manager hears of other things too (a daily digest); of reports, of this one.
    (mail,) = reports_in(sink)
    assert mail["To"] == "manager@example.test"
    assert mail["Subject"] == "湖畔花园 安保日报 2026-11-20 夜班"
    (attached,) = list(mail.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename().endswith(".pdf") and "安保日报" in attached.get_filename()
    assert hashlib.sha256(attached.get_content()).hexdigest() == report.sha256
    # The endpoint follows the site's alerts too; of reports it got this one.
    (announced,) = [r for r in hook.received if r.json()["type"].startswith("report.")]
    body = announced.json()
    assert body["type"] == "report.made" and not hook.rejections
    assert (body["data"]["report_id"], body["data"]["sha256"]) == (report.id, report.sha256)

    # The next pass asks for nothing more and sends nothing twice.
    heard = len(hook.received)
    assert deliver(app, db, smtp, AFTER + timedelta(minutes=15)) == (0, 0)
    assert len(reports_in(sink)) == 1 and len(hook.received) == heard


def test_an_empty_shifts_report_is_not_sent_unless_asked(app, db, make, shift, post, inbox):
    sink, smtp = inbox
    quiet = make.site(shift.org, name="望江苑")  # nothing happens here
    shift.boss.sites.append(quiet)
    db.flush()
    boss = make.user(shift.org, "supervisor", [quiet], name="周经理")
    make.notify_preference(boss, email="zhou@example.test")
    set_clock(lambda: local("21:00"))
    for send_empty in (False, True):
        made = post(
            "/api/v1/report-schedules",
            {
                "site_id": quiet.id,
                "name": f"日报 {send_empty}",
                "kind": "daily_activity",
                "user_ids": [boss.id],
                "send_empty": send_empty,
            },
        )
        assert made.status_code == 201, made.json
    assert deliver(app, db, smtp, AFTER)[0] == 1  # one report: both schedules asked for it
    (report,) = db.scalars(select(Report).where(Report.site_id == quiet.id)).all()
    assert not any(report.figures.values())
    (told,) = db.scalars(select(Notification).where(Notification.report_id == report.id)).all()
    assert told.state is NotificationState.DELIVERED  # once, for the schedule that sends empties
    assert [m["To"] for m in reports_in(sink)] == ["zhou@example.test"]


def test_a_schedule_tells_someone_of_its_organization(post, shift, make):
    body = {"site_id": shift.night.site.id, "name": "日报", "kind": "daily_activity"}
    nobody = post("/api/v1/report-schedules", body)
    assert nobody.status_code == 422 and "user_ids" in nobody.json["errors"]
    stranger = make.user(make.org(), "supervisor")
    elsewhere = post("/api/v1/report-schedules", body | {"user_ids": [stranger.id]})
    assert elsewhere.status_code == 422
    assert elsewhere.json["errors"] == {"user_ids": [f"unknown {stranger.id}"]}
    audits = post("/api/v1/report-schedules", body | {"kind": "audit", "user_ids": [1]})
    assert audits.status_code == 422 and "kind" in audits.json["errors"]
