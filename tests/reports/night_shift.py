"""A real night shift at 湖畔花园 for the report tests: walked, missed, reported, handled,
inspected and handed over; and, outside the shift or the site, the same kinds of things."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from server.domain.actor import Actor, Role
from server.domain.alerts import handling
from server.domain.clock import set_clock
from server.domain.inspection import records
from server.domain.models import Organization, Photo, Schedule
from server.http.acting import acting_as
from tests.patrol.night import Night, build_night

DAY = date(2026, 11, 20)
SINCE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai
UNTIL = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)  # 08:00 the next morning
HOUR = timedelta(hours=1)


def local(hhmm: str, next_day: bool = False) -> datetime:
    """A Shanghai wall time on the night of the 20th (or the morning after), as an instant."""
    hours, minutes = map(int, hhmm.split(":"))
    day = 21 if next_day else 20
    return datetime(2026, 11, day, hours, minutes, tzinfo=UTC) - 8 * HOUR


@dataclass
class Shift:
    """The night, and who and what the tests look up in it."""

    night: Night
    org: Organization
    boss: Any
    scan_photo: str
    leak_photo: str


def photo(db, org: Organization, n: int) -> str:
    """A photo the server holds (its bytes are the blob store's matter, not the report's)."""
    sha = f"{n:064x}"
    db.add(Photo(org_id=org.id, sha256=sha, content_type="image/jpeg", width=64, height=48,
                 size_bytes=2048))  # fmt: skip
    return sha


def schedule(night: Night, name: str, start_local: str) -> None:
    """Another daily schedule of the night's route, assigned to its guard."""
    night.db.add(
        Schedule(
            org_id=night.site.org_id,
            site_id=night.site.id,
            route_id=night.route.id,
            name=name,
            rrule="FREQ=DAILY",
            start_local=start_local,
            exdates=[],
            window_min=60,
            grace_min=15,
            assignee_id=night.guard.id,
            effective_from=night.schedule.effective_from,
        )
    )


def build_shift(db, client, make) -> Shift:
    """The night of the 20th at 湖畔花园: the 22:00 round walked with one stop late and a
    photo, the 02:00 round missed (its alert acknowledged and resolved), a leak reported with a
    photo, a generator reading too hot, a handover; and, outside the shift or the site, the same
    kinds of things, which must stay out."""
    night = build_night(db, client, make, stops=[{"offset_min": m} for m in (0, 10, 20, 30)])
    org = db.get(Organization, night.site.org_id)
    schedule(night, "Nightly 02:00", "2026-11-01T02:00")
    schedule(night, "Morning 08:00", "2026-11-01T08:00")
    scan_photo, leak_photo = photo(db, org, 1), photo(db, org, 2)
    night.sweep(local("19:00"))  # rounds are made ahead; the day's are judged before the night

    night.record("shift", local("20:01"), kind="clock_in", note="接班，一切正常")
    night.scan(0, local("22:01"))
    night.scan(1, local("22:11"), photos=[scan_photo], note="车库灯坏了一盏")
    night.scan(2, local("22:30"))  # planned 22:21, from the 22:01 start: 9 minutes late
    night.scan(3, local("22:32"))
    leak = {"category": "water_leak", "severity": "medium", "text": "地下车库B1漏水"}
    night.record("incident", local("23:30"), checkpoint_id=night.checkpoints[1].id,
                 photos=[leak_photo], **leak)  # fmt: skip
    night.sync(local("23:35"))
    night.sweep(local("03:01", next_day=True))  # the 02:00 round is missed

    boss = make.user(org, Role.SUPERVISOR, [night.site], name="李主管")
    [second] = [r for r in night.rounds() if r.due_at == local("02:00", next_day=True)]
    [missed] = night.alerts(kind="round_missed", round_id=second.id)
    with acting_as(Actor(boss.id, org.id, Role.SUPERVISOR, frozenset({night.site.id}))):
        set_clock(lambda: local("03:10", next_day=True))
        handling.acknowledge(db, missed.id, "已通知班长")
        set_clock(lambda: local("03:30", next_day=True))
        handling.resolve(db, missed.id, "保安已补巡，未见异常")

    engineer = make.user(org, Role.ENGINEER, [night.site], name="赵工")
    generator = make.asset(night.site, name="1号发电机")
    form = make.template(org, name="Generator weekly", name_zh="发电机周检")
    with acting_as(Actor(engineer.id, org.id, Role.ENGINEER, frozenset({night.site.id}))):
        set_clock(lambda: local("04:05", next_day=True))
        values = {"temp_c": 88}  # the form warns above 80
        at = local("04:00", next_day=True)
        records.create(db, {"template_id": form.id, "asset_id": generator.id, "at": at,
                            "values": values})  # fmt: skip

    night.record("shift", local("07:55", next_day=True), kind="handover", note="交班：B1漏水已报修")
    # 08:01: the morning round's first scan and an incident belong to the day shift.
    night.scan(0, local("08:01", next_day=True))
    night.record("incident", local("08:01", next_day=True), category="other", severity="low",
                 text="早班")  # fmt: skip
    night.sync(local("08:05", next_day=True))
    night.sweep(local("08:10", next_day=True))
    # Another site of the tenant, and another tenant's, had a leak too, during the night.
    for other in (org, make.org()):
        tower = make.site(other, name="滨江大厦")
        make.event(make.device(other, [tower]), tower, "incident", at=local("23:00"),
                   data=leak | {"photos": []})  # fmt: skip
    return Shift(night, org, boss, scan_photo, leak_photo)
