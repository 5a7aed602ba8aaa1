"""The route pages as a test client sees them: a site's routes, creating one, the editor's
moves without a script, saving the whole route with its audit trail, refusals that keep what
was typed, two people editing at once, and past rounds left as they were planned."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import AuditEvent, PatrolRoute, Round, RouteOrder


@pytest.fixture
def places(make, site):
    """Three checkpoints of the site: a Chinese name with markup in it, and two plain ones."""
    return [
        make.checkpoint(site, name="北门 <b>North gate</b>", code="N1"),
        make.checkpoint(site, name="East gate", code="E1"),
        make.checkpoint(site, name="South gate", code="S1"),
    ]


@pytest.fixture
def route(make, places):
    return make.route(places, name="夜巡 <i>Night</i>")


@pytest.fixture
def console(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def form_of(page: str) -> dict[str, object]:
    """The editor's form as a browser would send it (ticked boxes and chosen options only)."""
    form: dict[str, object] = {"stop": re.findall(r'name="stop" value="(\d+)"', page)}
    for name, value in re.findall(
        r'<input id="[^"]+" name="([^"]+)" type="[^"]+" value="([^"]*)"', page
    ):
        form[name] = value
    for name in re.findall(r'name="([^"]+)" value="true" checked', page):
        form[name] = "true"
    for name, body in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        form[name] = chosen.group(1) if chosen else ""
    form["version"] = re.search(r'name="version" value="([^"]*)"', page).group(1)
    form["description"] = re.search(r'name="description"[^>]*>([^<]*)</textarea>', page).group(1)
    return form


def order_on(page: str) -> list[str]:
    """The checkpoint chosen in each row, in the order the rows stand."""
    rows = re.findall(r'<select id="s\d+-checkpoint_id".*?</select>', page, re.S)
    return [re.search(r'<option value="(\d+)" selected', row).group(1) for row in rows]


def audits(db, route_id: int) -> list[AuditEvent]:
    found = select(AuditEvent).where(AuditEvent.object_type == "route")
    return list(db.scalars(found.where(AuditEvent.object_id == route_id).order_by(AuditEvent.id)))


def test_the_list_shows_the_sites_routes_with_mode_stops_and_state(console, make, org, site, route):
    make.route([make.checkpoint(site)], name="Day", order=RouteOrder.RANDOM, active=False)
    elsewhere = make.site(org)
    make.route([make.checkpoint(elsewhere)], name="Not mine")
    page = console.get("/console/routes").text
    assert "夜巡 &lt;i&gt;Night&lt;/i&gt;" in page and "<i>Night" not in page
    assert "Random: a new order for each round" in page and "Deactivated" in page
    assert re.search(r"Strict: in the listed order</td>\s*<td>3</td>", page)
    assert "Not mine" not in page


def test_another_site_or_a_bad_site_number_is_refused(console, make, org):
    other = make.site(org)
    assert console.get(f"/console/routes?site_id={other.id}").status_code == 404
    assert console.get("/console/routes?site_id=abc").status_code == 422


def test_creating_a_route_makes_its_stops_and_opens_the_editor(console, db, site, places):
    form = {"site_id": site.id, "name": "巡更 A", "order": "any", "description": "夜间"}
    answer = console.post_form(
        "/console/routes", form | {"checkpoint_ids": [places[2].id, places[0].id]}
    )
    assert answer.status_code == 302 and "done=created" in answer.location
    made = db.scalars(select(PatrolRoute).where(PatrolRoute.name == "巡更 A")).one()
    assert made.order is RouteOrder.ANY and made.description == "夜间"
    assert [s.checkpoint_id for s in made.stops] == [places[2].id, places[0].id]
    (created,) = audits(db, made.id)
    assert created.action == "create" and len(created.changes["stops"][1]) == 2
    assert "Route created" in console.get(answer.location).text


def test_a_refused_create_keeps_what_was_typed(console, db, site, places, route):
    answer = console.post_form("/console/routes", {"site_id": site.id, "name": "没有站点 <x>"})
    assert answer.status_code == 422
    assert 'value="没有站点 &lt;x&gt;"' in answer.text and 'role="alert"' in answer.text
    form = {"site_id": site.id, "name": route.name, "order": "random"}
    twice = console.post_form("/console/routes", form | {"checkpoint_ids": [places[1].id]})
    assert twice.status_code == 409 and "already in use" in twice.text
    assert re.search(rf'value="{places[1].id}" checked', twice.text)
    assert '<option value="random" selected>' in twice.text


