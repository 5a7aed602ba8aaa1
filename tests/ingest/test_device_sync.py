"""The handheld protocol end to end, driven by the reference client in device_protocol/."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import event, select

from device_protocol.client import Handheld, ProtocolError
from server.domain.actor import Role
from server.domain.models import DeviceEvent
from server.domain.registry import tags as tag_service


@pytest.fixture
def http(app, db):
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://vigil.test") as c:
        yield c


def new_code(client, supervisor, site):
    response = client.post(
        "/api/v1/enrollment-codes", json={"site_id": site.id}, headers=supervisor
    )
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def handheld(http, client, supervisor, site):
    device = Handheld(http, sleep=lambda s: None)
    device.enroll(new_code(client, supervisor, site)["code"], "HT-0001", "巡更机 1")
    return device


def stored(db, **filters):
    return db.scalars(select(DeviceEvent).filter_by(**filters).order_by(DeviceEvent.id)).all()


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


class TestExactlyOnce:
    def test_resend_after_a_lost_response_stores_nothing_twice(
        self, app, db, client, supervisor, site
    ):
        class LosesFirstSyncReply(httpx.BaseTransport):
            lost = False

            def __init__(self):
                self.inner = httpx.WSGITransport(app=app)

            def handle_request(self, request):
                response = self.inner.handle_request(request)
                if request.url.path.endswith("/sync") and not self.lost:
                    self.lost = True  # the server did the work; the answer never arrives
                    raise httpx.ReadError("connection reset by peer")
                return response

        with httpx.Client(transport=LosesFirstSyncReply(), base_url="http://vigil.test") as http:
            device = Handheld(http, sleep=lambda s: None)
            device.enroll(new_code(client, supervisor, site)["code"], "HT-LOST")
            uuids = [
                device.shift("clock_in"),
                device.enter_code("N1"),
                device.shift("handover", "一切正常"),
            ]
            outcome = device.sync()
        assert outcome.duplicate == uuids and outcome.accepted == []
        assert [e.uuid for e in stored(db)] == uuids
        assert device.queue == []

    def test_part_of_a_batch_and_the_same_event_in_another_batch_are_duplicates(self, handheld, db):
        first = [handheld.shift("clock_in"), handheld.shift("handover")]
        sent = list(handheld.queue)
        handheld.sync()
        third = handheld.shift("clock_out")
        handheld.queue = [sent[1], handheld.queue[0], sent[0]]
        outcome = handheld.sync()
        assert outcome.accepted == [third] and sorted(outcome.duplicate) == sorted(first)
        assert len(stored(db)) == 3

    def test_same_uuid_other_content_is_a_conflict_and_the_first_is_kept(self, handheld, db):
        uuid = handheld.shift("handover", note="first")
        original = dict(handheld.queue[0])
        handheld.sync()
        handheld.queue = [original | {"note": "rewritten"}]
        outcome = handheld.sync()
        assert [c["uuid"] for c in outcome.conflict] == [uuid]
        (row,) = stored(db, uuid=uuid)
        assert row.data["note"] == "first"

    def test_duplicate_uuid_inside_one_batch(self, handheld, db):
        uuid = handheld.shift("clock_in")
        handheld.queue.append(dict(handheld.queue[0]))
        handheld.queue.append(handheld.queue[0] | {"note": "other"})
        outcome = handheld.sync()
        assert outcome.accepted == [uuid] and outcome.duplicate == [uuid]
        assert [c["uuid"] for c in outcome.conflict] == [uuid]


class TestBadEvents:
    def test_every_third_event_malformed_costs_only_itself(self, handheld, db):
        good = []
        for n in range(30):
            if n % 3 == 2:
                handheld.queue.append(
                    {"uuid": f"not-a-uuid-{n}", "type": "scan"}
                    if n % 2
                    else {
                        "uuid": f"6f1c2a8e-0000-4000-8000-{n:012d}",
                        "type": "teleport",
                        "device_time": "2026-11-22T08:00:00+08:00",
                    }
                )
            else:
                good.append(handheld.shift("handover", note=f"第{n}条"))
        outcome = handheld.sync()
        assert outcome.accepted == good
        assert len(outcome.rejected) == 10
        assert all(r["reason"] for r in outcome.rejected)
        assert {r["reason"] for r in outcome.rejected} >= {
            "uuid must be a UUID",
            "type must be one of: scan, incident, shift, round, inspection",
        }
        assert len(stored(db)) == 20

    @pytest.mark.parametrize(
        "event,reason",
        [
            (
                {"type": "shift", "kind": "clock_in", "device_time": "2026-11-22T08:00:00"},
                "device_time needs a UTC offset",
            ),
            (
                {"type": "shift", "kind": "nap", "device_time": "2026-11-22T08:00:00Z"},
                "kind must be one of",
            ),
            (
                {
                    "type": "round",
                    "action": "pause",
                    "route_id": 1,
                    "device_time": "2026-11-22T08:00:00Z",
                },
                "action must be one of: start, finish",
            ),
            (
                {
                    "type": "round",
                    "action": "start",
                    "route_id": "A",
                    "device_time": "2026-11-22T08:00:00Z",
                },
                "route_id must be an integer",
            ),
            (
                {
                    "type": "incident",
                    "category": "fire",
                    "severity": "apocalyptic",
                    "text": "x",
                    "device_time": "2026-11-22T08:00:00Z",
                },
                "severity must be one of",
            ),
            (
                {"type": "scan", "method": "qr", "device_time": "2026-11-22T08:00:00Z"},
                "payload must be text",
            ),
            (
                {
                    "type": "scan",
                    "method": "nfc",
                    "uid": "zz",
                    "device_time": "2026-11-22T08:00:00Z",
                },
                "is not a chip id",
            ),
            (
                {
                    "type": "incident",
                    "category": "fire",
                    "severity": "high",
                    "text": "x",
                    "photos": ["abc"],
                    "device_time": "2026-11-22T08:00:00Z",
                },
                "SHA-256",
            ),
        ],
    )
    def test_reasons_say_what_is_wrong(self, handheld, event, reason):
        handheld.queue.append({"uuid": "0b7c8f3e-1111-4222-8333-444455556666", **event})
        (rejected,) = handheld.sync().rejected
        assert reason in rejected["reason"]


class TestClock:
    def test_a_device_three_hours_fast_is_corrected(self, http, client, supervisor, site, db):
        fast = timedelta(hours=3)
        device = Handheld(http, clock=lambda: datetime.now(UTC) + fast, sleep=lambda s: None)
        device.enroll(new_code(client, supervisor, site)["code"], "HT-FAST")
        device.boot_id = None  # wall clock only: no monotonic anchor to lean on
        uuid = device.shift("clock_in")
        device.queue[0].pop("boot_id")
        outcome = device.sync()
        assert abs(outcome.clock_offset_ms + fast.total_seconds() * 1000) < 5000
        (row,) = stored(db, uuid=uuid)
        assert abs((row.corrected_time - row.received_at).total_seconds()) < 5
        assert row.device_time - row.corrected_time > timedelta(hours=2, minutes=59)
        assert row.time_source == "wall_clock"
        assert outcome.flags[uuid] == ["device_clock_off"]

    def test_monotonic_time_survives_a_wall_clock_jump(self, http, client, supervisor, site, db):
        wall = [datetime.now(UTC)]
        mono = [1_000_000]
        device = Handheld(
            http, clock=lambda: wall[0], monotonic_ms=lambda: mono[0], sleep=lambda s: None
        )
        device.enroll(new_code(client, supervisor, site)["code"], "HT-JUMP")
        uuid = device.shift("clock_in")  # stamped now
        mono[0] += 10 * 60 * 1000  # ten minutes pass on the monotonic clock...
        wall[0] += timedelta(days=365)  # ...while the wall clock jumps a year
        device.sync()
        (row,) = stored(db, uuid=uuid)
        assert row.time_source == "monotonic"
        assert abs((row.received_at - row.corrected_time) - timedelta(minutes=10)) < timedelta(
            seconds=1
        )

    def test_event_times_after_sending_are_flagged(self, handheld, db):
        uuid = handheld.shift("clock_in")
        handheld.queue[0]["device_time"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        handheld.queue[0].pop("boot_id")
        assert "time_in_future" in handheld.sync().flags[uuid]

    def test_events_from_before_enrollment_are_flagged(self, handheld, db):
        uuid = handheld.shift("clock_in")
        handheld.queue[0]["device_time"] = "2020-01-01T08:00:00+08:00"
        handheld.queue[0].pop("boot_id")
        assert "time_before_enrollment" in handheld.sync().flags[uuid]


class TestScans:
    @pytest.fixture
    def checkpoint(self, make, site):
        return make.checkpoint(site, name="配电房", code="PR-1")

    def test_verified_qr_scan_lands_on_its_checkpoint(
        self, handheld, client, supervisor, checkpoint, db
    ):
        tag = client.post(
            "/api/v1/qr-tags", json={"checkpoint_id": checkpoint.id}, headers=supervisor
        ).json
        uuid = handheld.scan_qr(tag["payload"], latitude=31.2, longitude=121.5)
        assert handheld.sync().accepted == [uuid]
        (row,) = stored(db, uuid=uuid)
        assert (row.checkpoint_id, row.qr_tag_id, row.site_id, row.flags) == (
            checkpoint.id,
            tag["id"],
            checkpoint.site_id,
            [],
        )

    def test_forged_revoked_and_foreign_tags_are_stored_with_a_flag(
        self, handheld, client, supervisor, checkpoint, make, db
    ):
        tag = client.post(
            "/api/v1/qr-tags", json={"checkpoint_id": checkpoint.id}, headers=supervisor
        ).json
        forged = handheld.scan_qr(tag["payload"][:-1] + ("A" if tag["payload"][-1] != "A" else "B"))
        client.post(
            f"/api/v1/qr-tags/{tag['id']}/revoke",
            json={"reason": "photographed"},
            headers=supervisor,
        )
        revoked = handheld.scan_qr(tag["payload"])
        other_org = make.org()
        foreign_cp = make.checkpoint(make.site(other_org))
        foreign_tag = make.qr_tag(foreign_cp)
        key = tag_service.key_of(make.session, foreign_tag)
        foreign = handheld.scan_qr(tag_service.payload_of(foreign_tag, key))
        outcome = handheld.sync()
        assert sorted(outcome.accepted) == sorted([forged, revoked, foreign])
        assert outcome.flags == {
            forged: ["tag_bad_signature"],
            revoked: ["tag_revoked"],
            foreign: ["tag_other_tenant"],
        }
        assert stored(db, uuid=revoked)[0].checkpoint_id == checkpoint.id
        assert stored(db, uuid=foreign)[0].checkpoint_id is None

    def test_chip_ids_are_normalised_and_unknown_chips_flagged(
        self, handheld, make, checkpoint, db
    ):
        make.chip(checkpoint, "010000001A2B3C4D")
        known = handheld.scan_chip("ibutton", "01-0000-001a-2b3c-4d")
        unknown = handheld.scan_chip("nfc", "DEADBEEF")
        outcome = handheld.sync()
        assert stored(db, uuid=known)[0].checkpoint_id == checkpoint.id
        assert outcome.flags == {unknown: ["unknown_chip"]}

    def test_manual_codes_match_case_insensitively_and_are_flagged_as_typed(
        self, handheld, checkpoint, db
    ):
        typed = handheld.enter_code("pr-1")
        wrong = handheld.enter_code("NOPE")
        outcome = handheld.sync()
        assert stored(db, uuid=typed)[0].checkpoint_id == checkpoint.id
        assert outcome.flags == {typed: ["manual_entry"], wrong: ["manual_entry", "unknown_code"]}

    def test_a_person_from_another_site_is_kept_and_flagged(
        self, handheld, checkpoint, make, org, site, db
    ):
        elsewhere = make.site(org, name="滨江大厦")
        here = make.user(org, sites=[site])
        visitor = make.user(org, sites=[elsewhere])
        admin = make.user(org, role=Role.ADMIN)
        uuids = [handheld.enter_code("PR-1", user_id=u.id) for u in (here, visitor, admin)]
        outcome = handheld.sync()
        assert [outcome.flags[u] for u in uuids] == [
            ["manual_entry"],
            ["manual_entry", "user_other_site"],
            ["manual_entry"],
        ]
        # The claim is evidence: stored as sent, for a supervisor to review.
        assert [stored(db, uuid=u)[0].user_id for u in uuids] == [here.id, visitor.id, admin.id]

    def test_incidents_keep_category_text_and_photos(self, handheld, checkpoint, db):
        photo = "a" * 64
        uuid = handheld.report_incident(
            "water_leak", "high", "地下车库B2区漏水", checkpoint_id=checkpoint.id, photos=[photo]
        )
        handheld.sync()
        (row,) = stored(db, uuid=uuid)
        assert row.data["text"] == "地下车库B2区漏水" and row.data["photos"] == [photo]
        assert row.checkpoint_id == checkpoint.id


class TestLimits:
    def test_too_many_events_is_a_clear_error(self, handheld):
        handheld.queue = [{"uuid": "x"}] * 501
        response = handheld.http.post(
            "/api/v1/device/sync",
            json={"sent_at": "2026-11-22T08:00:00Z", "events": handheld.queue},
            headers=handheld._headers(),
        )
        assert response.status_code == 422
        assert "500" in str(response.json())

    def test_too_many_bytes_is_413(self, handheld):
        body = {"sent_at": "2026-11-22T08:00:00Z", "events": [{"text": "x" * (3 * 1024 * 1024)}]}
        response = handheld.http.post("/api/v1/device/sync", json=body, headers=handheld._headers())
        assert response.status_code == 413 and response.json()["code"] == 413

    def test_a_device_syncing_too_often_is_throttled(self, handheld):
        body = {"sent_at": datetime.now(UTC).isoformat(), "events": []}
        codes = [
            handheld.http.post(
                "/api/v1/device/sync", json=body, headers=handheld._headers()
            ).status_code
            for _ in range(61)
        ]
        assert codes[:60] == [200] * 60 and codes[60] == 429

    def test_a_sync_marks_the_device_seen_at_its_receipt(self, handheld, client, admin):
        (device,) = client.get("/api/v1/devices", headers=admin).json
        assert device["last_seen_at"] is None
        handheld.shift("clock_in")
        body = {"sent_at": datetime.now(UTC).isoformat(), "events": handheld.queue}
        answer = handheld.http.post("/api/v1/device/sync", json=body, headers=handheld._headers())
        (device,) = client.get("/api/v1/devices", headers=admin).json
        seen = datetime.fromisoformat(device["last_seen_at"])
        assert seen == datetime.fromisoformat(answer.json()["server_time"])


def test_a_batch_costs_the_same_number_of_statements_whatever_its_size(
    handheld, app, checkpoint_factory=None
):
    engine = app.extensions["vigil"].engine

    def statements_for(count: int) -> list[str]:
        for n in range(count):
            handheld.enter_code(f"C{n}") if n % 2 else handheld.shift("handover", f"n{n}")
        seen = []
        listener = lambda conn, cursor, statement, *args: seen.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            handheld.sync()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return seen

    small, large = statements_for(10), statements_for(300)
    assert len(small) == len(large)
    # New events are inserted without first reading the device's earlier ones, whose number
    # only grows: nothing but the insert touches device_events.
    touching = [s for s in large if "device_events" in s]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
