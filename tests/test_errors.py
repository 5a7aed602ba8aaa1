"""Every 4xx and 5xx is JSON in one shape: {code, status, message[, errors]}, never HTML."""

import pytest

from server.domain.actor import Role
from tests.conftest import make_test_app


def assert_error_shape(response, code):
    assert response.status_code == code
    assert response.mimetype == "application/json"
    assert set(response.json) <= {"code", "status", "message", "errors"}
    assert response.json["code"] == code
    assert response.json["status"] and response.json["message"]
    assert b"<html" not in response.data.lower()


@pytest.fixture
def admin(make):
    return make.auth(make.user(make.org(), Role.ADMIN))


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
    assert_error_shape(response, 422)


def test_bad_query_argument_is_422(client, admin):
    assert_error_shape(client.get("/api/v1/checkpoints?site_id=abc", headers=admin), 422)


def test_unexpected_failure_is_a_json_500_without_a_trace(database_url):
    app = make_test_app(database_url)

    def boom():
        raise RuntimeError("secret internals at /srv/vigil/server/x.py")

    app.add_url_rule("/api/v1/boom", view_func=boom)
    response = app.test_client().get("/api/v1/boom")
    assert_error_shape(response, 500)
    assert b"secret internals" not in response.data and b"Traceback" not in response.data
    assert response.headers["X-Request-ID"]
