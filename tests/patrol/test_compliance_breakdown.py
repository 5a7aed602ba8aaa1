"""The compliance summary by guard and by route, and today in site time when no period is given."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from server.domain.actor import Role
from server.domain.clock import set_clock
from server.domain.models import RoundStatus
from server.domain.patrol import compliance

SUMMARY = "/api/v1/rounds/summary"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
# 14:00 on 20 November 2026 in Shanghai; the local day began at 16:00 UTC on the 19th.
NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
MORNING = datetime(2026, 11, 20, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)


def _route(make, site, name):
    checkpoints = [make.checkpoint(site, name=n) for n in ("北门岗亭", "配电房")]
    return make.route(checkpoints, name=name)


def _round(make, schedule, due_at, status, **kw):
    return make.round(schedule, due_at=due_at, status=RoundStatus(status), **kw)


def _count(figures):
    """A group's figures without its id and name, the statuses that are not zero."""
    return (
        {s: n for s, n in figures["by_status"].items() if n},
        figures["late_starts"],
        figures["completed_pct"],
    )


def test_rounds_are_broken_down_by_assignee_and_by_route_in_their_names(db, client, make):
    set_clock(lambda: NOW)
    org = make.org()
    site = make.site(org, name="湖畔花园")
    north, south = _route(make, site, "北区夜巡"), _route(make, site, "南区日巡")
    zhang = make.user(org, name="张伟", sites=[site])
    li = make.user(org, name="李娜", sites=[site])
    by_zhang = make.schedule(north, assignee_id=zhang.id)
    by_li = make.schedule(south, assignee_id=li.id)
    by_team = make.schedule(south, team="保安一队")
    at = [MORNING + n * HOUR for n in range(1, 12)]
    for due, status, late in [
        (at[0], "completed", False),
        (at[1], "completed", True),
        (at[2], "missed", True),  # never begun: not also a late start
        (at[3], "incomplete", False),
    ]:
        _round(make, by_zhang, due, status, late_start=late, assignee_id=zhang.id)
    _round(make, by_li, at[0], "completed", assignee_id=li.id)
    _round(make, by_li, at[1], "missed", assignee_id=li.id)
    _round(make, by_li, at[10], "scheduled", assignee_id=li.id)  # not yet due: not settled
    _round(make, by_team, at[2], "completed", late_start=True, team="保安一队")
    walked = _round(make, by_zhang, at[5], "completed", assignee_id=zhang.id, voluntary=True)
    walked.schedule_id = None  # 张伟 walked 北区夜巡 once more by choice: in no figure
    db.flush()

    headers = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    response = client.get(SUMMARY, query_string={"site_id": site.id}, headers=headers)
    assert response.status_code == 200, response.json
    report = response.json
    assert [(g["user_id"], g["name"]) for g in report["by_guard"]] == [
        (zhang.id, "张伟"),
        (li.id, "李娜"),
        (None, None),  # the team's round: nobody by name to answer for it
    ]
    assert [_count(g) for g in report["by_guard"]] == [
        ({"completed": 2, "incomplete": 1, "missed": 1}, 1, 50.0),
        ({"completed": 1, "missed": 1, "scheduled": 1}, 0, 50.0),
        ({"completed": 1}, 1, 100.0),
    ]
    assert [g["rounds"] for g in report["by_guard"]] == [4, 3, 1]
    assert [(r["route_id"], r["name"]) for r in report["by_route"]] == [
        (north.id, "北区夜巡"),
        (south.id, "南区日巡"),
    ]
    assert [_count(r) for r in report["by_route"]] == [
        ({"completed": 2, "incomplete": 1, "missed": 1}, 1, 50.0),
        ({"completed": 2, "missed": 1, "scheduled": 1}, 1, 66.7),
    ]
    # The fields clients already read are as they were, and the groups add up to them.
    assert _count(report) == (
        {"completed": 4, "incomplete": 1, "missed": 2, "scheduled": 1},
        2,
        57.1,
    )
    assert report["rounds"] == 8 and report["voluntary_rounds"] == 1
    for groups in (report["by_guard"], report["by_route"]):
        assert sum(g["rounds"] for g in groups) == report["rounds"]
    assert "张伟" in response.get_data(as_text=True)  # UTF-8 as it is, not \\u escapes

    response = client.get(
        SUMMARY, query_string={"site_id": site.id, "assignee_id": li.id}, headers=headers
    )
    assert [g["name"] for g in response.json["by_guard"]] == ["李娜"]
    assert [(r["name"], r["rounds"]) for r in response.json["by_route"]] == [("南区日巡", 3)]


def test_the_summary_asks_the_database_the_same_questions_for_many_guards_as_for_one(
    app, db, client, make
):
    set_clock(lambda: NOW)
    org = make.org()
    site = make.site(org)
    headers = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = app.extensions["vigil"].engine
    asked, made = [], 0
    for guards in (1, 6):
        made += guards
        for _ in range(guards):
            guard = make.user(org, sites=[site])
            schedule = make.schedule(_route(make, site, f"Route of {guard.name}"))
            for hour in range(1, 6):
                _round(make, schedule, MORNING + hour * HOUR, "missed", assignee_id=guard.id)
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            report = client.get(SUMMARY, headers=headers).json
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(report["by_guard"]) == len(report["by_route"]) == made
        assert report["by_status"]["missed"] == 5 * made
        asked.append(len(statements))
    assert asked[0] == asked[1]


