"""GET /api/health reports the service and its database."""

from tests.conftest import make_test_app


def test_health_reports_database_ok(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_answers_503_in_the_error_shape_when_the_database_is_gone(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path}/missing-dir/nope.db")
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.json["code"] == 503
    assert response.json["message"] == "database unavailable"
