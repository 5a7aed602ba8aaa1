"""Tenant, role and site scope on every endpoint; an endpoint missing from the table fails."""

import pytest

from tests.access import (
    ADMIN,
    CASES,
    DEVICE,
    DOCS,
    ENG,
    EVERYONE,
    GUARD,
    PROTECTED,
    PUBLIC,
    SUCCESS,
    SUP,
    Case,
)
from tests.world import World


def call(client, case: Case, world: World, place: str, headers: dict[str, str]):
    path, body = case.target(world.places[place], world)
    if case.upload:
        return client.open(
            path, method=case.method, data=body, headers=headers, content_type=case.upload
        )
    if case.multipart:
        return client.open(
            path, method=case.method, data=body, headers=headers, content_type="multipart/form-data"
        )
    return client.open(path, method=case.method, json=body, headers=headers)


def test_every_api_endpoint_has_an_access_rule(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    unlisted = routes - PROTECTED - PUBLIC - DOCS - DEVICE
    assert not unlisted, f"endpoints without a row in the access table: {sorted(unlisted)}"
    assert not (PROTECTED | PUBLIC | DEVICE) - routes, "the table lists endpoints that don't exist"


DEVICE_CALLS = {
    ("GET", "/api/v1/device/config"): ("/api/v1/device/config", None),
    ("GET", "/api/v1/device/photos/missing"): ("/api/v1/device/photos/missing", None),
    ("POST", "/api/v1/device/photos/missing"): ("/api/v1/device/photos/missing", {"sha256": []}),
    ("PUT", "/api/v1/device/photos/<sha256:sha256>"): (None, None),  # path set in the test
    ("POST", "/api/v1/device/sync"): (
        "/api/v1/device/sync",
        {"sent_at": "2026-11-22T08:00:00+08:00", "events": []},
    ),
}


@pytest.mark.parametrize("endpoint", sorted(DEVICE), ids=lambda e: f"{e[0]} {e[1]}")
def test_device_endpoints_open_only_to_an_active_enrolled_device(client, make, world, endpoint):
    path, body = DEVICE_CALLS[endpoint]
    device = world.places["A1"].device
    protocol = {"Vigil-Protocol": "1"}

    if endpoint[0] == "PUT":  # re-uploading the place's own photo: a no-op, 200
        path = f"/api/v1/device/photos/{world.places['A1'].photo}"
        with client.application.extensions["vigil"].blobs.open(world.places["A1"].photo) as blob:
            data = blob.read()

    def status(headers):
        if endpoint[0] == "PUT":
            return client.put(path, data=data, headers=headers).status_code
        return client.open(path, method=endpoint[0], json=body, headers=headers).status_code

    assert status(protocol) == 401
    assert status(make.auth(world.actors["admin"]) | protocol) == 401
    headers = make.device_auth(device)
    assert status(headers) == 200
    device.active = False
    make.session.flush()
    assert status(headers) == 401


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-real-token"}, {"Authorization": "Basic dXNlcjpwdw=="}],
    ids=["no-token", "unknown-token", "wrong-scheme"],
)
def test_without_a_valid_token_every_endpoint_answers_401(client, world, case, headers):
    response = call(client, case, world, "A1", headers)
    assert response.status_code == 401
    assert response.json["code"] == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_role_may_do_exactly_what_the_table_allows(client, make, world, case, role):
    response = call(client, case, world, "A1", make.auth(world.actors[role]))
    expected = (case.success or SUCCESS[case.method]) if role in case.allowed else 403
    assert response.status_code == expected, response.json


@pytest.mark.parametrize("case", [c for c in CASES if c.scope], ids=lambda c: c.id)
def test_nobody_reaches_another_tenants_objects(client, make, world, case):
    response = call(client, case, world, "A1", make.auth(world.actors["other_admin"]))
    # Another tenant's ids are simply unknown: the same answer as made-up ones.
    expected = case.outsider_code() if ADMIN in case.allowed else 403
    assert response.status_code == expected, response.json


@pytest.mark.parametrize("case", [c for c in CASES if c.scope == "site"], ids=lambda c: c.id)
@pytest.mark.parametrize("role", [SUP, GUARD, ENG])
def test_staff_of_one_site_do_not_reach_another_site(client, make, world, case, role):
    response = call(client, case, world, "A2", make.auth(world.actors[role]))
    expected = case.outsider_code() if role in case.allowed else 403
    assert response.status_code == expected, response.json


LISTS = {
    "/api/v1/sites": "site",
    "/api/v1/zones": "zone",
    "/api/v1/checkpoints": "checkpoint",
    "/api/v1/assets": "asset",
    "/api/v1/users": "guard",
    "/api/v1/devices": "device",
}


@pytest.mark.parametrize("path,attr", LISTS.items(), ids=list(LISTS))
@pytest.mark.parametrize("actor", ["supervisor", "other_admin", "admin"])
def test_lists_hold_only_what_the_actor_may_see(client, make, world, path, attr, actor):
    response = client.get(path, headers=make.auth(world.actors[actor]))
    assert response.status_code == 200
    ids = {item["id"] for item in response.json}
    visible = {"supervisor": ["A1"], "other_admin": ["B1"], "admin": ["A1", "A2"]}[actor]
    for key, place in world.places.items():
        assert (getattr(place, attr).id in ids) == (key in visible), (key, ids)


def test_organization_list_shows_only_ones_own_tenant(client, make, world):
    response = client.get("/api/v1/organizations", headers=make.auth(world.actors["guard"]))
    assert [o["id"] for o in response.json] == [world.org_a.id]
