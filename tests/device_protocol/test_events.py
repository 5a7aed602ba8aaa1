"""Parsing what a handheld sends (docs/device-protocol.md §3 and §4), with no server at all."""

from datetime import UTC, datetime
from typing import Any

import pytest

from device_protocol.events import (
    Event,
    EventType,
    Invalid,
    Rejected,
    fingerprint,
    parse_batch,
    parse_event,
)
from device_protocol.version import MAX_EVENTS, MAX_PHOTOS, MAX_TEXT

UUID = "0b7c8f3e-1111-4222-8333-444455556666"
PHOTO = "a" * 64
OTHER_PHOTO = "0123456789abcdef" * 4


def event(type_: str, **fields: Any) -> dict[str, Any]:
    return {"uuid": UUID, "type": type_, "device_time": "2026-11-22T08:02:11+08:00", **fields}


QR = event("scan", method="qr", payload="V1:C:1:2S:1:4I4AZD5W5MVQHYAF")
SHIFT = event("shift", kind="clock_in")


class TestValidEvents:
    def test_the_envelope_is_kept_and_the_time_placed_in_utc(self):
        parsed = parse_event(QR | {"monotonic_ms": 84_731_000, "boot_id": "5a1e", "user_id": 17})
        assert (parsed.uuid, parsed.type) == (UUID, EventType.SCAN)
        assert parsed.device_time == datetime(2026, 11, 22, 0, 2, 11, tzinfo=UTC)
        assert (parsed.monotonic_ms, parsed.boot_id, parsed.user_id) == (84_731_000, "5a1e", 17)

    def test_a_utc_z_time_is_accepted(self):
        parsed = parse_event(QR | {"device_time": "2026-11-22T00:02:11Z"})
        assert parsed.device_time == datetime(2026, 11, 22, 0, 2, 11, tzinfo=UTC)

    def test_the_uuid_is_normalised(self):
        assert parse_event(QR | {"uuid": UUID.upper()}).uuid == UUID

    def test_a_qr_scan_with_position_note_and_photos(self):
        raw = QR | {
            "latitude": 31.23,
            "longitude": 121,
            "accuracy_m": 8,
            "note": "门未锁 door unlocked",
            "photos": [PHOTO, OTHER_PHOTO, PHOTO],
        }
        assert parse_event(raw).data == {
            "method": "qr",
            "payload": QR["payload"],
            "latitude": 31.23,
            "longitude": 121.0,
            "accuracy_m": 8.0,
            "note": "门未锁 door unlocked",
            "photos": [PHOTO, OTHER_PHOTO],  # each photo once, in the order sent
        }

    @pytest.mark.parametrize(
        "method,field,value",
        [
            ("nfc", "uid", "04:a2:1f:9c"),
            ("ibutton", "uid", "01-0000-00AA-AA00-01"),
            ("rfid", "uid", "0009876543"),
            ("manual", "code", "PR-HV"),
        ],
    )
    def test_chip_and_typed_scans_carry_what_identifies_the_checkpoint(self, method, field, value):
        data = parse_event(event("scan", method=method, **{field: value})).data
        assert (data["method"], data[field], data["note"], data["photos"]) == (
            method,
            value,
            "",
            [],
        )
        assert "latitude" not in data

    def test_an_incident(self):
        raw = event(
            "incident", category="water_leak", severity="high", text="水管漏水", checkpoint_id=41
        )
        data = parse_event(raw).data
        assert (data["category"], data["severity"], data["text"]) == (
            "water_leak",
            "high",
            "水管漏水",
        )
        assert data["checkpoint_id"] == 41 and data["photos"] == []

    def test_an_incident_need_not_name_a_checkpoint(self):
        raw = event("incident", category="other", severity="low", text="x")
        assert parse_event(raw).data["checkpoint_id"] is None

    @pytest.mark.parametrize("kind", ["clock_in", "clock_out", "handover"])
    def test_shift_events(self, kind):
        data = parse_event(event("shift", kind=kind, note="交接: 北门灯坏")).data
        assert data == {"kind": kind, "note": "交接: 北门灯坏"}

    @pytest.mark.parametrize("action", ["start", "finish"])
    def test_round_events(self, action):
        data = parse_event(event("round", action=action, route_id=2)).data
        assert data == {"action": action, "route_id": 2, "note": ""}

    def test_an_inspection_with_every_kind_of_value(self):
        raw = event(
            "inspection",
            asset_id=5,
            template_id=3,
            version=2,
            values={
                "battery_v": 13.5,
                "fuel_pct": 90,
                "oil_ok": True,
                "sf6": "normal",
                "rules": {"missing": {"2": 0.5}},
                "notes": None,
            },
            photos={"photo": [PHOTO], "leak": [PHOTO, OTHER_PHOTO]},
        )
        data = parse_event(raw).data
        assert data["values"] == raw["values"]
        assert (data["asset_id"], data["site_id"], data["template_id"], data["version"]) == (
            5,
            None,
            3,
            2,
        )
        assert data["item_photos"] == {"photo": [PHOTO], "leak": [PHOTO, OTHER_PHOTO]}
        assert data["photos"] == [PHOTO, OTHER_PHOTO]  # every hash once, to upload

    def test_a_site_wide_inspection_names_the_site(self):
        raw = event("inspection", site_id=3, template_id=9, version=1, values={})
        assert parse_event(raw).data["site_id"] == 3


