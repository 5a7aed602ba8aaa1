"""End to end: what a handheld syncs is what a supervisor reads, photos arriving later."""

import hashlib

import httpx
import pytest

from device_protocol.client import Handheld
from server.domain.actor import Role
from tests.field_reports.conftest import jpeg


@pytest.fixture
def handheld(app, client, make, org, site, supervisor):
    code = client.post("/api/v1/enrollment-codes", json={"site_id": site.id}, headers=supervisor)
    http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://vigil.test")
    device = Handheld(http, sleep=lambda s: None)
    device.enroll(code.json["code"], "HT-NIGHT", "夜班巡更机")
    yield device
    http.close()


def test_a_synced_incident_and_handover_read_back_typed(
    client, make, org, site, supervisor, handheld
):
    guard = make.user(org, Role.GUARD, [site], name="王芳")
    picture = jpeg((10, 20, 30))
    sha = hashlib.sha256(picture).hexdigest()
    handheld.report_incident("hazard", "medium", "消防通道被堵", user_id=guard.id, photos=[sha])
    handheld.shift("handover", "交班：消防通道已清理", user_id=guard.id)
    handheld.sync()

    [incident] = client.get("/api/v1/incidents", headers=supervisor).json
    assert (incident["category"], incident["severity"]) == ("hazard", "medium")
    assert incident["text"] == "消防通道被堵"
    assert (incident["user_id"], incident["user_name"]) == (guard.id, "王芳")
    assert incident["device_name"] == "夜班巡更机"
    assert incident["site_id"] == site.id
    assert incident["time_source"] == "monotonic"
    assert incident["photos"][0]["received"] is False

    upload = handheld.http.put(
        f"/api/v1/device/photos/{sha}", content=picture, headers=handheld._headers()
    )
    assert upload.status_code == 201
    again = client.get(f"/api/v1/incidents/{incident['id']}", headers=supervisor).json
    assert again["photos"][0]["received"] is True
    assert client.get(again["photos"][0]["display"], headers=supervisor).status_code == 200

    [note] = client.get("/api/v1/shift-notes?kind=handover", headers=supervisor).json
    assert note["note"] == "交班：消防通道已清理" and note["user_name"] == "王芳"
