"""Logs are JSON lines with the request id, and never carry passwords or tokens."""

import io
import json
import logging

import pytest

from server.logs import JsonFormatter
from tests.factories import PASSWORD


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("vigil")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_request_logs_one_json_line_with_its_request_id(client, captured):
    response = client.get("/api/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    (entry,) = [e for e in lines(captured) if e["msg"] == "request"]
    assert entry["request_id"] == "abc-123"
    assert entry["path"] == "/api/health" and entry["status"] == 200 and entry["ms"] >= 0


def test_an_unsafe_request_id_is_replaced(client, captured):
    response = client.get("/api/health", headers={"X-Request-ID": 'x" injected=1' + "z" * 80})
    assert response.headers["X-Request-ID"] != 'x" injected=1' + "z" * 80
    assert len(response.headers["X-Request-ID"]) == 32


def test_passwords_and_tokens_stay_out_of_the_logs(client, make, captured):
    make.user(make.org(), login="secretive")
    client.post("/api/v1/auth/token", json={"login": "secretive", "password": "wrong-guess-123"})
    token = client.post(
        "/api/v1/auth/token", json={"login": "secretive", "password": PASSWORD}
    ).json["token"]
    client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    text = captured.getvalue()
    assert len(lines(captured)) == 3
    assert PASSWORD not in text and "wrong-guess-123" not in text and token not in text
