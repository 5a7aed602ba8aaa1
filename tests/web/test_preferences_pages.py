"""My notifications as a test client sees them: everyone (a guard too) sets their own address,
language, timezone, quiet hours and digest; refusals come back beside their fields with what
was typed; the form needs its CSRF token; an admin sets another person's, in their tenant only."""

from datetime import time

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import AuditEvent, NotifyPreference

FORM = {
    "email": "wang@example.com",
    "language": "en",
    "timezone": "Europe/Berlin",
    "quiet_start": "22:00",
    "quiet_end": "07:00",
    "digest": "true",
    "digest_at": "07:30",
}


@pytest.fixture
def guard(make, org, site):
    return make.user(org, Role.GUARD, [site], name="王保安")


@pytest.fixture
def admin_user(make, org):
    return make.user(org, Role.ADMIN, name="管理员 Admin")


def stored(db, user) -> NotifyPreference:
    db.expire_all()
    return db.get(NotifyPreference, user.id)


def test_a_guard_sees_the_defaults_and_what_quiet_hours_do(console_as, guard):
    page = console_as(guard).get("/console/me/notifications")
    assert page.status_code == 200
    text = page.text
    assert "My notifications" in text and 'value="Asia/Shanghai"' in text  # their site's zone
    assert "high and critical alerts always come through" in text
    assert '<option value="zh" selected>中文</option>' in text
    assert 'name="digest" value="true" checked' in text and 'value="08:00"' in text
    assert 'href="/console/me/notifications" aria-current="page"' in text  # in the bar
    assert "<nav" not in text.split("</header>")[0]  # none of the managers' pages for a guard


def test_saving_keeps_every_field_and_is_audited(console_as, guard, db):
    client = console_as(guard)
    answer = client.post_form("/console/me/notifications", FORM)
    assert answer.status_code == 302 and answer.location.endswith("?done=saved")
    found = stored(db, guard)
    assert (found.email, found.language, found.timezone) == (
        "wang@example.com",
        "en",
        "Europe/Berlin",
    )
    assert (found.quiet_start, found.quiet_end, found.digest, found.digest_at) == (
        time(22, 0),
        time(7, 0),
        True,
        time(7, 30),
    )
    page = client.get(answer.location).text
    assert "Saved." in page and 'value="22:00"' in page and 'value="Europe/Berlin"' in page
    assert db.scalars(select(AuditEvent).where(AuditEvent.object_id == guard.id)).all()


def test_unticking_the_digest_and_clearing_quiet_hours_and_address(console_as, guard, db):
    client = console_as(guard)
    client.post_form("/console/me/notifications", FORM)
    cleared = FORM | {"email": "", "quiet_start": "", "quiet_end": ""}
    del cleared["digest"]
    assert client.post_form("/console/me/notifications", cleared).status_code == 302
    found = stored(db, guard)
    assert (found.email, found.quiet_start, found.quiet_end, found.digest) == (
        None,
        None,
        None,
        False,
    )


@pytest.mark.parametrize(
    ("typed", "field", "said"),
    [
        ({"email": "not an address"}, "email", "an e-mail address such as"),
        ({"timezone": "Mars/Olympus"}, "timezone", ""),
        ({"quiet_end": ""}, "quiet_end", "quiet hours need a start and an end"),
        ({"digest_at": "25:00"}, "digest_at", "a time of day"),
        ({"language": "fr"}, "language", ""),
    ],
)
def test_a_refusal_is_shown_beside_its_field_with_what_was_typed(
    console_as, guard, db, typed, field, said
):
    answer = console_as(guard).post_form("/console/me/notifications", FORM | typed)
    assert answer.status_code == 422
    page = answer.text
    assert 'role="alert"' in page and f'id="{field}-error"' in page
    error = page.split(f'id="{field}-error">')[1].split("</span>")[0]
    assert said in error and error.strip()
    assert 'value="wang@example.com"' in page or field == "email"  # what was typed stays
    assert stored(db, guard) is None  # nothing saved


def test_the_form_needs_its_csrf_token(console_as, guard, db):
    client = console_as(guard)
    answer = client.post("/console/me/notifications", data=FORM)
    assert answer.status_code == 403
    forged = client.post("/console/me/notifications", data=FORM | {"csrf_token": "x" * 64})
    assert forged.status_code == 403
    assert stored(db, guard) is None


def test_a_guard_sees_only_their_own(console_as, guard, admin_user, make, org, site, db):
    other = make.user(org, Role.GUARD, [site])
    client = console_as(guard)
    assert client.get(f"/console/people/{other.id}/notifications").status_code == 403
    answer = client.post_form(f"/console/people/{other.id}/notifications", FORM)
    assert answer.status_code == 403 and stored(db, other) is None
    assert client.get(f"/console/people/{admin_user.id}/notifications").status_code == 403


def test_an_admin_sets_another_persons_from_their_page(console_as, admin_user, guard, db):
    client = console_as(admin_user)
    person = client.get(f"/console/people/{guard.id}").text
    assert f'href="/console/people/{guard.id}/notifications"' in person
    page = client.get(f"/console/people/{guard.id}/notifications").text
    assert "Notifications for 王保安" in page
    assert f'action="/console/people/{guard.id}/notifications"' in page
    answer = client.post_form(f"/console/people/{guard.id}/notifications", FORM)
    assert answer.status_code == 302
    assert answer.location.endswith(f"/console/people/{guard.id}/notifications?done=saved")
    assert stored(db, guard).email == "wang@example.com"
    assert stored(db, admin_user) is None  # the admin's own are untouched
    refused = client.post_form(f"/console/people/{guard.id}/notifications", FORM | {"email": "x"})
    assert refused.status_code == 422 and "Notifications for 王保安" in refused.text


def test_a_supervisor_does_not_open_another_persons(console_as, make, org, site, guard):
    supervisor = make.user(org, Role.SUPERVISOR, [site])
    client = console_as(supervisor)
    assert client.get(f"/console/people/{guard.id}/notifications").status_code == 403
    assert (
        'href="/console/people/'
        not in client.get(f"/console/people/{guard.id}")
        .text.split("Details")[1]
        .split("</section>")[0]
    )


def test_another_tenants_person_is_not_found(console_as, admin_user, make):
    stranger = make.user(make.org("Elsewhere"), Role.GUARD)
    client = console_as(admin_user)
    assert client.get(f"/console/people/{stranger.id}/notifications").status_code == 404
    answer = client.post_form(f"/console/people/{stranger.id}/notifications", FORM)
    assert answer.status_code == 404


def test_the_page_is_in_chinese_too(console_as, guard):
    client = console_as(guard)
    client.set_cookie("vigil_lang", "zh", path="/")
    page = client.get("/console/me/notifications").text
    assert 'lang="zh-CN"' in page
