"""The morning report: were the rounds walked, which checkpoints were skipped."""

from datetime import timedelta

from server.domain.actor import Role
from server.domain.models import Organization
from tests.patrol.night import DUE, build_night

MIN = timedelta(minutes=1)
DAY = timedelta(days=1)


def test_a_week_of_nights_summarised_without_the_voluntary_round(db, client, make):
    night = build_night(db, client, make)
    night.sweep(DUE - timedelta(hours=20))
    # Night 1 walked in full, night 2 skips the plant room, night 3 starts late and skips the
    # plant room and the south gate, night 4 is missed; a voluntary round follows night 1.
    walks = [[0, 1, 2, 3], [0, 1, 3], [0, 1], []]
    for day, stops in enumerate(walks):
        start = DUE + day * DAY + (20 * MIN if day == 2 else 2 * MIN)
        for n in stops:
            night.scan(n, start + 6 * n * MIN)
        night.sync(DUE + day * DAY + 59 * MIN)
        night.sweep(DUE + day * DAY + 61 * MIN)
        night.sweep(DUE + (day + 1) * DAY - 20 * 60 * MIN)  # the next rounds are made
    extra = DUE + 4 * 60 * MIN
    night.record("round", extra, action="start", route_id=night.route.id)
    night.scan(2, extra + 5 * MIN)
    night.record("round", extra + 9 * MIN, action="finish", route_id=night.route.id)
    night.sync(extra + 10 * MIN)
    night.sweep(DUE + 4 * DAY)

    org = db.get(Organization, night.site.org_id)
    headers = make.auth(make.user(org, Role.SUPERVISOR, [night.site]))
    query = {
        "site_id": night.site.id,
        "since": (DUE - MIN).isoformat(),
        "until": (DUE + 4 * DAY - MIN).isoformat(),
    }
    response = client.get("/api/v1/rounds/summary", query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    report = response.json
    assert report["rounds"] == 4
    assert report["by_status"] == {
        "scheduled": 0,
        "in_progress": 0,
        "completed": 1,
        "incomplete": 2,
        "missed": 1,
    }
    assert report["late_starts"] == 1
    assert report["completed_pct"] == 25.0
    assert report["voluntary_rounds"] == 1
    # The voluntary visit to the plant room does not make up for the skipped ones.
    assert [(c["name"], c["missed"]) for c in report["missed_checkpoints"]] == [
        ("配电房", 3),
        ("南门", 2),
        ("北门岗亭", 1),
        ("地下车库B1", 1),
    ]


def test_a_period_given_is_at_most_92_days_with_both_ends(client, supervisor):
    since = DUE.isoformat()
    for until, status in [
        ((DUE + 93 * DAY).isoformat(), 422),
        (since, 422),
        ((DUE + 92 * DAY).isoformat(), 200),
    ]:
        query = {"since": since, "until": until}
        response = client.get("/api/v1/rounds/summary", query_string=query, headers=supervisor)
        assert response.status_code == status, response.json
    for one_end in ({"since": since}, {"until": since}):
        response = client.get("/api/v1/rounds/summary", query_string=one_end, headers=supervisor)
        assert response.status_code == 422
        assert "both since and until, or neither" in response.json["message"]


def test_optional_stops_skipped_are_counted_apart_and_never_raise(db, client, make):
    # 南门 is optional: worth a look when there is time.
    night = build_night(db, client, make, stops=[{}, {}, {}, {"optional": True}])
    night.sweep(DUE - timedelta(hours=20))
    walks = [[0, 1, 2], [0, 1, 2, 3], []]  # skipped, walked, a missed round
    for day, stops in enumerate(walks):
        for n in stops:
            night.scan(n, DUE + day * DAY + 2 * MIN + 6 * n * MIN)
        night.sync(DUE + day * DAY + 59 * MIN)
        night.sweep(DUE + day * DAY + 61 * MIN)
        night.sweep(DUE + (day + 1) * DAY - 20 * 60 * MIN)
    assert [a.kind for a in night.alerts()] == ["round_missed"]
    first, second, *_ = night.rounds()
    assert first.status.value == "completed" and first.stops[3]["status"] == "skipped"
    assert second.stops[3]["status"] == "on_time"

    org = db.get(Organization, night.site.org_id)
    headers = make.auth(make.user(org, Role.SUPERVISOR, [night.site]))
    query = {"since": (DUE - MIN).isoformat(), "until": (DUE + 3 * DAY - MIN).isoformat()}
    report = client.get("/api/v1/rounds/summary", query_string=query, headers=headers).json
    assert report["by_status"]["completed"] == 2 and report["by_status"]["missed"] == 1
    assert [(c["name"], c["missed"]) for c in report["missed_checkpoints"]] == [
        ("北门岗亭", 1),
        ("地下车库B1", 1),
        ("配电房", 1),
    ]
    assert [(c["name"], c["missed"]) for c in report["skipped_optional"]] == [("南门", 2)]
