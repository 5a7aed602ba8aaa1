"""A daily activity report end to end: asked for through the API, made by the worker's step,
fetched as a PDF that says what the database holds; made once, amended by late data into a new
version while the first stays as it was."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.domain.clock import set_clock
from server.domain.models import Report, ReportState, Round, RoundStatus
from server.reports import making
from tests.reports.night_shift import SINCE, UNTIL, Shift, local
from tests.reports.poppler import NEEDS_POPPLER, pages, run

pytestmark = NEEDS_POPPLER
# What the suite made, for people to look at (git ignores it), beside the console's screenshots.
LOOK = Path(__file__).parents[1] / "web" / "screenshots"

ASK = {"kind": "daily_activity", "day": "2026-11-20", "shift": "20:00"}
LATER = local("09:00", next_day=True)


@pytest.fixture
def ask(client, make, shift: Shift):
    """POST /api/v1/reports as the site's supervisor; (status, body)."""
    # The tests move the clock through the next day: a token that outlives it.
    headers = {"Authorization": f"Bearer {make.token(shift.boss, timedelta(days=2))}"}

    def run(**extra):
        body = {"site_id": shift.night.site.id, **ASK, **extra}
        answer = client.post("/api/v1/reports", json=body, headers=headers)
        return answer.status_code, answer.get_json()

    run.headers = headers
    return run


def work(app, db, at):
    """The worker's report step as of `at`."""
    set_clock(lambda: at)
    return making.make(db, app.extensions["vigil"].blobs, at)


def fetch(client, headers, report_id):
    return client.get(f"/api/v1/reports/{report_id}/file", headers=headers)


def test_asked_for_made_by_the_worker_and_fetched_as_the_database_says(
    app, db, client, shift, ask, tmp_path
):
    status, asked = ask()
    assert status == 202 and asked["state"] == "requested" and asked["version"] == 1
    assert (asked["since"], asked["until"]) == (SINCE.isoformat(), UNTIL.isoformat())
    waiting = fetch(client, ask.headers, asked["id"])
    assert waiting.status_code == 409 and waiting.get_json()["code"] == 409
    assert work(app, db, LATER) == 1

    answer = fetch(client, ask.headers, asked["id"])
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    data = answer.get_data()
    made = client.get(f"/api/v1/reports/{asked['id']}", headers=ask.headers).get_json()
    assert made["state"] == "made" and made["sha256"] == hashlib.sha256(data).hexdigest()
    text = "\f".join(pages(data))
    LOOK.mkdir(exist_ok=True)
    (LOOK / "report-daily-activity-zh.pdf").write_bytes(data)
    # The names as people wrote them, in Chinese; every page numbered of the whole.
    for words in ("湖畔花园 安保日报", "夜班", "北门岗亭", "王伟", "地下车库B1漏水", "1号发电机",
                  "保安已补巡", "交班：B1漏水已报修", "漏水 · 中"):  # fmt: skip
        assert words in text, words
    total = len(pages(data))
    assert all(f"第 {n} 页 / 共 {total} 页" in page for n, page in enumerate(pages(data), 1))
    # Statuses are words, not colours; the figures are the database's.
    assert "✘ 漏巡" in text and "! 迟到" in text
    rounds = db.execute(
        select(Round.status, func.count())
        .where(Round.site_id == shift.night.site.id, Round.due_at >= SINCE, Round.due_at < UNTIL)
        .group_by(Round.status)
    ).all()
    counted = dict(rounds)
    assert counted == {RoundStatus.COMPLETED: 1, RoundStatus.MISSED: 1}
    assert f"应巡 2 轮：完成 {counted[RoundStatus.COMPLETED]}，未完成 0，漏巡 1" in text
    assert made["figures"]["rounds_missed"] == 1
    # Every font embedded, no base-14 font a viewer would have to substitute.
    for line in run("pdffonts", data).splitlines()[2:]:
        assert " yes " in line and "Helvetica" not in line, line


def test_asking_again_answers_with_the_report_made_once(app, db, client, shift, ask):
    _, first = ask()
    assert ask() == (200, first)  # waiting: the same request
    work(app, db, LATER)
    status, again = ask()
    assert status == 200 and again["id"] == first["id"] and again["state"] == "made"
    assert work(app, db, LATER + timedelta(minutes=10)) == 0  # nothing new to make
    assert db.scalar(select(func.count()).select_from(Report)) == 1
    english = ask(language="en")
    assert english[0] == 202 and english[1]["id"] != first["id"]  # another report: its own


def test_late_data_makes_an_amended_version_and_the_first_stays(
    app, db, client, shift, ask, tmp_path
):
    _, asked = ask()
    work(app, db, LATER)
    first = fetch(client, ask.headers, asked["id"]).get_data()
    # Nothing new arrived: a look finds nothing to amend.
    assert work(app, db, LATER + timedelta(minutes=10)) == 0
    # The handheld that walked the 02:00 round was out of signal all night: it syncs at 10:00.
    night = shift.night
    for stop in range(4):
        night.scan(stop, local("02:05", next_day=True) + timedelta(minutes=5 * stop))
    night.sync(local("10:00", next_day=True))
    night.sweep(local("10:01", next_day=True))
    assert work(app, db, local("10:30", next_day=True)) == 1

    versions = client.get(f"/api/v1/reports/{asked['id']}/versions", headers=ask.headers)
    second, original = versions.get_json()
    assert (second["version"], original["version"], original["id"]) == (2, 1, asked["id"])
    amended = client.get(f"/api/v1/reports/{second['id']}", headers=ask.headers).get_json()
    assert amended["amends_id"] == asked["id"]
    assert "rounds_missed: 1 → 0" in amended["changes"]
    # The first version is still there, byte for byte; the new one says it amends.
    assert fetch(client, ask.headers, asked["id"]).get_data() == first
    text = "\f".join(pages(fetch(client, ask.headers, second["id"]).get_data()))
    assert "更正" in text and "rounds_missed: 1 → 0" in text
    status, latest = ask()
    assert status == 200 and latest["id"] == second["id"]  # asking again: the latest


def test_a_report_that_cannot_be_made_fails_alone(app, db, client, shift, ask):
    _, doomed = ask()
    _, fine = ask(shift="08:00")
    # The site drops its night shift after the request: the shift asked for is gone.
    shift.night.site.shifts = [{"name": "全天", "start": "08:00"}]
    db.flush()
    assert work(app, db, LATER) == 1
    states = dict(db.execute(select(Report.id, Report.state)).all())
    assert states == {doomed["id"]: ReportState.FAILED, fine["id"]: ReportState.MADE}
    refused = fetch(client, ask.headers, doomed["id"])
    assert refused.status_code == 409 and "20:00" in refused.get_json()["message"]


def test_a_shift_the_site_does_not_have_or_another_sites_report_is_refused(
    client, make, shift, ask
):
    status, body = ask(shift="21:00")
    assert status == 422 and body["errors"] == {"shift": ["one of 08:00, 20:00"]}
    status, body = ask(day=None)
    assert status == 422
    elsewhere = make.site(shift.org, name="望江苑")
    status, body = ask(site_id=elsewhere.id)  # the supervisor does not work there
    assert status == 422 and body["errors"] == {"site_id": ["unknown site"]}
