"""The people pages as a test client sees them: the list, adding a person with a password
shown once, changing role, sites and person tags, resetting a password, deactivation ending
their sessions; all audited; refusals keep what was typed; supervisors only read."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import AuditEvent, User
from server.domain.registry import passwords
from tests.conftest import log_in


@pytest.fixture
def admin_user(make, org):
    return make.user(org, Role.ADMIN, name="管理员 Admin")


@pytest.fixture
def console(console_as, admin_user):
    """An admin of the tenant."""
    return console_as(admin_user)


@pytest.fixture
def guard(make, org, site):
    guard = make.user(org, Role.GUARD, [site], name="王<i>保安</i>", login="wang.bao")
    make.chip(guard, "01A2B3C4D5E6")
    return guard


def once(page: str) -> str:
    return unescape(re.search(r'class="once" id="new-password">([^<]+)<', page).group(1))


def audit(db, action: str, user_id: int) -> AuditEvent:
    stmt = select(AuditEvent).where(
        AuditEvent.object_type == "user",
        AuditEvent.action == action,
        AuditEvent.object_id == user_id,
    )
    return db.scalars(stmt).one()


def test_the_list_shows_name_login_role_sites_tags_and_state_as_text(console, guard, site):
    page = console.get("/console/people").text
    row = page.split(f'id="person-{guard.id}"')[1].split("</tr>")[0]
    assert "王&lt;i&gt;保安&lt;/i&gt;" in row and "<i>保安" not in row
    assert "wang.bao" in row and "Guard" in row and "湖畔花园" in row
    assert "01A2B3C4D5E6" in row and "✓ Active" in row
    assert 'action="/console/people/new"' in page


def test_adding_a_person_without_a_password_shows_a_new_one_once(console, site, db, app):
    form = {
        "name": "李四",
        "login": "Li.Si",
        "role": "guard",
        "site_ids": [str(site.id)],
        "person_tags": "ibutton 0A0B0C0D0E0F\nnfc 04:a2:1f:9c",
        "password": "",
    }
    answer = console.post_form("/console/people/new", form)
    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    assert "It will not be shown again." in answer.text
    password = once(answer.text)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    user = db.scalars(select(User).where(User.login == "li.si")).one()
    assert user.name == "李四" and user.role is Role.GUARD and user.site_ids == [site.id]
    assert sorted(f"{t.kind.value}:{t.uid}" for t in user.person_tags) == [
        "ibutton:0A0B0C0D0E0F",
        "nfc:04A21F9C",
    ]
    assert passwords.verify(user.password_hash, password)
    assert log_in(app, "li.si", password).status_code == 201
    created = audit(db, "create", user.id)
    assert created.changes["site_ids"] == [None, [site.id]]
    assert password not in str(created.changes)
    # Shown once: the person's page does not have it.
    assert password not in console.get(f"/console/people/{user.id}").text


def test_adding_a_person_with_a_typed_password_goes_to_their_page(console, site, db, app):
    form = {"name": "Ann", "login": "ann", "role": "supervisor", "password": " a long secret "}
    answer = console.post_form("/console/people/new", form)
    assert answer.status_code == 302 and "done=created" in answer.location
    assert "secret" not in answer.location
    assert log_in(app, "ann", " a long secret ").status_code == 201


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"login": "wang.bao"}, 409, "login"),  # taken
        ({"password": "short"}, 422, "password"),
        ({"person_tags": "barcode 1234"}, 422, "person_tags"),
        ({"role": "boss"}, 422, "role"),
        ({"name": ""}, 422, "name"),
    ],
)
def test_a_refused_person_keeps_what_was_typed_but_the_password(
    console, guard, site, change, status, field
):
    form = {
        "name": "赵六 <b>",
        "login": "zhao.liu",
        "role": "guard",
        "site_ids": [str(site.id)],
        "person_tags": "ibutton 0F0E0D0C0B0A",
    } | change
    answer = console.post_form("/console/people/new", form | {"password": form.get("password", "")})
    assert answer.status_code == status
    page = answer.text
    assert 'id="form-problem"' in page and f'id="{field}-error"' in page
    if field != "name":
        assert 'value="赵六 &lt;b&gt;"' in page
    assert f'value="{site.id}" checked' in page
    if field == "password":
        assert "short" not in page.split('id="f-password"')[1].split(">")[0]


def test_changing_role_sites_name_and_tags_is_saved_and_audited(console, make, org, guard, db):
    other = make.site(org, name="滨江 Riverside")
    form = {
        "name": "王保安",
        "login": "wang.bao",
        "role": "engineer",
        "site_ids": [str(other.id)],
        "person_tags": "rfid 00112233",
    }
    answer = console.post_form(f"/console/people/{guard.id}/edit", form)
    assert answer.status_code == 302 and "done=saved" in answer.location
    db.expire_all()
    user = db.get(User, guard.id)
    assert user.name == "王保安" and user.role is Role.ENGINEER and user.site_ids == [other.id]
    assert [(t.kind.value, t.uid) for t in user.person_tags] == [("rfid", "00112233")]
    changes = audit(db, "update", guard.id).changes
    assert changes["person_tags"] == [["ibutton:01A2B3C4D5E6"], ["rfid:00112233"]]
    assert changes["role"] == ["guard", "engineer"]


def test_an_empty_tag_box_and_no_ticked_site_remove_them(console, guard, db):
    form = {"name": guard.name, "login": guard.login, "role": "guard", "person_tags": ""}
    assert console.post_form(f"/console/people/{guard.id}/edit", form).status_code == 302
    db.expire_all()
    user = db.get(User, guard.id)
    assert user.person_tags == [] and user.sites == []


def test_a_refused_change_shows_what_was_typed_and_changes_nothing(console, guard, db):
    form = {"name": "新名字", "login": "x", "role": "guard", "person_tags": "ibutton 01A2B3C4D5E6"}
    answer = console.post_form(f"/console/people/{guard.id}/edit", form)
    assert answer.status_code == 422 and 'id="login-error"' in answer.text
    assert 'value="新名字"' in answer.text
    db.expire_all()
    assert db.get(User, guard.id).name == "王<i>保安</i>"


def test_resetting_a_password_shows_the_new_one_once_and_ends_their_sessions(
    console, console_as, make, org, site, db, app
):
    supervisor = make.user(org, Role.SUPERVISOR, [site], login="sup.reset")
    their_console = console_as(supervisor)
    old_token = log_in(app, "sup.reset", "correct horse battery").json["token"]
    answer = console.post_form(f"/console/people/{supervisor.id}/password")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    password = once(answer.text)
    assert "It will not be shown again." in answer.text
    assert log_in(app, "sup.reset", password).status_code == 201
    assert log_in(app, "sup.reset", "correct horse battery").status_code == 401
    # Their console session ended with the old password.
    assert their_console.get("/console/today").status_code == 302
    # So did a token issued before.
    headers = {"Authorization": f"Bearer {old_token}"}
    assert app.test_client().get("/api/v1/sites", headers=headers).status_code == 401
    assert audit(db, "update", supervisor.id).changes["password"] == ["(hidden)", "(changed)"]


def test_deactivating_ends_their_sessions_and_reactivating_lets_them_back(
    console, console_as, make, org, site, db, app
):
    supervisor = make.user(org, Role.SUPERVISOR, [site], login="sup.leaving")
    their_console = console_as(supervisor)
    answer = console.post_form(f"/console/people/{supervisor.id}/deactivate")
    assert answer.status_code == 302 and "done=deactivated" in answer.location
    assert their_console.get("/console/today").status_code == 302
    assert log_in(app, "sup.leaving", "correct horse battery").status_code == 401
    page = console.get(f"/console/people/{supervisor.id}").text
    assert "✕ Deactivated" in page and "/reactivate" in page
    assert audit(db, "deactivate", supervisor.id).changes["active"] == [True, False]
    assert console.post_form(f"/console/people/{supervisor.id}/reactivate").status_code == 302
    assert log_in(app, "sup.leaving", "correct horse battery").status_code == 201
    assert audit(db, "reactivate", supervisor.id)


def test_the_last_admin_cannot_be_deactivated(console, admin_user, db):
    answer = console.post_form(f"/console/people/{admin_user.id}/deactivate")
    assert answer.status_code == 409
    assert "at least one active admin" in answer.text and 'id="form-problem"' in answer.text
    db.expire_all()
    assert db.get(User, admin_user.id).active


def test_a_supervisor_reads_people_on_their_sites_and_changes_nothing(
    console_as, make, org, site, guard
):
    elsewhere = make.user(org, Role.GUARD, [make.site(org)], name="别处的人")
    supervisor = console_as(make.user(org, Role.SUPERVISOR, [site]))
    listed = supervisor.get("/console/people").text
    assert "wang.bao" in listed and "别处的人" not in listed
    assert "/console/people/new" not in listed
    page = supervisor.get(f"/console/people/{guard.id}").text
    assert "01A2B3C4D5E6" in page and "/password" not in page and "/edit" not in page
    assert supervisor.get(f"/console/people/{elsewhere.id}").status_code == 404
    assert supervisor.post_form(f"/console/people/{guard.id}/password").status_code == 403


def test_another_tenants_admin_finds_nobody_here(console_as, world):
    admin = console_as(world.actors["other_admin"])
    guard = world.places["A1"].guard
    assert admin.get(f"/console/people/{guard.id}").status_code == 404
    for action in ("password", "deactivate", "reactivate"):
        assert admin.post_form(f"/console/people/{guard.id}/{action}").status_code == 404
    form = {"name": "x", "login": guard.login, "role": "guard"}
    assert admin.post_form(f"/console/people/{guard.id}/edit", form).status_code == 404
    assert guard.login not in admin.get("/console/people").text
