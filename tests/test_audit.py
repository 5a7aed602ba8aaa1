"""The audit trail: who changed what and when, append-only, readable within one's scope."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from server.domain.actor import Role
from server.domain.models import AuditEvent


@pytest.fixture
def admin_user(make, org):
    return make.user(org, Role.ADMIN, name="王经理", login="wang")


@pytest.fixture
def admin(make, admin_user):
    return make.auth(admin_user)


def events(client, headers, **filters):
    response = client.get("/api/v1/audit-events", query_string=filters, headers=headers)
    assert response.status_code == 200
    return response.json


def test_create_update_and_deactivate_are_recorded_with_before_and_after(
    client, make, org, admin, admin_user
):
    site = make.site(org)
    body = {"site_id": site.id, "name": "北门", "code": "N1"}
    cp = client.post("/api/v1/checkpoints", json=body, headers=admin).json
    client.patch(f"/api/v1/checkpoints/{cp['id']}", json={"name": "北门 North gate"}, headers=admin)
    client.patch(
        f"/api/v1/checkpoints/{cp['id']}",
        json={"active": False},
        headers=admin | {"X-Request-ID": "req-42"},
    )
    trail = events(client, admin, object_type="checkpoint", object_id=cp["id"])
    assert [e["action"] for e in trail] == ["deactivate", "update", "create"]
    deactivate, update, create = trail
    assert create["changes"]["name"] == [None, "北门"]
    assert update["changes"] == {"name": ["北门", "北门 North gate"]}
    assert deactivate["changes"] == {"active": [True, False]}
    assert deactivate["request_id"] == "req-42"
    assert {e["actor_id"] for e in trail} == {admin_user.id}
    assert deactivate["actor_label"] == "王经理 (wang)"
    assert deactivate["site_id"] == site.id


def test_a_change_that_changes_nothing_records_nothing(client, make, org, admin):
    cp = make.checkpoint(make.site(org), name="Same")
    client.patch(f"/api/v1/checkpoints/{cp.id}", json={"name": "Same"}, headers=admin)
    assert events(client, admin, object_type="checkpoint") == []


def test_passwords_never_enter_the_trail(client, make, org, admin):
    body = {"name": "N", "login": "newguard", "role": "guard", "password": "hunter2hunter2"}
    user = client.post("/api/v1/users", json=body, headers=admin).json
    client.patch(
        f"/api/v1/users/{user['id']}", json={"password": "another-secret-1"}, headers=admin
    )
    trail = events(client, admin, object_type="user", object_id=user["id"])
    text_ = str(trail)
    assert "hunter2" not in text_ and "another-secret" not in text_ and "argon2" not in text_
    assert trail[0]["changes"]["password"] == ["(hidden)", "(changed)"]


def test_supervisors_read_only_their_sites_and_guards_nothing(client, make, org, admin):
    mine, theirs = make.site(org), make.site(org)
    for site, code in ((mine, "M1"), (theirs, "T1")):
        body = {"site_id": site.id, "name": code, "code": code}
        client.post("/api/v1/checkpoints", json=body, headers=admin)
    supervisor = make.auth(make.user(org, Role.SUPERVISOR, [mine]))
    assert {e["site_id"] for e in events(client, supervisor)} == {mine.id}
    assert len(events(client, admin)) == 2
    guard = make.auth(make.user(org, Role.GUARD, [mine]))
    assert client.get("/api/v1/audit-events", headers=guard).status_code == 403


def test_filters_by_time_window(client, make, org, admin):
    site = make.site(org)
    client.post(
        "/api/v1/checkpoints", json={"site_id": site.id, "name": "A", "code": "A"}, headers=admin
    )
    assert events(client, admin, since="2000-01-01T00:00:00+00:00")
    assert events(client, admin, until="2000-01-01T00:00:00+00:00") == []


def test_the_database_refuses_to_rewrite_the_trail(client, make, org, admin, db):
    site = make.site(org)
    client.post(
        "/api/v1/checkpoints", json={"site_id": site.id, "name": "A", "code": "A"}, headers=admin
    )
    event_id = db.scalar(select(AuditEvent.id))
    for statement in (
        "UPDATE audit_events SET action = 'forged' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
            db.execute(text(statement), {"id": event_id})


def test_a_new_tenants_trail_names_the_operator_without_their_user_id(client, make):
    operator = make.user(make.org(), Role.ADMIN, is_superuser=True, name="Ops", login="ops")
    body = {
        "name": "绿城物业",
        "admin": {"name": "A", "login": "lc.admin", "password": "long enough pw"},
    }
    client.post("/api/v1/organizations", json=body, headers=make.auth(operator))
    token = client.post(
        "/api/v1/auth/token", json={"login": "lc.admin", "password": "long enough pw"}
    ).json["token"]
    trail = events(client, {"Authorization": f"Bearer {token}"})
    assert [(e["action"], e["object_type"]) for e in trail] == [
        ("create", "user"),
        ("create", "organization"),
    ]
    assert {(e["actor_id"], e["actor_label"]) for e in trail} == {(None, "Ops (ops)")}
