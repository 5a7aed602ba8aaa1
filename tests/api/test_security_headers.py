"""Security headers on every answer, and a CORS policy that lets in only configured origins."""

import pytest

from tests.conftest import make_test_app

CONSOLE = "https://console.example.com"


@pytest.mark.parametrize(
    "path,status",
    [("/api/health", 200), ("/api/v1/sites", 401), ("/api/v1/nowhere", 404)],
)
def test_every_api_answer_carries_the_security_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP here


def test_what_a_token_opened_is_never_cached_and_https_gets_hsts(client, admin):
    response = client.get("/api/v1/sites", headers=admin, base_url="https://vigil.example.com")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_docs_page_may_run_its_own_script_and_nothing_from_elsewhere(client):
    policy = client.get("/api/docs").headers["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy and "http" not in policy


def test_no_origin_is_allowed_by_default(client):
    response = client.get("/api/health", headers={"Origin": CONSOLE})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
def console_app(database_url):
    app = make_test_app(database_url, CORS_ORIGINS=f"{CONSOLE}, https://other.example.com")
    yield app
    app.extensions["vigil"].engine.dispose()


def test_a_configured_console_may_call_the_api_and_read_its_headers(console_app):
    client = console_app.test_client()
    preflight = client.options(
        "/api/v1/sites/1",
        headers={
            "Origin": CONSOLE,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, if-match, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == CONSOLE
    assert "PATCH" in preflight.headers["Access-Control-Allow-Methods"]
    allowed = preflight.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "if-match", "content-type"} <= {h.strip() for h in allowed.split(",")}
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    response = client.get("/api/health", headers={"Origin": CONSOLE})
    assert response.headers["Access-Control-Allow-Origin"] == CONSOLE
    assert "X-Pagination" in response.headers["Access-Control-Expose-Headers"]


def test_an_origin_not_listed_gets_no_cors_headers(console_app):
    client = console_app.test_client()
    response = client.get("/api/health", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = client.options(
        "/api/v1/sites",
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
