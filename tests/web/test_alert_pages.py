"""The alert pages as a test client sees them: filters, counts, bulk acknowledge, the closed
loop and its audit trail, bad input as pages, user text as text."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import Alert, AlertSeverity, AlertState, AuditEvent


@pytest.fixture
def alerts(make, site):
    """Three alerts on the site's round: an open high, an open critical, a resolved low."""
    schedule = make.schedule(make.route([make.checkpoint(site)]))
    patrol_round = make.round(schedule)
    return [
        make.alert(patrol_round, key="k1", title="Gate left open <script>x()</script>"),
        make.alert(patrol_round, key="k2", severity=AlertSeverity.CRITICAL, title="Guard silent"),
        make.alert(
            patrol_round,
            key="k3",
            severity=AlertSeverity.LOW,
            state=AlertState.RESOLVED,
            title="Late start",
        ),
    ]


@pytest.fixture
def console(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def rows(page: str) -> list[str]:
    return [line for line in page.split("<tr>")[2:]]


def test_the_queue_puts_the_worst_first_and_counts_each_state(console, alerts):
    page = console.get("/console/alerts").text
    listed = rows(page)
    assert len(listed) == 3
    assert "Guard silent" in listed[0] and "Gate left open" in listed[1]
    assert "Open <b>2</b>" in page and "Resolved <b>1</b>" in page
    # A title from a handheld or a person is text, never markup.
    assert "<script>x()" not in page and "&lt;script&gt;x()&lt;/script&gt;" in page


def test_filters_narrow_the_queue_and_keep_the_other_counts(console, alerts):
    page = console.get("/console/alerts?state=open&severity=high").text
    assert len(rows(page)) == 1 and "Gate left open" in page
    assert "Open <b>2</b>" in page  # the state tabs still count every state


def test_htmx_gets_only_the_part_it_replaces(console, alerts):
    part = console.get("/console/alerts?state=open", headers={"HX-Request": "true"}).text
    assert "<html" not in part and "Gate left open" in part


@pytest.mark.parametrize("query", ["site_id=abc", "page=0", "since=yesterday", "kind=nonsense"])
def test_a_bad_filter_is_a_page_saying_so(console, alerts, query):
    answer = console.get(f"/console/alerts?{query}")
    assert answer.status_code == 422
    assert "not valid" in answer.text


def test_bulk_acknowledge_does_the_open_ones_and_names_the_rest(console, alerts, db):
    ids = [str(a.id) for a in alerts]
    answer = console.post_form(
        "/console/alerts/acknowledge", {"alert_ids": ids, "note": "夜班在处理"}
    )
    assert answer.status_code == 302
    assert "acknowledged=2" in answer.location and f"skipped={alerts[2].id}" in answer.location
    db.expire_all()
    states = [db.get(Alert, a.id).state for a in alerts]
    assert states == [AlertState.ACKNOWLEDGED, AlertState.ACKNOWLEDGED, AlertState.RESOLVED]
    audited = db.scalars(select(AuditEvent).where(AuditEvent.action == "acknowledged")).all()
    assert sorted(e.object_id for e in audited) == sorted(a.id for a in alerts[:2])
    assert all(e.changes["note"] == [None, "夜班在处理"] for e in audited)


def test_resolving_keeps_the_note_and_the_photo_and_audits_it(console, alerts, db):
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 30, 30)).save(photo, "JPEG")
    form = {"note": "已修好 <i>gate</i>", "photo": (io.BytesIO(photo.getvalue()), "fix.jpg")}
    answer = console.post_form(
        f"/console/alerts/{alerts[0].id}/resolve", form, content_type="multipart/form-data"
    )
    assert answer.status_code == 302
    db.expire_all()
    alert = db.get(Alert, alerts[0].id)
    assert alert.state is AlertState.RESOLVED and alert.resolution == "已修好 <i>gate</i>"
    assert alert.resolution_photo is not None
    page = console.get(f"/console/alerts/{alerts[0].id}").text
    assert "已修好 &lt;i&gt;gate&lt;/i&gt;" in page
    assert f"/console/photos/{alert.resolution_photo}/thumbnail.jpg" in page
    assert console.get(f"/console/photos/{alert.resolution_photo}/thumbnail.jpg").status_code == 200
    audit = db.scalar(select(AuditEvent).where(AuditEvent.action == "resolved"))
    assert audit.object_id == alert.id and audit.changes["note"] == [None, alert.resolution]


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_changes(console, alerts, db):
    form = {"note": "fixed", "photo": (io.BytesIO(b"<html>not an image</html>"), "x.jpg")}
    answer = console.post_form(
        f"/console/alerts/{alerts[0].id}/resolve", form, content_type="multipart/form-data"
    )
    assert answer.status_code == 422
    db.expire_all()
    assert db.get(Alert, alerts[0].id).state is AlertState.OPEN


def test_resolving_without_a_note_is_refused(console, alerts):
    answer = console.post_form(f"/console/alerts/{alerts[0].id}/resolve", {"note": "  "})
    assert answer.status_code == 422


def test_acknowledging_a_resolved_alert_is_a_conflict_page(console, alerts):
    answer = console.post_form(f"/console/alerts/{alerts[2].id}/acknowledge", {"note": ""})
    assert answer.status_code == 409
