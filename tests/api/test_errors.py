"""Every 4xx and 5xx is JSON in one shape: {code, status, message[, errors]}, never HTML."""

import pytest

from tests.conftest import make_test_app


def assert_error_shape(response, code):
    assert response.status_code == code
    assert response.mimetype == "application/json"
    assert set(response.json) <= {"code", "status", "message", "errors"}
    assert response.json["code"] == code
    assert response.json["status"] and response.json["message"]
    assert b"<html" not in response.data.lower()


def test_unknown_route(client):
    assert_error_shape(client.get("/api/v1/no-such-thing"), 404)
    assert_error_shape(client.get("/favicon.ico"), 404)


def test_wrong_method_names_the_allowed_ones(client):
    response = client.delete("/api/v1/sites")
    assert_error_shape(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_oversized_body_is_413(client, admin):
    response = client.post(
        "/api/v1/sites",
        data=b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        content_type="application/json",
        headers=admin,
    )
    assert_error_shape(response, 413)


def test_malformed_json_is_400(client, admin):
    response = client.post(
        "/api/v1/sites", data="{not json", content_type="application/json", headers=admin
    )
    assert_error_shape(response, 400)


def test_invalid_fields_are_named_in_errors(client, admin):
    response = client.post("/api/v1/sites", json={"name": 5, "bogus": 1}, headers=admin)
    assert_error_shape(response, 422)
    assert set(response.json["errors"]["json"]) == {"name", "timezone", "bogus"}


def test_wrong_content_type_is_a_clear_client_error(client, admin):
    response = client.post("/api/v1/sites", data="name=x", content_type="text/plain", headers=admin)
    assert_error_shape(response, 415)


def test_bad_query_argument_is_422(client, admin):
    assert_error_shape(client.get("/api/v1/checkpoints?site_id=abc", headers=admin), 422)


def test_an_unknown_query_parameter_is_refused_not_ignored(client, admin, make, org):
    make.site(org, name="Other")
    # A typo for site_id must not quietly list every site's checkpoints.
    response = client.get("/api/v1/checkpoints?sit_id=1&page=1", headers=admin)
    assert_error_shape(response, 422)
    assert response.json["errors"] == {"query": {"sit_id": ["Unknown field."]}}
    assert client.head("/api/v1/checkpoints?sit_id=1", headers=admin).status_code == 422
    assert client.get("/api/v1/checkpoints?site_id=1&page=1", headers=admin).status_code == 200


def test_unexpected_failure_is_a_json_500_without_a_trace(database_url):
    app = make_test_app(database_url)

    def boom():
        raise RuntimeError("secret internals at /srv/vigil/server/x.py")

    app.add_url_rule("/api/v1/boom", view_func=boom)
    response = app.test_client().get("/api/v1/boom")
    assert_error_shape(response, 500)
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert response.headers["X-Request-ID"]


BIG = 10**20


@pytest.mark.parametrize(
    "method,path,body,code",
    [
        ("GET", f"/api/v1/sites/{BIG}", None, 422),
        ("GET", f"/api/v1/sites/{2**31}", None, 422),
        ("GET", "/api/v1/sites/0", None, 422),
        ("GET", f"/api/v1/checkpoints?site_id={BIG}", None, 422),
        ("GET", f"/api/v1/audit-events?object_id={BIG}", None, 422),
        ("POST", "/api/v1/checkpoints", {"site_id": BIG, "name": "x", "code": "x"}, 422),
        ("POST", "/api/v1/devices", {"serial": "S1", "site_ids": [BIG]}, 422),
        ("POST", "/api/v1/sites", {"name": "a\x00b", "timezone": "UTC"}, 422),
        ("GET", "/api/v1/checkpoints?q=%00", None, 422),
        ("POST", "/api/v1/sites", {"name": "x", "timezone": "UTC", "address": 1e400}, 422),
    ],
    ids=[
        "huge-id-in-path",
        "id-past-int32",
        "zero-id",
        "huge-id-in-query",
        "huge-object-id",
        "huge-id-in-body",
        "huge-id-in-list",
        "nul-in-body",
        "nul-in-query",
        "infinite-number",
    ],
)
def test_out_of_range_and_unstorable_input_is_a_client_error(
    client, admin, method, path, body, code
):
    response = client.open(path, method=method, json=body, headers=admin)
    assert_error_shape(response, code)


def test_a_page_far_past_the_end_is_empty(client, admin):
    response = client.get("/api/v1/checkpoints?page=1000000", headers=admin)
    assert response.status_code == 200 and response.json == []
    # Past the last page a list may be asked for, it is the client's mistake, said as such.
    assert_error_shape(client.get(f"/api/v1/checkpoints?page={BIG}", headers=admin), 422)


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000],
    ids=["arrays", "objects"],
)
def test_json_nested_beyond_reason_is_a_400_not_a_crash(client, admin, body):
    response = client.post(
        "/api/v1/sites", data=body, headers=admin | {"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["errors"] == {"json": ["Invalid JSON body."]}


def test_a_body_that_is_not_utf8_is_a_400(client, admin):
    response = client.post(
        "/api/v1/sites",
        data=b'{"name": "\xff\xfe", "timezone": "UTC"}',
        headers=admin | {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.is_json
