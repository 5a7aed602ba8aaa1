"""Notification preferences: everyone reads and sets their own, an admin anyone's in the tenant."""

from datetime import time

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import AuditEvent, NotifyPreference

MINE = "/api/v1/users/me/notify-preferences"


def theirs(user) -> str:
    return f"/api/v1/users/{user.id}/notify-preferences"


@pytest.fixture
def api(app, db):
    """The Flask test client (this folder's `client` is the channels' httpx client)."""
    return app.test_client()


@pytest.fixture
def guard(make, org, site):
    return make.user(org, Role.GUARD, [site])


def test_the_defaults_until_set_then_what_was_set(api, db, make, guard):
    me = make.auth(guard)
    shown = api.get(MINE, headers=me)
    assert shown.status_code == 200, shown.json
    assert shown.json == {
        "user_id": guard.id,
        "email": None,
        "language": "zh",
        "timezone": "Asia/Shanghai",  # the site's
        "quiet_start": None,
        "quiet_end": None,
        "digest": True,
        "digest_at": "08:00",
        "updated_at": None,
    }
    assert db.get(NotifyPreference, guard.id) is None  # defaults are not stored by reading

    night = {
        "email": " duty@example.com ",
        "language": "en",
        "timezone": "Europe/London",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
    }
    put = api.put(MINE, json=night, headers=me)
    assert put.status_code == 200, put.json
    assert put.json["email"] == "duty@example.com" and put.json["updated_at"]
    assert (put.json["quiet_start"], put.json["quiet_end"]) == ("22:00", "07:30")
    stored = db.get(NotifyPreference, guard.id)
    assert (stored.quiet_start, stored.quiet_end) == (time(22, 0), time(7, 30))

    again = api.put(MINE, json={"digest": False, "digest_at": "18:45"}, headers=me)
    assert again.status_code == 200, again.json
    assert {k: again.json[k] for k in night} == {k: put.json[k] for k in night}  # kept
    assert (again.json["digest"], again.json["digest_at"]) == (False, "18:45")
    assert api.get(theirs(guard), headers=me).json == again.json

    quiet_off = api.put(MINE, json={"quiet_start": None, "quiet_end": None}, headers=me)
    assert (quiet_off.json["quiet_start"], quiet_off.json["quiet_end"]) == (None, None)
    trail = db.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "notify_preference", AuditEvent.object_id == guard.id
        )
    ).all()
    assert [e.action for e in trail] == ["create", "update", "update"]
    assert trail[0].changes["quiet_start"] == [None, "22:00:00"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"quiet_start": "22:00"}, "quiet_end"),
        ({"quiet_end": "07:00"}, "quiet_end"),
        ({"quiet_start": "24:00", "quiet_end": "07:00"}, "quiet_start"),
        ({"quiet_start": "7:00", "quiet_end": "08:00"}, "quiet_start"),
        ({"digest_at": None}, "digest_at"),
        ({"email": "not an address"}, "email"),
        ({"email": "duty.example.com"}, "email"),
        ({"email": "a@b@example.com"}, "email"),
        ({"language": "fr"}, "language"),
        ({"digest": "yes"}, "digest"),
        ({"user_id": 1}, "user_id"),
    ],
)
def test_preferences_that_cannot_be_used_are_a_422_naming_the_field(api, make, guard, body, field):
    answer = api.put(MINE, json=body, headers=make.auth(guard))
    assert answer.status_code == 422, answer.json
    assert answer.json["code"] == 422 and answer.json["message"]
    errors = answer.json["errors"]
    assert field in errors.get("json", errors), errors


def test_quiet_hours_need_both_ends_even_when_one_is_stored(api, make, guard):
    me = make.auth(guard)
    night = api.put(MINE, json={"quiet_start": "22:00", "quiet_end": "06:00"}, headers=me)
    assert night.status_code == 200, night.json
    answer = api.put(MINE, json={"quiet_end": None}, headers=me)
    assert answer.status_code == 422 and "quiet_end" in answer.json["errors"]
    assert api.get(MINE, headers=me).json["quiet_end"] == "06:00"


def test_only_an_admin_reads_or_sets_someone_elses(api, make, org, site, guard):
    supervisor = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    for answer in (
        api.get(theirs(guard), headers=supervisor),
        api.put(theirs(guard), json={"language": "en"}, headers=supervisor),
        api.get(theirs(guard), headers=make.auth(make.user(org, Role.GUARD, [site]))),
    ):
        assert answer.status_code == 403 and answer.json["code"] == 403
    admin = make.auth(make.user(org, Role.ADMIN))
    set_for = api.put(theirs(guard), json={"email": "night@example.com"}, headers=admin)
    assert set_for.status_code == 200 and set_for.json["user_id"] == guard.id
    assert api.get(MINE, headers=make.auth(guard)).json["email"] == "night@example.com"


def test_another_tenants_people_are_unknown(api, make, guard):
    make.notify_preference(guard, quiet_start=time(22), quiet_end=time(6))
    assert api.get(theirs(guard), headers=make.auth(guard)).json["quiet_end"] == "06:00"
    stranger = make.auth(make.user(make.org(), Role.ADMIN))
    for answer in (
        api.get(theirs(guard), headers=stranger),
        api.put(theirs(guard), json={"language": "en"}, headers=stranger),
        api.get("/api/v1/users/999999/notify-preferences", headers=stranger),
    ):
        assert answer.status_code == 404 and answer.json["code"] == 404
