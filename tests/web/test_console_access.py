"""Role, tenant and site scope on every console page; a page missing from the table fails."""

from urllib.parse import quote

import pytest

from server.web.pages import ROLES
from tests.access.case import EVERYONE, SUP
from tests.access.console import PAGES, PUBLIC_PAGES, Page


def test_every_console_route_has_a_row_in_the_table(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/console")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(p.method, p.rule) for p in PAGES}
    assert routes - listed - PUBLIC_PAGES == set(), "console routes without a row"
    assert listed - routes == set(), "the table lists routes that do not exist"


def test_the_table_agrees_with_the_roles_each_page_declares(app):
    declared = {
        rule.rule: ROLES[rule.endpoint]
        for rule in app.url_map.iter_rules()
        if rule.endpoint in ROLES
    }
    for row in PAGES:
        assert {r.value for r in declared[row.rule]} == row.allowed, row.id


def call(client, row: Page, place, world):
    path, form = row.target(place, world)
    if row.method == "GET":
        return client.get(path)
    return client.post_form(path, form)


@pytest.mark.parametrize("row", PAGES, ids=lambda r: r.id)
@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_role_may_use_exactly_what_the_table_allows(console_as, world, row, role):
    client = console_as(world.actors[role])
    answer = call(client, row, world.places["A1"], world)
    assert answer.status_code == (row.success if role in row.allowed else 403), answer.text[:300]


@pytest.mark.parametrize("row", [r for r in PAGES if r.scope], ids=lambda r: r.id)
def test_nobody_reaches_another_tenants_objects(console_as, world, row):
    client = console_as(world.actors["other_admin"])
    assert call(client, row, world.places["A1"], world).status_code == 404


@pytest.mark.parametrize("row", [r for r in PAGES if r.scope], ids=lambda r: r.id)
def test_a_supervisor_does_not_reach_another_site(console_as, world, row):
    client = console_as(world.actors[SUP])
    assert call(client, row, world.places["A2"], world).status_code == 404


@pytest.mark.parametrize("row", PAGES, ids=lambda r: r.id)
def test_signed_out_visitors_are_sent_to_sign_in(app, world, row):
    path, form = row.target(world.places["A1"], world)
    answer = app.test_client().open(path, method=row.method, data=form)
    assert answer.status_code == 302
    assert answer.location.startswith("/console/sign-in")


HOSTILE = {
    "site_id": ["0", "-1", "99999999999999999999", "abc", "１", "\x00", "1 OR 1=1"],
    "page": ["0", "10000000000", "x"],
    "since": ["yesterday", "0000-00-00", "9999-99-99"],
    "until": ["2026-13-40"],
    "day": ["2026-02-30", "%ED%A0%80"],  # a lone surrogate, as a browser could send it
    "days": ["-1", "12", "1e9"],
    "cursor": ["!!!", "x" * 500],
    "state": ["closed"],
    "kind": ["<script>"],
    "order": ["sideways"],
    "from": ["25:00"],
    "flag": ["nope"],
}


@pytest.mark.parametrize("row", [r for r in PAGES if r.method == "GET"], ids=lambda r: r.id)
def test_no_query_string_makes_a_console_page_fail(console_as, world, row):
    client = console_as(world.actors["admin"])
    path, _ = row.target(world.places["A1"], world)
    base = path.split("?")[0]
    for name, values in HOSTILE.items():
        for value in values:
            raw = value if value.startswith("%") else quote(value, safe="")
            answer = client.get(f"{base}?{name}={raw}")
            answer.get_data()  # a streamed answer (CSV) runs to its end
            answer.close()
            assert answer.status_code < 500, (name, value, answer.status_code)
