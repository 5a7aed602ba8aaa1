"""The API's floor: input that once reached a 500, or was stored as junk, is a clear 4xx."""

import json
import uuid

import pytest

from server.domain.actor import Role
from tests.access import CASES, EVERYONE

SURROGATE = '"\\ud800"'  # JSON text for a lone UTF-16 surrogate: valid JSON, no character
FAR_INSTANTS = [
    "0001-01-01T00:00:00+05:00",  # before the first instant there is
    "9999-12-31T23:59:59-05:00",  # after the last
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z",
]
TOO_BIG = str(2**64)


def send(client, method, path, text, headers=None):
    """A request whose body is sent as this exact JSON text."""
    headers = {**(headers or {}), "Content-Type": "application/json"}
    return client.open(path, method=method, data=text, headers=headers)


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert set(body) >= {"code", "status", "message"} and body["code"] == status
    return body["message"]


class TestLoneSurrogates:
    def test_a_login_with_one_is_a_422_that_says_where(self, client):
        answer = send(
            client, "POST", "/api/v1/auth/token", f'{{"login": {SURROGATE}, "password": "x"}}'
        )
        assert "login" in assert_error(answer, 422)

    def test_a_name_with_one_is_refused_and_nothing_is_stored(self, client, admin, site):
        text = f'{{"site_id": {site.id}, "name": "北门\\ud800", "code": "S1"}}'
        answer = send(client, "POST", "/api/v1/checkpoints", text, admin)
        assert "surrogate" in assert_error(answer, 422)
        listed = client.get("/api/v1/checkpoints", headers=admin).json
        assert [c for c in listed if c["code"] == "S1"] == []

    def test_one_in_a_key_is_named_back_escaped(self, client, admin):
        answer = send(client, "POST", "/api/v1/sites", '{"\\ud800name": 1}', admin)
        assert assert_error(answer, 422).startswith("json.\\ud800name: ")

    def test_in_a_sync_batch_only_the_event_carrying_it_is_rejected(self, client, make, world):
        place = world.places["A1"]
        good = {
            "uuid": str(uuid.uuid4()),
            "type": "shift",
            "kind": "clock_in",
            "device_time": "2026-11-22T08:00:00+08:00",
        }
        bad = good | {"uuid": str(uuid.uuid4()), "note": "PLACEHOLDER"}
        text = json.dumps({"sent_at": "2026-11-22T08:30:00+08:00", "events": [bad, good]})
        text = text.replace('"PLACEHOLDER"', SURROGATE)
        headers = make.device_auth(place.device)
        answer = send(client, "POST", "/api/v1/device/sync", text, headers)
        assert answer.status_code == 200, answer.json
        first, second = answer.json["results"]
        assert first["status"] == "rejected" and "note" in first["reason"]
        assert second["status"] == "accepted" and second["event_id"]


class TestFarInstants:
    FILTERS = [
        ("/api/v1/alerts", "since"),
        ("/api/v1/alerts", "until"),
        ("/api/v1/rounds", "since"),
        ("/api/v1/rounds", "until"),
        ("/api/v1/audit-events", "since"),
        ("/api/v1/events", "until"),
        ("/api/v1/inspections", "since"),
    ]

    @pytest.mark.parametrize("path,name", FILTERS)
    @pytest.mark.parametrize("when", FAR_INSTANTS)
    def test_a_filter_far_outside_time_is_a_422(self, client, make, world, path, name, when):
        headers = make.auth(world.actors["admin"])
        answer = client.get(path, query_string={name: when}, headers=headers)
        assert "1900" in assert_error(answer, 422)

    @pytest.mark.parametrize("when", FAR_INSTANTS)
    def test_ranges_summaries_occurrences_and_readings_refuse_them(self, client, make, world, when):
        place, headers = world.places["A1"], make.auth(world.actors["admin"])
        ok = "2026-11-22T00:00:00Z"
        for path, args in [
            ("/api/v1/rounds/summary", {"since": when, "until": ok}),
            (f"/api/v1/schedules/{place.schedule.id}/occurrences", {"since": ok, "until": when}),
            (f"/api/v1/assets/{place.asset.id}/readings", {"since": when, "until": ok}),
        ]:
            assert_error(client.get(path, query_string=args, headers=headers), 422)

    def test_a_device_time_at_the_calendar_edge_is_one_rejected_event(self, client, make, world):
        event = {"uuid": str(uuid.uuid4()), "type": "shift", "kind": "clock_in"}
        batch = {
            "sent_at": "2026-11-22T08:30:00+08:00",
            "events": [event | {"device_time": FAR_INSTANTS[0]}],
        }
        headers = make.device_auth(world.places["A1"].device)
        answer = client.post("/api/v1/device/sync", json=batch, headers=headers)
        assert answer.status_code == 200
        assert answer.json["results"][0]["status"] == "rejected"


