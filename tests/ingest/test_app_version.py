"""The Vigil-App header: the app version a handheld states is kept on its row, at enrollment
and at every sync; a bad one is ignored, and an older app that states none keeps working."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from device_protocol.client import Handheld
from server.domain.models import Device
from tests.ingest.sync_helpers import new_code, stored


def app_version(db, serial="HT-0001"):
    """The column as the database holds it now (not the session's cached row)."""
    return db.scalar(select(Device.app_version).where(Device.serial == serial))


def sync_with_header(client, handheld, raw):
    """One shift event synced with the Vigil-App header exactly as given.

    Through Flask's test client: httpx's WSGI transport cannot carry a byte outside ASCII.
    """
    handheld.shift("handover")
    body = {"sent_at": datetime.now(UTC).isoformat(), "events": handheld.queue}
    headers = handheld._headers() | {"Vigil-App": raw}
    response = client.post("/api/v1/device/sync", json=body, headers=headers)
    handheld.queue.clear()
    return response


class TestRecorded:
    def test_enrollment_and_each_sync_record_the_version_the_api_lists(
        self, http, client, supervisor, site, db
    ):
        device = Handheld(http, sleep=lambda s: None, app_version="2.4.1")
        device.enroll(new_code(client, supervisor, site)["code"], "HT-0001")
        (listed,) = client.get("/api/v1/devices", headers=supervisor).json
        assert listed["app_version"] == "2.4.1"
        device.app_version = "2.5.0-beta (77)"  # the app was updated
        device.shift("clock_in")
        assert len(device.sync().accepted) == 1
        assert app_version(db) == "2.5.0-beta (77)"

    def test_the_api_refuses_to_set_it(self, handheld, client, admin):
        (listed,) = client.get("/api/v1/devices", headers=admin).json
        assert listed["app_version"] == "reference-1"
        answer = client.patch(
            f"/api/v1/devices/{listed['id']}", json={"app_version": "9"}, headers=admin
        )
        assert answer.status_code == 422

    def test_an_app_that_states_none_enrolls_syncs_and_keeps_what_was_known(
        self, http, client, supervisor, site, db
    ):
        old = Handheld(http, sleep=lambda s: None, app_version=None)
        old.enroll(new_code(client, supervisor, site)["code"], "HT-OLD")
        old.shift("clock_in")
        assert len(old.sync().accepted) == 1
        assert app_version(db, "HT-OLD") is None
        # Enrolled again by an app that says, then synced by one that does not: still known.
        new = Handheld(http, sleep=lambda s: None, app_version="3.0")
        new.enroll(new_code(client, supervisor, site)["code"], "HT-OLD")
        old.token = new.token
        old.shift("clock_out")
        assert len(old.sync().accepted) == 1
        assert app_version(db, "HT-OLD") == "3.0"


class TestBadHeaders:
    @pytest.mark.parametrize(
        "raw",
        # A server hands a header's UTF-8 bytes to the app as Latin-1 characters, as here.
        ["9" * 41, "", "   ", "版本2".encode().decode("latin-1"), "2.4\x01", "2.4\x7f", "2\t4"],
        ids=["too-long", "empty", "blank", "utf-8", "control", "delete", "tab"],
    )
    def test_a_bad_version_changes_nothing_and_the_sync_is_stored(self, handheld, client, db, raw):
        response = sync_with_header(client, handheld, raw)
        assert response.status_code == 200, response.text
        assert [r["status"] for r in response.json["results"]] == ["accepted"]
        assert app_version(db) == "reference-1"
        assert len(stored(db, type="shift")) == 1

    def test_enrolling_with_a_bad_version_works_and_records_none(
        self, http, client, supervisor, site, db
    ):
        code = new_code(client, supervisor, site)["code"]
        headers = {"Vigil-Protocol": "1", "Vigil-App": "x" * 200}
        answer = http.post(
            "/api/v1/device/enroll", json={"code": code, "serial": "HT-BAD"}, headers=headers
        )
        assert answer.status_code == 201, answer.text
        assert app_version(db, "HT-BAD") is None


def test_noting_the_version_costs_no_statement_of_its_own(handheld, app, db):
    """The sync's one UPDATE of the device row (rate limit, last seen) carries the version."""
    engine = app.extensions["vigil"].engine

    def device_updates(version):
        handheld.app_version = version
        handheld.shift("handover")
        seen = []
        listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert len(handheld.sync().accepted) == 1
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return [s for s in seen if s.lstrip().upper().startswith("UPDATE DEVICES")]

    assert len(device_updates(None)) == 1
    assert len(device_updates("reference-1")) == 1  # unchanged
    assert app_version(db) == "reference-1"
    assert len(device_updates("2.0")) == 1  # changed: the same one statement
    assert app_version(db) == "2.0"
    assert len(device_updates("2.0")) == 1
    assert app_version(db) == "2.0"
