"""A read is what the wand recorded: stored once, completed by later exports, in any order."""

import uuid
from datetime import datetime

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import Checkpoint, DeviceEvent, User, device_sites
from tests.ingest.wand.uploads import HEADER, PERSON, READS, scans, upload
from tests.wand_exports import serial, text, workbook


def _uuid(org, wand, uid, wall_clock):
    key = f"{org.id}:{wand}:{uid}:{wall_clock}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"vigil-wand:{key}"))


def test_a_reads_uuid_derives_from_its_wand_chip_and_wand_time_only(
    client, make, org, supervisor, site, checkpoints, guard, db
):
    upload(client, supervisor, site, text(HEADER, READS[:1]))
    (event,) = scans(db)
    assert event.uuid == _uuid(org, "WAND-7", "01000000AAAA0001", "2026-11-21T22:03:10")
    # The same read however the export tells it: another guard, clock offset, file name,
    # column order, time format, or a workbook with a serial number.
    again = [
        (
            text(
                ("人员", "时间", "卡号", "机号"),
                [("张伟", "2026年11月21日 22时03分10秒", "01000000AAAA0001", "WAND-7")],
            ),
            "b.csv",
            {},
        ),
        (text(HEADER, READS[:1]), "c.csv", {"clock_offset_seconds": 600}),
        (
            workbook(
                ("卡号", "时间"),
                [("01:00:00:00:AA:AA:00:01", serial(datetime(2026, 11, 21, 22, 3, 10)))],
            ),
            "d.xlsx",
            {"wand_serial": "WAND-7"},
        ),
    ]
    for data, name, form in again:
        report = upload(client, supervisor, site, data, name, **form)
        assert (report["imported"], report["duplicates"] + report["completed"]) == (0, 1), name
    # Another wand, chip or second is another read.
    other = [
        ("WAND-8", *READS[0][1:]),
        (READS[0][0], "01000000AAAA0002", READS[0][2]),
        (*READS[0][:2], "2026/11/21 22:03:11"),
    ]
    assert upload(client, supervisor, site, text(HEADER, other))["imported"] == 3
    assert len(scans(db)) == 4


def test_the_same_file_twice_and_an_overlapping_later_export_add_nothing_twice(
    client, supervisor, site, checkpoints, guard, db
):
    upload(client, supervisor, site, text(HEADER, [PERSON, *READS]))
    again = upload(client, supervisor, site, text(HEADER, [PERSON, *READS]))
    assert (again["imported"], again["duplicates"], again["completed"]) == (0, 3, 0)
    # Wands keep old records: the next download repeats last night and adds tonight.
    later = [
        PERSON,
        *READS,
        ("WAND-7", "01-0000-00BB-BB00-01", "2026/11/22 22:00:00"),
        ("WAND-7", "01-0000-00AA-AA00-01", "2026/11/22 22:04:00"),
        ("WAND-7", "01-0000-00AA-AA00-02", "2026/11/22 22:11:00"),
    ]
    overlap = upload(client, supervisor, site, text(HEADER, later))
    assert (overlap["imported"], overlap["duplicates"]) == (2, 3)
    assert len(scans(db)) == 5


def test_a_later_export_naming_the_guard_completes_the_stored_scans(
    client, supervisor, site, checkpoints, guard, db
):
    first = upload(client, supervisor, site, text(HEADER, READS))
    assert first["imported"] == 3 and {e.user_id for e in scans(db)} == {None}
    named = [(*row, "张伟") for row in READS]
    later = upload(client, supervisor, site, text((*HEADER, "Guard"), named))
    assert (later["imported"], later["completed"], later["duplicates"], later["conflicts"]) == (
        0,
        3,
        0,
        0,
    )
    assert {e.user_id for e in scans(db)} == {guard.id}
    last = upload(client, supervisor, site, text((*HEADER, "Guard"), named))
    assert (last["completed"], last["duplicates"]) == (0, 3)