def test_the_editor_shows_the_stops_in_order_and_says_past_rounds_stay(console, route, places):
    page = console.get(f"/console/routes/{route.id}").text
    assert order_on(page) == [str(p.id) for p in places]
    assert "北门 &lt;b&gt;North gate&lt;/b&gt; (N1)" in page
    assert "every past round keep the stops, order and rules they were planned with" in page


def test_move_down_without_a_script_shows_the_new_order_unsaved(console, db, route, places):
    page = console.get(f"/console/routes/{route.id}").text
    form = form_of(page) | {"move": "1:down"}
    moved = console.post_form(f"/console/routes/{route.id}", form)
    assert moved.status_code == 200
    assert order_on(moved.text) == [str(places[1].id), str(places[0].id), str(places[2].id)]
    # The button pressed keeps the focus: pressing it again moves the same stop on.
    assert 'id="s1-down" formnovalidate autofocus' in moved.text
    assert "Stop moved to position 2 of 3. Not saved yet" in moved.text
    assert form_of(moved.text)["version"] == form["version"]  # still the version first opened
    again = console.post_form(
        f"/console/routes/{route.id}", form_of(moved.text) | {"move": "1:down"}
    )
    assert order_on(again.text) == [str(places[1].id), str(places[2].id), str(places[0].id)]
    db.expire_all()
    assert [s.checkpoint_id for s in route.stops] == [p.id for p in places]  # nothing saved
    assert audits(db, route.id) == []


def test_add_and_remove_without_a_script(console, route, places):
    page = console.get(f"/console/routes/{route.id}").text
    added = console.post_form(f"/console/routes/{route.id}", form_of(page) | {"add": "1"})
    assert added.status_code == 200 and 'name="stop" value="4"' in added.text
    assert 'id="s4-checkpoint_id" name="s4-checkpoint_id" autofocus' in added.text
    removed = console.post_form(
        f"/console/routes/{route.id}", form_of(added.text) | {"remove": "2"}
    )
    assert 'name="stop" value="2"' not in removed.text and 'name="stop" value="4"' in removed.text


def test_saving_writes_the_order_and_each_stops_rules_with_an_audit_entry(
    console, db, route, places
):
    form = form_of(console.get(f"/console/routes/{route.id}").text)
    form |= {"stop": ["3", "1", "2"], "order": "random", "s3-offset_min": "0"}
    form |= {"s1-offset_min": "15", "s1-tolerance_min": "3", "s1-min_gap_s": "45"}
    form |= {"s1-require_photo": "true", "s2-optional": "true", "s2-require_note": "true"}
    answer = console.post_form(f"/console/routes/{route.id}", form)
    assert answer.status_code == 302 and "done=saved" in answer.location
    db.expire_all()
    assert route.order is RouteOrder.RANDOM
    stops = [(s.checkpoint_id, s.offset_min, s.tolerance_min, s.min_gap_s) for s in route.stops]
    assert stops == [
        (places[2].id, 0, 5, None),
        (places[0].id, 15, 3, 45),
        (places[1].id, None, 5, None),
    ]
    assert [(s.require_photo, s.require_note, s.optional) for s in route.stops] == [
        (False, False, False),
        (True, False, False),
        (False, True, True),
    ]
    (saved,) = audits(db, route.id)
    before, after = saved.changes["stops"]
    assert [s["checkpoint_id"] for s in before] == [p.id for p in places]
    assert after[1]["min_gap_s"] == 45 and after[1]["require_photo"] is True
    assert saved.changes["order"] == ["strict", "random"]
    assert "Saved." in console.get(answer.location).text


def test_changing_only_a_stops_rule_is_audited(console, db, route):
    form = form_of(console.get(f"/console/routes/{route.id}").text) | {"s2-tolerance_min": "9"}
    assert console.post_form(f"/console/routes/{route.id}", form).status_code == 302
    (saved,) = audits(db, route.id)
    before, after = saved.changes["stops"]
    assert (before[1]["tolerance_min"], after[1]["tolerance_min"]) == (5, 9)


