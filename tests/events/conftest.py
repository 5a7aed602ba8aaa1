"""A small scan log to read back: two sites of one tenant, a site-less event, another tenant."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.domain.actor import Role

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


@dataclass
class Log:
    """Tenant A's events, oldest stored first, and who and what they name."""

    lakeside: Any
    tower: Any
    hv_room: Any
    east_gate: Any
    handheld: Any
    roamer: Any
    guard: Any
    other_guard: Any
    events: list[Any]
    foreign: Any  # tenant B's event

    def by(self, **wanted: Any) -> list[int]:
        """Ids of tenant A's events with these attributes, newest first."""
        found = [e for e in self.events if all(getattr(e, k) == v for k, v in wanted.items())]
        return newest_first(found)


def newest_first(events: list[Any]) -> list[int]:
    return [e.id for e in sorted(events, key=lambda e: (e.corrected_time, e.id), reverse=True)]


@pytest.fixture
def log(make, org, site) -> Log:
    """湖畔花园 (the `site`) and 滨江大厦, a handheld on the first and one on both."""
    tower = make.site(org, name="滨江大厦")
    hv_room = make.checkpoint(site, name="高压配电室")
    east_gate = make.checkpoint(tower, name="东门")
    handheld = make.device(org, [site], label="巡更机 1", serial="HT-0001")
    roamer = make.device(org, [site, tower], label="巡更机 2", serial="HT-0002")
    guard = make.user(org, Role.GUARD, [site], name="张伟")
    other_guard = make.user(org, Role.GUARD, [tower], name="李娜")

    def at(minutes: int) -> datetime:
        return T0 + timedelta(minutes=minutes)

    def scan(device, place, checkpoint, user, minutes, flags=(), **kw):
        return make.event(
            device,
            place,
            kw.pop("type", "scan"),
            at=at(minutes),
            checkpoint_id=checkpoint.id if checkpoint else None,
            user_id=user.id,
            flags=list(flags),
            data=kw.pop("data", {"method": "nfc", "uid": "04A21F9C"}),
            **kw,
        )

    events = [
        scan(handheld, site, hv_room, guard, 1),
        scan(handheld, site, hv_room, guard, 2, ["manual_entry"]),
        scan(
            roamer,
            tower,
            east_gate,
            other_guard,
            3,
            ["other_site"],
            type="incident",
            data={"category": "fire", "severity": "high", "text": "烟味 smoke"},
        ),
        scan(roamer, tower, east_gate, other_guard, 4, ["user_other_site"]),
        scan(handheld, site, hv_room, guard, 5, ["inactive_checkpoint", "manual_entry"]),
        scan(roamer, site, None, guard, 6, type="shift", data={"kind": "clock_in", "note": ""}),
        # Synced late: stored last, but it happened first.
        scan(handheld, site, hv_room, guard, 0, received_at=at(30)),
    ]
    # A handheld on two sites that reports no checkpoint is placed at no site.
    events[5].site_id = None
    other_org = make.org()
    other_site = make.site(other_org, name="别家小区")
    foreign = make.event(make.device(other_org, [other_site]), other_site, "scan", at=at(7))
    make.session.flush()
    return Log(
        site, tower, hv_room, east_gate, handheld, roamer, guard, other_guard, events, foreign
    )


@pytest.fixture
def both_sites(make, org, log) -> dict[str, str]:
    """Headers of a supervisor of both sites."""
    return make.auth(make.user(org, Role.SUPERVISOR, [log.lakeside, log.tower]))