class TestHugeIntegers:
    def test_an_id_in_the_path_beyond_64_bits_is_a_422(self, client, admin):
        message = assert_error(client.get(f"/api/v1/routes/{TOO_BIG}", headers=admin), 422)
        assert "2147483647" in message

    def test_in_a_query_and_a_body_too(self, client, admin, site):
        query = client.get("/api/v1/checkpoints", query_string={"site_id": TOO_BIG}, headers=admin)
        assert "site_id" in assert_error(query, 422)
        body = f'{{"site_id": {TOO_BIG}, "name": "北门", "code": "B1"}}'
        assert "site_id" in assert_error(
            send(client, "POST", "/api/v1/checkpoints", body, admin), 422
        )
        page = client.get("/api/v1/sites", query_string={"page": TOO_BIG}, headers=admin)
        assert "page" in assert_error(page, 422)


class TestStrictBodies:
    def test_an_empty_limits_put_is_refused_and_nothing_is_stored(self, client, make, world):
        place, headers = world.places["A1"], make.auth(world.actors["admin"])
        path = f"/api/v1/assets/{place.asset.id}/limits"
        before = client.get(path, headers=headers).json
        for body in ({}, {"note": "just a note"}):
            assert_error(client.put(f"{path}/temperature", json=body, headers=headers), 422)
        assert client.get(path, headers=headers).json == before

    def test_limits_for_an_item_no_template_has_are_refused(self, client, make, world):
        place, headers = world.places["A1"], make.auth(world.actors["admin"])
        path = f"/api/v1/assets/{place.asset.id}/limits"
        before = client.get(path, headers=headers).json
        answer = client.put(f"{path}/no_such_item", json={"normal": [0, 1]}, headers=headers)
        assert "no_such_item" in assert_error(answer, 422)
        assert client.get(path, headers=headers).json == before

    @pytest.mark.parametrize("value", [0, 1, "true", None])
    def test_a_boolean_is_true_or_false_nothing_else(self, client, admin, site, value):
        answer = client.patch(f"/api/v1/sites/{site.id}", json={"active": value}, headers=admin)
        assert "active" in assert_error(answer, 422)
        assert client.get(f"/api/v1/sites/{site.id}", headers=admin).json["active"] is True

    def test_a_query_boolean_reads_the_words_true_and_false_only(self, client, admin):
        assert client.get("/api/v1/sites?active=false", headers=admin).status_code == 200
        assert_error(client.get("/api/v1/sites?active=1", headers=admin), 422)

    def test_a_patch_that_changes_nothing_is_refused(self, client, admin, site):
        for sent in ("", "{}"):
            answer = send(client, "PATCH", f"/api/v1/sites/{site.id}", sent, admin)
            assert "nothing to change" in assert_error(answer, 422)

    def test_a_body_that_is_not_json_is_a_415_never_ignored(self, client, admin):
        answer = client.post(
            "/api/v1/sites",
            data="name=x&timezone=Asia/Shanghai",
            headers={**admin, "Content-Type": "application/x-www-form-urlencoded"},
        )
        assert "application/json" in assert_error(answer, 415)


class TestOrderOfChecks:
    """No or a bad token 401, then the role 403, then the input 422."""

    GARBAGE = {"__not_a_field__": "\u0000", "active": 7}
    DENIED = [
        (case, role)
        for case in CASES
        if case.method in ("POST", "PUT", "PATCH") and case.allowed and not case.multipart
        for role in sorted(EVERYONE - case.allowed)
    ]

    def test_without_a_token_garbage_is_a_401(self, client, world):
        answer = client.post("/api/v1/sites", json=self.GARBAGE)
        assert_error(answer, 401)

    @pytest.mark.parametrize("case,role", DENIED, ids=[f"{c.id} as {r}" for c, r in DENIED])
    def test_a_role_not_allowed_gets_403_whatever_it_sends(self, client, make, world, case, role):
        path, _ = case.target(world.places["A1"], world)
        headers = make.auth(world.actors[role])
        answer = client.open(path, method=case.method, json=self.GARBAGE, headers=headers)
        assert_error(answer, 403)
        assert "errors" not in answer.json  # nothing about the schema leaks


class TestMessages:
    def test_a_body_that_is_not_json_text_says_so(self, client, admin):
        answer = send(client, "POST", "/api/v1/sites", '{"name": ', admin)
        assert assert_error(answer, 400) == "json: Invalid JSON body."

    def test_not_found_names_the_thing_in_words(self, client, admin):
        message = assert_error(client.get("/api/v1/routes/999999", headers=admin), 404)
        assert message == "patrol route 999999 not found"

    def test_a_schema_finding_says_which_field_and_why(self, client, admin):
        answer = client.post("/api/v1/sites", json={"name": "湖畔花园"}, headers=admin)
        assert assert_error(answer, 422) == "json.timezone: Missing data for required field."


def test_world_roles_cover_every_role():
    # The order-of-checks table is only as good as the roles it tries.
    assert {r.value for r in Role} == EVERYONE
