"""The handheld protocol end to end: batches stored exactly once, bad events, limits and cost."""

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import event

from device_protocol.client import Handheld
from tests.ingest.sync_helpers import new_code, stored


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


class TestStoredIds:
    def test_each_accepted_event_is_answered_with_the_id_it_is_stored_under(self, handheld, db):
        uuids = [handheld.shift("clock_in"), handheld.enter_code("N1"), handheld.shift("handover")]
        outcome = handheld.sync()
        assert outcome.event_ids == {e.uuid: e.id for e in stored(db)}
        assert list(outcome.event_ids) == uuids

    def test_a_resend_a_conflict_and_a_repeat_in_the_batch_name_the_first_copy(self, handheld, db):
        first = handheld.shift("handover", note="first")
        sent = dict(handheld.queue[0])
        handheld.sync()
        (kept,) = stored(db, uuid=first)
        second = handheld.shift("clock_out")
        bad = {"uuid": "6f1c2a8e-0000-4000-8000-000000000001", "type": "teleport"}
        batch = [sent, sent | {"note": "rewritten"}, handheld.queue[0], handheld.queue[0], bad]
        body = {"sent_at": datetime.now(UTC).isoformat(), "events": batch}
        answer = handheld.http.post("/api/v1/device/sync", json=body, headers=handheld._headers())
        (new,) = stored(db, uuid=second)
        assert [(r["status"], r["event_id"]) for r in answer.json()["results"]] == [
            ("duplicate", kept.id),
            ("conflict", kept.id),  # the copy kept, not what was just sent
            ("accepted", new.id),
            ("duplicate", new.id),
            ("rejected", None),
        ]


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