def test_no_period_is_today_from_local_midnight_to_midnight(client, make):
    set_clock(lambda: NOW)
    org = make.org()
    site = make.site(org, name="湖畔花园")
    schedule = make.schedule(_route(make, site, "北区夜巡"))
    # Either side of both local midnights: a UTC day would take the last two instead.
    for due, status in [
        (MORNING - HOUR / 2, "missed"),
        (MORNING + HOUR / 2, "completed"),
        (MORNING + 23.5 * HOUR, "completed"),
        (MORNING + 24.5 * HOUR, "missed"),
    ]:
        _round(make, schedule, due, status)
    headers = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    for query in ({"site_id": site.id}, {}):  # the supervisor's only site, or named
        report = client.get(SUMMARY, query_string=query, headers=headers).json
        assert report["since"] == "2026-11-20T00:00:00+08:00"
        assert report["until"] == "2026-11-21T00:00:00+08:00"
        assert report["timezone"] == "Asia/Shanghai"
        assert report["by_status"]["completed"] == 2 and report["by_status"]["missed"] == 0


@pytest.mark.parametrize(
    ("day", "since", "until", "hours"),
    [
        ("2026-11-01", "2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00", 25),
        ("2026-03-08", "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00", 23),
    ],
)
def test_today_on_a_change_of_clocks_is_25_or_23_hours(client, make, day, since, until, hours):
    noon = datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=NEW_YORK)
    set_clock(lambda: noon.astimezone(UTC))
    org = make.org()
    site = make.site(org, name="Hudson Yards 哈德逊", timezone="America/New_York")
    schedule = make.schedule(_route(make, site, "北区夜巡"))
    midnight = noon.replace(hour=0)
    tomorrow = midnight + timedelta(days=1)  # wall-clock arithmetic: the next local midnight
    # 23:30 on the long day and 00:30 after the short one sit where "midnight + 24 h" errs.
    for due, status in [
        (midnight - HOUR / 2, "missed"),
        (midnight.replace(minute=30), "completed"),
        (tomorrow - HOUR / 2, "completed"),
        (tomorrow.replace(minute=30), "missed"),
    ]:
        _round(make, schedule, due.astimezone(UTC), status)
    headers = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    report = client.get(SUMMARY, query_string={"site_id": site.id}, headers=headers).json
    assert (report["since"], report["until"]) == (since, until)
    assert report["timezone"] == "America/New_York"
    span = datetime.fromisoformat(until) - datetime.fromisoformat(since)
    assert span == timedelta(hours=hours)
    assert report["by_status"]["completed"] == 2 and report["by_status"]["missed"] == 0


def test_where_midnight_never_happens_the_day_begins_when_the_clocks_resume():
    # Santiago springs forward at midnight: 6 September 2026 begins at 01:00 and lasts 23 hours.
    day = compliance.today("America/Santiago", datetime(2026, 9, 6, 15, tzinfo=UTC))
    assert day.since.isoformat() == "2026-09-06T01:00:00-03:00"
    assert day.until.isoformat() == "2026-09-07T00:00:00-03:00"
    assert day.until.astimezone(UTC) - day.since.astimezone(UTC) == timedelta(hours=23)


def test_sites_in_several_timezones_need_a_site_or_a_period(client, make):
    set_clock(lambda: NOW)
    org = make.org()
    shanghai = make.site(org, name="湖畔花园")
    make.site(org, name="London 伦敦", timezone="Europe/London", active=False)
    admin = make.auth(make.user(org, Role.ADMIN))
    report = client.get(SUMMARY, headers=admin).json  # a deactivated site makes no rounds
    assert (report["timezone"], report["since"]) == ("Asia/Shanghai", "2026-11-20T00:00:00+08:00")

    new_york = make.site(org, name="Hudson Yards 哈德逊", timezone="America/New_York")
    response = client.get(SUMMARY, headers=admin)
    assert response.status_code == 422
    message = response.json["message"]
    assert "America/New_York, Asia/Shanghai" in message
    assert "site_id" in message and "since and until" in message

    # One site, or a route or schedule of one site, tells whose today it is.
    route = _route(make, new_york, "北区夜巡")
    schedule = make.schedule(route)
    for query in ({"site_id": new_york.id}, {"route_id": route.id}, {"schedule_id": schedule.id}):
        report = client.get(SUMMARY, query_string=query, headers=admin).json
        assert report["timezone"] == "America/New_York"
        assert report["since"] == "2026-11-20T00:00:00-05:00"  # it is 01:00 there
    query = {"site_id": shanghai.id}
    assert client.get(SUMMARY, query_string=query, headers=admin).json["timezone"] == (
        "Asia/Shanghai"
    )
    period = {"since": "2026-11-19T00:00:00Z", "until": "2026-11-20T00:00:00Z"}
    report = client.get(SUMMARY, query_string=period, headers=admin).json
    assert report["until"] == "2026-11-20T00:00:00+00:00"
    assert report["timezone"] is None  # the period was given; the sites keep two


def test_someone_without_sites_gets_an_empty_utc_today(client, make):
    set_clock(lambda: NOW)
    org = make.org()
    make.site(org, name="湖畔花园")
    headers = make.auth(make.user(org, Role.GUARD, []))
    report = client.get(SUMMARY, headers=headers).json
    assert (report["timezone"], report["since"]) == ("UTC", "2026-11-20T00:00:00+00:00")
    assert report["rounds"] == 0 and report["by_guard"] == [] and report["by_route"] == []
