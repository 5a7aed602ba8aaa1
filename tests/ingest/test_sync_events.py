"""The handheld protocol end to end: device clocks corrected, scans resolved and flagged."""

from datetime import UTC, datetime, timedelta

import pytest

from device_protocol.client import Handheld
from server.domain.actor import Role
from server.domain.registry import tags as tag_service
from tests.ingest.sync_helpers import new_code, stored


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
