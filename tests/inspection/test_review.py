"""The supervisor's reads of inspections: records with findings, one record, overdue, trends."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.domain.actor import Actor, Role
from server.domain.clock import reset_clock, set_clock
from server.domain.errors import Forbidden, NotFound
from server.domain.inspection import asset_trends, overdue, review
from server.domain.models import Alert, AlertState, Reading
from server.http.acting import acting_as
from server.worker import EVALUATOR
from tests.inspection.review_kit import DAY, NOW, build, values


@contextmanager
def acting(user, *sites) -> Iterator[Actor]:
    with acting_as(Actor(user.id, user.org_id, user.role, frozenset(s.id for s in sites))):
        yield


@pytest.fixture
def kit(make, db, org, site):
    return build(make, db, org, site)


@pytest.fixture
def boss(make, org, site):
    return make.user(org, Role.SUPERVISOR, [site], name="李主管")


def test_recent_records_come_newest_first_with_their_findings_in_words(kit, make, org, site, boss):
    engineer = make.user(org, Role.ENGINEER, [site], name="陈工")
    kit.record(NOW - 2 * DAY, user_id=engineer.id)
    low = kit.record(NOW - DAY, values(battery_v=11.8, no_leaks=False), user_id=engineer.id)
    with acting(boss, site):
        found = review.site_review(kit.db, None, None, 1)
    assert found.site.id == site.id and found.total == 2
    newest, older = found.records
    assert newest.record.id == low.id and older.record.at < newest.record.at
    assert newest.person == "陈工" and newest.handheld is None
    assert newest.asset == "1号发电机 Generator G1"
    assert newest.template.name_zh == "发电机每周巡检"
    assert {(f.code, f.item, f.level, f.label["zh"]) for f in newest.findings} == {
        ("out_of_bounds", "battery_v", "warning", "电瓶电压"),
        ("check_failed", "no_leaks", "warning", "无泄漏"),
    }
    assert older.findings == []
    with acting(boss, site):
        abnormal = review.site_review(kit.db, site.id, "abnormal", 1)
    assert [line.record.id for line in abnormal.records] == [low.id]
    (line,) = found.plant
    assert line.asset.id == kit.generator.id and line.latest.id == low.id


def test_records_are_paged(kit, boss, site):
    for n in range(review.PAGE_SIZE + 2):
        kit.record(NOW - timedelta(hours=n + 1))
    with acting(boss, site):
        first = review.site_review(kit.db, site.id, None, 1)
        second = review.site_review(kit.db, site.id, None, 2)
    assert len(first.records) == review.PAGE_SIZE and len(second.records) == 2
    assert first.records[-1].record.at > second.records[0].record.at


def test_another_sites_records_are_not_listed_and_its_site_is_not_found(kit, make, org, site, boss):
    elsewhere = make.site(org, name="Elsewhere")
    other = build(make, kit.db, org, elsewhere, name="Other generator")
    other.record(NOW - DAY)
    with acting(boss, site):
        assert review.site_review(kit.db, None, None, 1).total == 0
        with pytest.raises(NotFound):
            review.site_review(kit.db, elsewhere.id, None, 1)


def test_a_record_reads_each_item_against_its_limits(kit, make, site, boss):
    make.limit(kit.generator, "coolant_c", warning=[None, 90])  # the maker's own alarm
    record = kit.record(
        NOW - DAY,
        values(battery_v=11.8, coolant_c=92, mode="off", notes="<b>风扇</b>"),
        photos={"panel": ["a" * 64]},
    )
    with acting(boss, site):
        found = review.record_page(kit.db, record.id)
    readings = {r.item.key: r for r in found.readings}
    assert (readings["battery_v"].value, readings["battery_v"].level) == (11.8, "warning")
    assert readings["battery_v"].bounds.warning == (12.0, 15.0)
    assert readings["coolant_c"].level == "warning"  # over the asset's 90, under the form's 95
    assert readings["coolant_c"].bounds.warning == (None, 90)
    levels = select(Reading.item_key, Reading.level).where(Reading.record_id == record.id)
    stored = {row.item_key: row.level for row in kit.db.execute(levels)}
    assert {k: r.level for k, r in readings.items()} == stored
    checks = {c.item.key: (c.value, c.level) for c in found.checks}
    assert checks == {
        "no_leaks": (True, None),
        "mode": ("off", "critical"),
        "notes": ("<b>风扇</b>", None),
    }
    assert found.photos == [({"en": "Panel photo", "zh": "面板照片"}, ["a" * 64])]
    assert sorted((a.kind, a.evidence["item"]) for a in found.alerts) == [
        ("inspection_abnormal_choice", "mode"),
        ("inspection_out_of_bounds", "battery_v"),
        ("inspection_out_of_bounds", "coolant_c"),
    ]
    assert all(a.asset_id == kit.generator.id for a in found.alerts)


def test_a_record_lists_the_alert_it_carried_on_but_not_others(kit, site, boss):
    first = kit.record(NOW - 2 * DAY, values(battery_v=11.8))
    second = kit.record(NOW - DAY, values(battery_v=11.6))  # the same spell goes on
    third = kit.record(NOW - DAY / 2)
    with acting(boss, site):
        (raised,) = review.record_page(kit.db, first.id).alerts
        (carried,) = review.record_page(kit.db, second.id).alerts
        assert review.record_page(kit.db, third.id).alerts == []
    assert raised.id == carried.id


def test_another_tenants_record_is_not_found_and_a_guard_may_not_look(kit, make, org, site):
    record = kit.record(NOW - DAY)
    stranger_org = make.org()
    stranger_site = make.site(stranger_org)
    stranger = make.user(stranger_org, Role.SUPERVISOR, [stranger_site])
    with acting(stranger, stranger_site), pytest.raises(NotFound):
        review.record_page(kit.db, record.id)
    guard = make.user(org, Role.GUARD, [site])
    with acting(guard, site), pytest.raises(Forbidden):
        review.record_page(kit.db, record.id)


def test_the_overdue_list_is_the_evaluators_open_overdue_alerts(kit, make, site, boss):
    kit.record(NOW - 10 * DAY)
    make.inspection_schedule(kit.generator, kit.template, max_days=7, effective_from=NOW - 30 * DAY)
    with acting_as(EVALUATOR):
        overdue.check(kit.db, NOW)
    with acting(boss, site):
        (late,) = review.site_review(kit.db, site.id, None, 1).overdue
    assert late.asset_id == kit.generator.id
    assert late.due == NOW - 3 * DAY
    assert late.last_done == NOW - 10 * DAY
    assert late.alert.kind == "inspection_overdue"
    late.alert.state = AlertState.RESOLVED
    kit.db.flush()
    with acting(boss, site):
        assert review.site_review(kit.db, site.id, None, 1).overdue == []


def test_an_assets_trends_hold_each_numeric_item_over_the_period_and_its_alerts(
    kit, make, site, boss
):
    for n in range(10):
        kit.record(NOW - (n + 1) * DAY, values(battery_v=11.8 if n == 2 else 13.5))
    kit.record(NOW - 40 * DAY)  # before the period
    make.limit(kit.generator, "coolant_c", critical=[None, 99])
    set_clock(lambda: NOW)
    try:
        with acting(boss, site):
            found = asset_trends.over(kit.db, kit.generator.id, NOW - 30 * DAY, NOW)
    finally:
        reset_clock()
    by_key = {t.item.key: t for t in found.items}
    assert list(by_key) == ["battery_v", "coolant_c"]  # numeric items only, in form order
    assert by_key["battery_v"].series["count"] == 10
    assert len(by_key["battery_v"].series["readings"]) == 10
    assert by_key["coolant_c"].bounds.critical == (None, 99)
    assert by_key["battery_v"].bounds.warning == (12.0, 15.0)
    alerts = kit.db.scalars(select(Alert).where(Alert.asset_id == kit.generator.id)).all()
    assert [a.id for a in found.alerts] == [a.id for a in alerts]
    assert found.site.id == site.id


def test_another_tenants_asset_has_no_trends(kit, make):
    stranger_org = make.org()
    stranger_site = make.site(stranger_org)
    stranger = make.user(stranger_org, Role.SUPERVISOR, [stranger_site])
    with acting(stranger, stranger_site), pytest.raises(NotFound):
        asset_trends.over(kit.db, kit.generator.id, NOW - 30 * DAY, NOW)