def test_two_exports_naming_two_guards_keep_the_first_and_say_so(
    client, make, org, supervisor, site, checkpoints, guard, db
):
    make.user(org, Role.GUARD, [site], name="李强")
    upload(client, supervisor, site, text((*HEADER, "Guard"), [(*READS[0], "张伟")]))
    report = upload(client, supervisor, site, text((*HEADER, "Guard"), [(*READS[0], "李强")]))
    assert (report["conflicts"], report["completed"], report["imported"]) == (1, 0, 0)
    assert scans(db)[0].user_id == guard.id


def test_two_wands_at_one_checkpoint_in_the_same_second_are_two_reads(
    client, supervisor, site, checkpoints, db
):
    rows = [("W1", *READS[0][1:]), ("W2", *READS[0][1:])]
    assert upload(client, supervisor, site, text(HEADER, rows))["imported"] == 2


# Export A: the morning download, no guards. Export B: the evening one, which repeats A's reads
# (and one chip no checkpoint has) with their guards, and adds one: one guard works on the
# site, the other is lent from another site (a flag, however the scan got its guard).
A = [
    ("WAND-7", "01000000AAAA0001", "2026/11/21 22:03:10", ""),
    ("WAND-7", "01000000AAAA0002", "2026/11/21 22:09:44", ""),
    ("WAND-7", "0100000099990009", "2026/11/21 22:12:00", ""),
]
B = [
    ("WAND-7", "01000000AAAA0001", "2026-11-21 22:03:10", "张伟"),
    ("WAND-7", "01000000AAAA0002", "2026-11-21 22:09:44", "孙八"),
    ("WAND-7", "0100000099990009", "2026-11-21 22:12:00", "张伟"),
    ("WAND-7", "01000000AAAA0003", "2026-11-21 23:15:02", "张伟"),
]
# The same evening download from software without a guard column: the person buttons.
B_BUTTONS = [
    ("WAND-7", "01000000BBBB0001", "2026-11-21 22:00:00", ""),
    *[(*row[:3], "") for row in B],
]


def _tenant(make):
    org = make.org()
    site = make.site(org)
    for uid in ("01000000AAAA0001", "01000000AAAA0002", "01000000AAAA0003"):
        make.chip(make.checkpoint(site, name=f"CP {uid[-1]}"), uid)
    make.chip(make.user(org, Role.GUARD, [site], name="张伟"), "01000000BBBB0001")
    make.user(org, Role.GUARD, [make.site(org)], name="孙八")
    return site, make.auth(make.user(org, Role.SUPERVISOR, [site]))


def _outcome(db, site):
    """What a site's scans say, without the tenant's own uuids and ids."""
    db.expire_all()
    wands = select(device_sites.c.device_id).where(device_sites.c.site_id == site.id)
    events = db.scalars(
        select(DeviceEvent)
        .where(DeviceEvent.device_id.in_(wands))
        .order_by(DeviceEvent.device_time)
    )

    def name(model, key):
        return db.get(model, key).name if key else None

    return [
        (
            e.data["uid"],
            e.device_time,
            e.corrected_time,
            name(Checkpoint, e.checkpoint_id),
            name(User, e.user_id),
            sorted(e.flags),
        )
        for e in events
    ]


@pytest.mark.parametrize("evening", [B, B_BUTTONS], ids=["guard column", "person buttons"])
def test_the_order_exports_are_imported_in_never_changes_the_result(client, make, db, evening):
    header = ("机号", "卡号", "时间", "人员")
    a_then_b, a_first = _tenant(make)
    b_then_a, b_first = _tenant(make)
    first = upload(client, a_first, a_then_b, text(header, A))
    second = upload(client, a_first, a_then_b, text(header, evening))
    assert (first["imported"], second["imported"], second["completed"]) == (3, 1, 3)
    upload(client, b_first, b_then_a, text(header, evening))
    last = upload(client, b_first, b_then_a, text(header, A))
    assert (last["imported"], last["completed"], last["duplicates"]) == (0, 0, 3)
    assert _outcome(db, a_then_b) == _outcome(db, b_then_a)
    guards = ["张伟", "孙八", "张伟", "张伟"] if evening is B else ["张伟"] * 4
    assert [who for *_, who, _ in _outcome(db, a_then_b)] == guards
