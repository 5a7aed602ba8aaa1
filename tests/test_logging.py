"""Logs are JSON lines with the request id, and never carry passwords or tokens."""

import io
import json
import logging

import pytest

from server.domain.registry import signing, tags
from server.logs import JsonFormatter
from server.testing.factories import PASSWORD


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


def test_device_secrets_and_tag_keys_stay_out_of_debug_logs(client, make, captured, db, app):
    logging.getLogger("vigil").setLevel(logging.DEBUG)
    org = make.org()
    site = make.site(org)
    checkpoint = make.checkpoint(site)
    tag = make.qr_tag(checkpoint)
    payload = tags.payload_of(tag, tags.key_of(db, tag))
    _, code = make.enrollment_code(site)
    enrolled = client.post(
        "/api/v1/device/enroll",
        json={"code": code, "serial": "LOG-1"},
        headers={"Vigil-Protocol": "1"},
    )
    assert enrolled.status_code == 201, enrolled.json
    device_token = enrolled.json["token"]
    headers = {"Authorization": f"Bearer {device_token}", "Vigil-Protocol": "1"}
    scan = {
        "uuid": "0b7c8f3e-1111-4a2b-9c3d-000000000001",
        "type": "scan",
        "method": "qr",
        "payload": payload,
        "device_time": "2026-11-22T08:00:00+08:00",
    }
    synced = client.post(
        "/api/v1/device/sync",
        json={"sent_at": "2026-11-22T08:00:05+08:00", "events": [scan]},
        headers=headers,
    )
    assert synced.status_code == 200
    text = captured.getvalue()
    assert len(lines(captured)) >= 2
    secret = app.config["SECRET_KEY"]
    key = signing.tag_key(org.id, 1)
    for needle in (code, device_token, secret, key.hex(), payload.rsplit(":", 1)[-1]):
        assert needle not in text