class TestRejections:
    @pytest.mark.parametrize(
        "raw,reason",
        [
            ({k: v for k, v in SHIFT.items() if k != "uuid"}, "uuid must be a UUID"),
            (SHIFT | {"uuid": "not-a-uuid"}, "uuid must be a UUID"),
            (SHIFT | {"type": "teleport"}, "type must be one of: scan, incident, shift"),
            (SHIFT | {"device_time": "2026-11-22T08:00:00"}, "device_time needs a UTC offset"),
            (SHIFT | {"device_time": "yesterday"}, "device_time is not an ISO 8601 time"),
            ({k: v for k, v in SHIFT.items() if k != "device_time"}, "device_time must be an ISO"),
            (SHIFT | {"device_time": 1_700_000_000}, "device_time must be an ISO"),
            (SHIFT | {"kind": "nap"}, "kind must be one of: clock_in, clock_out, handover"),
            (SHIFT | {"note": "x" * (MAX_TEXT + 1)}, f"note must be text of at most {MAX_TEXT}"),
            (SHIFT | {"note": "a\x00b"}, "note may not contain NUL"),
            (SHIFT | {"monotonic_ms": -1}, "monotonic_ms must be an integer"),
            (SHIFT | {"monotonic_ms": 1.5}, "monotonic_ms must be an integer"),
            (SHIFT | {"user_id": True}, "user_id must be an integer"),
            (SHIFT | {"boot_id": "b" * 65}, "boot_id must be text of at most 64"),
            (QR | {"method": "bluetooth"}, "method must be one of: qr, nfc, ibutton, rfid, manual"),
            (QR | {"payload": None}, "payload must be text"),
            (QR | {"payload": "   "}, "payload must be text"),
            (QR | {"payload": "V" * 201}, "payload must be text of at most 200"),
            (event("scan", method="nfc"), "uid must be text"),
            (event("scan", method="manual", code="C" * 33), "code must be text of at most 32"),
            (QR | {"photos": ["ABC"]}, "SHA-256"),
            (QR | {"photos": [PHOTO.upper()]}, "lower-case hex SHA-256"),
            (QR | {"photos": PHOTO}, "photos must be a list"),
            (
                QR | {"photos": [f"{n:064x}" for n in range(MAX_PHOTOS + 1)]},
                f"at most {MAX_PHOTOS}",
            ),
            (QR | {"latitude": 91, "longitude": 0}, "latitude must be a number from -90 to 90"),
            (QR | {"latitude": 31.2}, "longitude must be a number from -180 to 180"),
            (QR | {"latitude": 31.2, "longitude": "121"}, "longitude must be a number"),
            (QR | {"latitude": True, "longitude": 121}, "latitude must be a number"),
            (QR | {"latitude": 0, "longitude": 0, "accuracy_m": -1}, "accuracy_m must be"),
            (event("incident", severity="high", text="x"), "category must be one of"),
            (event("incident", category="fire", severity="high", text=" "), "text must be text"),
            (event("incident", category="fire", severity="apocalyptic", text="x"), "severity"),
            (event("round", action="pause", route_id=1), "action must be one of: start, finish"),
            (event("round", action="start", route_id="A"), "route_id must be an integer"),
            (event("round", action="start"), "route_id must be an integer"),
        ],
    )
    def test_a_bad_event_is_refused_with_a_clear_reason(self, raw, reason):
        with pytest.raises(Invalid) as refused:
            parse_event(raw)
        assert reason in str(refused.value)

    @pytest.mark.parametrize(
        "fields,reason",
        [
            ({"template_id": 3, "version": 1, "values": {}}, "asset_id (or site_id"),
            ({"asset_id": 5, "version": 1, "values": {}}, "template_id must be an integer"),
            ({"asset_id": 5, "template_id": 3, "values": {}}, "version must be an integer"),
            ({"asset_id": 5, "template_id": 3, "version": 1}, "values must be an object"),
            (
                {"asset_id": 5, "template_id": 3, "version": 1, "values": {"Bad-Key": 1}},
                "item keys are lower-case",
            ),
            (
                {"asset_id": 5, "template_id": 3, "version": 1, "values": {"v": float("nan")}},
                "values.v must be a finite number",
            ),
            (
                {"asset_id": 5, "template_id": 3, "version": 1, "values": {"v": [1, 2]}},
                "values.v must be a number, true/false, text",
            ),
            (
                {"asset_id": 5, "template_id": 3, "version": 1, "values": {"v": "x" * 4001}},
                "values.v must be text",
            ),
            (
                {
                    "asset_id": 5,
                    "template_id": 3,
                    "version": 1,
                    "values": {},
                    "photos": {f"p{n}": [f"{n:064x}"] for n in range(MAX_PHOTOS + 1)},
                },
                f"at most {MAX_PHOTOS} photos on one inspection",
            ),
        ],
    )
    def test_a_bad_inspection_is_refused_with_a_clear_reason(self, fields, reason):
        with pytest.raises(Invalid) as refused:
            parse_event(event("inspection", **fields))
        assert reason in str(refused.value)

    def test_an_event_that_is_not_an_object_is_refused(self):
        with pytest.raises(Invalid, match="an event must be a JSON object"):
            parse_event([SHIFT])

    def test_at_most_max_text_characters_is_fine(self):
        assert len(parse_event(SHIFT | {"note": "注" * MAX_TEXT}).data["note"]) == MAX_TEXT


