"""The handheld protocol end to end: enrolling a device, its config, and the protocol version."""

from datetime import UTC, datetime, timedelta

import pytest

from device_protocol.client import Handheld, ProtocolError
from tests.ingest.sync_helpers import new_code, stored


class TestEnrollment:
    def test_code_qr_and_typed_forms_enroll_a_device_that_gets_its_config(
        self, http, client, supervisor, make, site
    ):
        checkpoint = make.checkpoint(site, name="北门 North gate", code="N1")
        make.chip(checkpoint, "04A21F9C", "nfc")
        code = new_code(client, supervisor, site)
        assert code["qr_payload"] == "VE1:" + code["code"].replace("-", "")
        assert code["qr_png"].startswith("data:image/png;base64,")
        device = Handheld(http)
        enrolled = device.enroll(code["code"].lower(), "HT-7", "巡更机 7")
        assert enrolled["site_ids"] == [site.id]
        config = device.fetch_config()
        (config_site,) = config["sites"]
        assert config_site["name"] == "湖畔花园" and config_site["timezone"] == "Asia/Shanghai"
        (entry,) = config_site["checkpoints"]
        assert entry["name"] == "北门 North gate" and entry["chips"] == [
            {"kind": "nfc", "uid": "04A21F9C"}
        ]
        assert (
            "intrusion" in config["incident_categories"] and config["limits"]["max_events"] == 500
        )

    def test_config_is_304_until_something_changes(self, handheld, client, supervisor, make, site):
        first = handheld.fetch_config()
        etag = handheld._config_etag
        response = handheld.http.get(
            "/api/v1/device/config", headers=handheld._headers() | {"If-None-Match": etag}
        )
        assert response.status_code == 304
        make.checkpoint(site, name="南门")
        assert handheld.fetch_config() != first and handheld._config_etag != etag

    @pytest.mark.parametrize("state", ["used", "expired", "revoked"])
    def test_a_code_works_once_and_only_while_live(
        self, http, client, supervisor, make, site, state
    ):
        code = new_code(client, supervisor, site)
        if state == "used":
            Handheld(http).enroll(code["code"], "HT-1")
        elif state == "revoked":
            client.post(f"/api/v1/enrollment-codes/{code['id']}/revoke", headers=supervisor)
        else:
            from server.domain.clock import set_clock

            later = datetime.now(UTC) + timedelta(minutes=31)
            set_clock(lambda: later)
        with pytest.raises(ProtocolError) as error:
            Handheld(http).enroll(code["code"], "HT-2")
        assert error.value.status == 401

    def test_a_revoked_device_is_refused_and_what_it_sent_stays(
        self, handheld, client, supervisor, db
    ):
        handheld.shift("clock_in")
        assert len(handheld.sync().accepted) == 1
        device_id = (
            handheld.config and handheld.config["device"]["id"]
        ) or handheld.fetch_config()["device"]["id"]
        assert (
            client.patch(
                f"/api/v1/devices/{device_id}", json={"active": False}, headers=supervisor
            ).status_code
            == 200
        )
        handheld.shift("clock_out")
        with pytest.raises(ProtocolError) as error:
            handheld.sync()
        assert error.value.status == 401
        assert len(stored(db, device_id=device_id)) == 1


class TestProtocolVersion:
    @pytest.mark.parametrize("header", [None, "0", "2"])
    def test_unsupported_versions_are_told_the_supported_ones(self, http, header):
        headers = {"Vigil-Protocol": header} if header else {}
        response = http.get("/api/v1/device/config", headers=headers)
        assert response.status_code == 412
        assert response.json()["errors"] == {"supported": ["1"]}
        assert response.headers["Vigil-Protocol-Supported"] == "1"
