"""Placing handheld times on the server clock, from batches as a handheld sends them."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from device_protocol import clock
from device_protocol.events import Event, Invalid, Rejected, parse_batch

# The server receives the batch at 00:30:00 UTC (08:30 in Shanghai).
RECEIVED = datetime(2026, 11, 22, 0, 30, tzinfo=UTC)
UUID = "0b7c8f3e-1111-4222-8333-444455556666"


def shift(**envelope: Any) -> dict[str, Any]:
    return {"uuid": UUID, "type": "shift", "kind": "clock_in", **envelope}


def sync(event: dict[str, Any], **envelope: Any):
    """The batch and its one event, parsed as the server parses them."""
    batch = parse_batch({"sent_at": "2026-11-22T08:30:00+08:00", "events": [event], **envelope})
    (item,) = batch.items
    assert isinstance(item, Event), item
    return batch, item


class TestOffset:
    @pytest.mark.parametrize(
        "sent_at,ahead",
        [
            ("2026-11-22T08:30:00+08:00", timedelta(0)),
            ("2026-11-22T11:30:00+08:00", timedelta(hours=-3)),  # the device is 3 h fast
            ("2026-11-22T00:29:58.800Z", timedelta(seconds=1.2)),  # transit time included
        ],
    )
    def test_offset_is_how_far_the_server_clock_is_ahead(self, sent_at, ahead):
        batch = parse_batch({"sent_at": sent_at, "events": []})
        assert clock.offset(batch, RECEIVED) == ahead


class TestCorrectedTime:
    def test_same_boot_monotonic_time_is_exact_whatever_the_wall_clock_did(self):
        # Stamped 10 minutes before sending by the monotonic clock; the wall clock then
        # jumped a year (a GPS or operator reset) and reads nonsense for the event.
        event = shift(
            device_time="2027-11-22T08:20:00+08:00", monotonic_ms=85_800_000, boot_id="boot-a"
        )
        batch, item = sync(event, monotonic_ms=86_400_000, boot_id="boot-a")
        corrected, source = clock.corrected_time(item, batch, RECEIVED)
        assert (corrected, source) == (RECEIVED - timedelta(minutes=10), "monotonic")

    def test_monotonic_milliseconds_are_kept(self):
        event = shift(device_time="2026-11-22T08:29:00+08:00", monotonic_ms=1_000, boot_id="b")
        batch, item = sync(event, monotonic_ms=2_345, boot_id="b")
        corrected, _ = clock.corrected_time(item, batch, RECEIVED)
        assert RECEIVED - corrected == timedelta(milliseconds=1_345)

    @pytest.mark.parametrize(
        "event_clock,batch_clock",
        [
            ({"monotonic_ms": 85_800_000, "boot_id": "old"}, {"monotonic_ms": 1, "boot_id": "new"}),
            ({"boot_id": "a"}, {"monotonic_ms": 86_400_000, "boot_id": "a"}),
            ({"monotonic_ms": 85_800_000, "boot_id": "a"}, {"boot_id": "a"}),
            ({"monotonic_ms": 85_800_000}, {"monotonic_ms": 86_400_000}),  # no boot to share
        ],
        ids=["rebooted since", "event without monotonic", "batch without monotonic", "no boots"],
    )
    def test_otherwise_the_wall_clock_is_shifted_by_the_batch_offset(
        self, event_clock, batch_clock
    ):
        # The device runs 3 hours fast: it sent at 11:30 its time, stamped the event 11:05.
        event = shift(device_time="2026-11-22T11:05:00+08:00", **event_clock)
        batch, item = sync(event, **batch_clock | {"sent_at": "2026-11-22T11:30:00+08:00"})
        corrected, source = clock.corrected_time(item, batch, RECEIVED)
        assert (corrected, source) == (RECEIVED - timedelta(minutes=25), "wall_clock")

    def test_a_correct_clock_leaves_the_wall_time_as_it_was(self):
        batch, item = sync(shift(device_time="2026-11-22T08:02:11+08:00"))
        corrected, _ = clock.corrected_time(item, batch, RECEIVED)
        assert corrected == datetime(2026, 11, 22, 0, 2, 11, tzinfo=UTC)

    @pytest.mark.parametrize(
        "event_clock,batch_clock",
        [
            ({"device_time": "0001-01-01T00:00:00Z"}, {"sent_at": "2026-11-22T00:30:05Z"}),
            (
                {"device_time": "2026-11-22T08:00:00+08:00", "monotonic_ms": 0, "boot_id": "a"},
                {"monotonic_ms": 2**62, "boot_id": "a"},
            ),
        ],
        ids=["year one", "monotonic at its limit"],
    )
    def test_an_absurd_clock_is_refused_or_placed_never_a_crash(self, event_clock, batch_clock):
        raw = {"sent_at": "2026-11-22T08:30:00+08:00", "events": [shift(**event_clock)]}
        try:
            batch = parse_batch(raw | batch_clock)
        except Invalid:
            return  # refused at the envelope: fine
        (item,) = batch.items
        if isinstance(item, Rejected):
            return  # refused as an event: fine
        corrected, _ = clock.corrected_time(item, batch, RECEIVED)
        assert corrected.tzinfo is not None


class TestFlags:
    ENROLLED = RECEIVED - timedelta(days=30)
    TOLERANCE = clock.FUTURE_TOLERANCE

    def flags(self, corrected: datetime, skew=timedelta(0), enrolled_at=ENROLLED) -> list[str]:
        return clock.flags(corrected, RECEIVED, skew, enrolled_at)

    def test_a_plausible_time_has_no_flags(self):
        assert self.flags(RECEIVED - timedelta(hours=3)) == []

    @pytest.mark.parametrize(
        "after,flagged",
        [
            (timedelta(0), False),
            (timedelta(minutes=2), False),  # a clock that ticked between stamping and sending
            (timedelta(minutes=2, seconds=1), True),
            (timedelta(days=1), True),
        ],
    )
    def test_a_time_after_the_batch_arrived_is_in_the_future(self, after, flagged):
        assert ("time_in_future" in self.flags(RECEIVED + after)) is flagged

    @pytest.mark.parametrize(
        "before,flagged",
        [
            (timedelta(minutes=-1), False),
            (timedelta(minutes=2), False),
            (timedelta(minutes=2, seconds=1), True),
            (timedelta(days=365), True),
        ],
    )
    def test_a_time_before_the_device_was_enrolled_is_flagged(self, before, flagged):
        found = self.flags(self.ENROLLED - before)
        assert ("time_before_enrollment" in found) is flagged

    def test_a_device_never_enrolled_is_never_before_its_enrollment(self):
        assert self.flags(datetime(2020, 1, 1, tzinfo=UTC), enrolled_at=None) == []

    @pytest.mark.parametrize(
        "skew,flagged",
        [
            (timedelta(0), False),
            (timedelta(minutes=4, seconds=59), False),
            (timedelta(minutes=-4, seconds=-59), False),
            (timedelta(minutes=5), True),  # five minutes or more away
            (timedelta(minutes=-5), True),  # slow as well as fast
            (timedelta(hours=-3), True),
        ],
    )
    def test_a_device_clock_five_minutes_or_more_off_is_flagged(self, skew, flagged):
        assert ("device_clock_off" in self.flags(RECEIVED, skew=skew)) is flagged

    def test_the_skew_flag_comes_from_the_batch_not_the_event(self):
        # A fast device's event, once corrected, is on time: the clock is still worth a flag.
        batch, item = sync(
            shift(device_time="2026-11-22T11:29:00+08:00"), sent_at="2026-11-22T11:30:00+08:00"
        )
        corrected, _ = clock.corrected_time(item, batch, RECEIVED)
        skew = clock.offset(batch, RECEIVED)
        assert self.flags(corrected, skew=skew) == ["device_clock_off"]

    def test_a_time_can_carry_several_flags(self):
        # Enrolled just now, yet the event claims to be from tomorrow on a clock a day off.
        found = clock.flags(RECEIVED + timedelta(days=1), RECEIVED, timedelta(days=-1), RECEIVED)
        assert found == ["time_in_future", "device_clock_off"]
