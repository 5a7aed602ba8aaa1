"""Console sessions: what a signed-in browser may do, and when it stops being signed in."""

from datetime import timedelta

from server.domain.actor import Role
from server.domain.clock import set_clock, utcnow


def test_a_signed_out_session_cookie_is_refused(console_as, make, org, site):
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    cookie = client.get_cookie("vigil_session", path="/console").value
    assert client.post_form("/console/sign-out").status_code == 302
    client.set_cookie("vigil_session", cookie, path="/console")
    answer = client.get("/console/today")
    assert answer.status_code == 302 and "/console/sign-in" in answer.location


def test_a_form_without_the_session_token_is_refused(console_as, make, org, site):
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    assert client.post("/console/sign-out", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/console/sign-out").status_code == 403
    assert client.get("/console/today").status_code == 200  # still signed in


def test_a_session_left_idle_ends(console_as, make, org, site):
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    later = utcnow() + timedelta(minutes=31)
    set_clock(lambda: later)
    answer = client.get("/console/today")
    assert answer.status_code == 302 and "/console/sign-in" in answer.location


def test_a_console_cookie_does_not_open_the_api(console_as, make, org, site):
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    cookie = client.get_cookie("vigil_session", path="/console").value
    answer = client.get("/api/v1/alerts", headers={"Authorization": f"Bearer {cookie}"})
    assert answer.status_code == 401


def test_guards_and_engineers_cannot_use_the_supervisor_pages(console_as, make, org, site):
    for role in (Role.GUARD, Role.ENGINEER):
        client = console_as(make.user(org, role, [site]))
        assert client.get("/console/today").status_code == 403


def test_a_page_refreshing_itself_does_not_keep_the_session_alive(console_as, make, org, site):
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    start = utcnow()
    for minutes in (10, 20, 29):
        moment = start + timedelta(minutes=minutes)
        set_clock(lambda moment=moment: moment)
        answer = client.get(f"/console/today/sites/{site.id}", headers={"X-Vigil-Poll": "1"})
        assert answer.status_code == 200
    moment = start + timedelta(minutes=31)
    set_clock(lambda: moment)
    answer = client.get("/console/today")
    assert answer.status_code == 302 and "/console/sign-in" in answer.location


def test_a_person_using_the_console_keeps_the_session_alive(console_as, make, org, site):
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    start = utcnow()
    for minutes in (20, 40, 60):
        moment = start + timedelta(minutes=minutes)
        set_clock(lambda moment=moment: moment)
        assert client.get("/console/today").status_code == 200


def test_the_servers_address_leads_to_the_console(client):
    answer = client.get("/")
    assert answer.status_code == 302 and answer.location == "/console/today"