class TestBatch:
    def batch(self, events: list[Any], **envelope: Any):
        return parse_batch({"sent_at": "2026-11-22T08:30:00+08:00", "events": events, **envelope})

    def test_the_envelope_carries_the_devices_clocks(self):
        batch = self.batch([], monotonic_ms=86_400_000, boot_id="5a1e")
        assert batch.sent_at == datetime(2026, 11, 22, 0, 30, tzinfo=UTC)
        assert (batch.monotonic_ms, batch.boot_id, batch.items) == (86_400_000, "5a1e", [])

    def test_a_bad_event_is_rejected_alone_and_the_others_parse_in_order(self):
        second = SHIFT | {"uuid": "6f1c2a8e-0000-4000-8000-000000000002", "kind": "nap"}
        third = QR | {"uuid": "6f1c2a8e-0000-4000-8000-000000000003"}
        batch = self.batch([SHIFT, second, third, {"type": "scan"}, "junk"])
        assert [type(i) for i in batch.items] == [Event, Rejected, Event, Rejected, Rejected]
        assert batch.items[0].uuid == UUID and batch.items[2].uuid == third["uuid"]
        assert batch.items[1] == Rejected(second["uuid"], batch.items[1].reason)
        assert "kind must be one of" in batch.items[1].reason
        assert batch.items[3] == Rejected(None, "uuid must be a UUID")
        assert batch.items[4] == Rejected(None, "an event must be a JSON object")

    @pytest.mark.parametrize(
        "raw,reason",
        [
            ([], "the body must be a JSON object"),
            ({"sent_at": "2026-11-22T08:30:00Z"}, "events must be a list"),
            ({"sent_at": "2026-11-22T08:30:00Z", "events": {}}, "events must be a list"),
            ({"sent_at": "2026-11-22T08:30:00", "events": []}, "sent_at needs a UTC offset"),
            ({"events": []}, "sent_at must be an ISO 8601 string"),
            (
                {"sent_at": "2026-11-22T08:30:00Z", "events": [SHIFT] * (MAX_EVENTS + 1)},
                f"at most {MAX_EVENTS} events in one batch",
            ),
            (
                {"sent_at": "2026-11-22T08:30:00Z", "events": [], "monotonic_ms": "1"},
                "monotonic_ms must be an integer",
            ),
        ],
    )
    def test_a_bad_envelope_refuses_the_whole_batch(self, raw, reason):
        with pytest.raises(Invalid) as refused:
            parse_batch(raw)
        assert reason in str(refused.value)

    def test_max_events_in_one_batch_is_fine(self):
        assert len(self.batch([SHIFT] * MAX_EVENTS).items) == MAX_EVENTS

    @pytest.mark.parametrize("when", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
    def test_a_time_at_the_edge_of_the_calendar_is_one_rejected_event(self, when):
        batch = self.batch([SHIFT | {"device_time": when}, QR])
        assert isinstance(batch.items[0], Rejected) and isinstance(batch.items[1], Event)


class TestFingerprint:
    def test_key_order_does_not_change_it(self):
        reordered = dict(reversed(list(QR.items())))
        assert parse_event(reordered).fingerprint == parse_event(QR).fingerprint

    def test_it_is_the_sha256_of_the_event_as_sent(self):
        assert parse_event(QR).fingerprint == fingerprint(QR)
        assert len(fingerprint(QR)) == 64

    @pytest.mark.parametrize(
        "change",
        [
            {"payload": "V1:C:1:2S:1:OTHERTAG"},
            {"device_time": "2026-11-22T08:02:12+08:00"},
            {"note": "补拍"},
            {"monotonic_ms": 1},
        ],
    )
    def test_any_change_of_content_changes_it(self, change):
        assert parse_event(QR | change).fingerprint != parse_event(QR).fingerprint

    def test_the_same_instant_written_differently_is_different_content(self):
        # A resend must be byte-for-byte as queued; a rewritten time is a conflict, not a copy.
        utc = QR | {"device_time": "2026-11-22T00:02:11+00:00"}
        assert parse_event(utc).device_time == parse_event(QR).device_time
        assert parse_event(utc).fingerprint != parse_event(QR).fingerprint