def test_a_refused_save_shows_the_problem_beside_the_stop_and_keeps_every_typed_value(
    console, db, route, places
):
    form = form_of(console.get(f"/console/routes/{route.id}").text)
    form |= {"name": "改名 Renamed", "stop": ["2", "1", "3"], "s1-offset_min": "2000"}
    answer = console.post_form(f"/console/routes/{route.id}", form)
    assert answer.status_code == 422
    assert 'id="s1-offset_min-error"' in answer.text and 'aria-invalid="true"' in answer.text
    assert 'value="2000"' in answer.text and 'value="改名 Renamed"' in answer.text
    assert order_on(answer.text) == [str(places[1].id), str(places[0].id), str(places[2].id)]
    db.expire_all()
    assert route.name == "夜巡 <i>Night</i>" and audits(db, route.id) == []


def test_a_checkpoint_of_another_site_is_refused_in_the_page(console, make, org, route):
    foreign = make.checkpoint(make.site(org))
    form = form_of(console.get(f"/console/routes/{route.id}").text)
    answer = console.post_form(
        f"/console/routes/{route.id}", form | {"s2-checkpoint_id": foreign.id}
    )
    assert answer.status_code == 422
    assert "checkpoints must be active checkpoints of the route&#39;s site" in answer.text
    assert f"checkpoint {foreign.id}: not an active checkpoint of this site" in answer.text


def test_a_deactivated_checkpoint_on_the_route_is_shown_and_must_be_replaced(
    console, db, route, places
):
    places[1].active = False
    db.flush()
    page = console.get(f"/console/routes/{route.id}").text
    assert "East gate (E1) — deactivated: choose another" in page
    answer = console.post_form(f"/console/routes/{route.id}", form_of(page))
    assert answer.status_code == 422


def test_two_people_editing_at_once_do_not_overwrite_each_other(
    console_as, console, make, org, site, db, route
):
    mine = form_of(console.get(f"/console/routes/{route.id}").text)
    colleague = console_as(make.user(org, Role.ADMIN))
    theirs = form_of(colleague.get(f"/console/routes/{route.id}").text)
    assert (
        colleague.post_form(f"/console/routes/{route.id}", theirs | {"name": "Theirs"}).status_code
        == 302
    )
    answer = console.post_form(f"/console/routes/{route.id}", mine | {"name": "Mine"})
    assert answer.status_code == 409
    assert "Someone changed this route after you opened it" in answer.text
    assert 'value="Mine"' in answer.text  # what was typed is still there to copy
    db.expire_all()
    assert route.name == "Theirs"


def test_the_version_is_the_apis_etag_of_the_route(console, client, make, org, route):
    form = form_of(console.get(f"/console/routes/{route.id}").text)
    api = client.get(f"/api/v1/routes/{route.id}", headers=make.auth(make.user(org, Role.ADMIN)))
    assert api.headers["ETag"].strip('"') == form["version"]


def test_saving_never_rewrites_rounds_begun_or_past(console, make, db, route, places):
    schedule = make.schedule(route)
    past = make.round(schedule, due_at=utcnow() - timedelta(days=1))
    begun = make.round(schedule, due_at=utcnow() - timedelta(minutes=5))
    ahead = make.round(schedule, due_at=utcnow() + timedelta(hours=6))
    kept = {r.id: list(r.expected) for r in (past, begun)}
    form = form_of(console.get(f"/console/routes/{route.id}").text) | {"stop": ["3", "2"]}
    assert console.post_form(f"/console/routes/{route.id}", form).status_code == 302
    db.expire_all()
    assert {r.id: r.expected for r in (past, begun)} == kept
    assert [s["checkpoint_id"] for s in db.get(Round, ahead.id).expected] == [
        places[2].id,
        places[1].id,
    ]


def test_other_tenants_routes_are_not_found(console, make):
    stranger = make.site(make.org())
    theirs = make.route([make.checkpoint(stranger)])
    assert console.get(f"/console/routes/{theirs.id}").status_code == 404
    assert console.post_form(f"/console/routes/{theirs.id}", {"stop": "1"}).status_code == 404


def test_a_damaged_form_is_a_page_not_a_crash(console, route):
    answer = console.post_form(f"/console/routes/{route.id}", {"stop": ["1", "1"]})
    assert answer.status_code == 422
    answer = console.post_form(f"/console/routes/{route.id}", {"stop": ["x<"]})
    assert answer.status_code == 422
