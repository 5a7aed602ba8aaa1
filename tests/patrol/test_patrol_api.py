"""Routes, schedules, rounds and alerts over HTTP: what a supervisor does with them."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server import worker
from server.domain.clock import set_clock
from server.domain.models import Round

SHANGHAI_22 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def _route(client, headers, site, checkpoints, **extra):
    body = {
        "site_id": site.id,
        "name": "夜间巡逻",
        "stops": [{"checkpoint_id": c.id} for c in checkpoints],
    } | extra
    return client.post("/api/v1/routes", json=body, headers=headers)


def _schedule(client, headers, route_id, **extra):
    body = {
        "route_id": route_id,
        "name": "Nightly",
        "rrule": "FREQ=DAILY",
        "start_local": "2026-11-01T22:00",
        "window_min": 60,
    } | extra
    return client.post("/api/v1/schedules", json=body, headers=headers)


def test_a_route_lists_its_stops_in_walking_order(client, make, site, supervisor):
    a, b = make.checkpoint(site, name="北门"), make.checkpoint(site, name="配电房")
    response = _route(client, supervisor, site, [b, a], order="random")
    assert response.status_code == 201, response.json
    assert [s["checkpoint_id"] for s in response.json["stops"]] == [b.id, a.id]
    assert [s["position"] for s in response.json["stops"]] == [1, 2]
    assert response.json["order"] == "random"


def test_a_stop_can_be_optional_and_the_route_says_so(client, make, site, supervisor):
    a, b = make.checkpoint(site), make.checkpoint(site)
    body = {
        "site_id": site.id,
        "name": "Night",
        "stops": [{"checkpoint_id": a.id}, {"checkpoint_id": b.id, "optional": True}],
    }
    response = client.post("/api/v1/routes", json=body, headers=supervisor)
    assert response.status_code == 201, response.json
    assert [s["optional"] for s in response.json["stops"]] == [False, True]
    response = client.post(
        "/api/v1/routes",
        json=body | {"name": "Bad", "stops": [{"checkpoint_id": a.id, "optional": "maybe"}]},
        headers=supervisor,
    )
    assert response.status_code == 422


def test_a_patch_checks_each_stop_it_sends_whole(client, make, site, supervisor):
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    response = client.patch(
        f"/api/v1/routes/{route['id']}", json={"stops": [{}]}, headers=supervisor
    )
    assert response.status_code == 422, response.json
    assert "checkpoint_id" in str(response.json["errors"])


def test_a_route_refuses_another_sites_checkpoint(client, make, org, site, supervisor):
    elsewhere = make.checkpoint(make.site(org))
    response = _route(client, supervisor, site, [make.checkpoint(site), elsewhere])
    assert response.status_code == 422
    assert str(elsewhere.id) in response.json["errors"]["stops"][0]


def test_a_bad_rule_is_refused_with_the_reason(client, make, site, supervisor):
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    response = _schedule(client, supervisor, route["id"], rrule="FREQ=DAILY;BYHOUR=31")
    assert response.status_code == 422
    assert "rrule" in response.json["errors"]


def test_preview_shows_a_rule_across_spring_forward_in_site_time(client, make, org, supervisor):
    berlin = make.site(org, timezone="Europe/Berlin")
    make.session.flush()
    headers = make.auth(make.user(org, "supervisor", [berlin]))
    response = client.post(
        "/api/v1/schedules/preview",
        json={
            "site_id": berlin.id,
            "rrule": "FREQ=DAILY;BYHOUR=0,2,4;BYMINUTE=0",
            "start_local": "2026-03-01T00:00",
            "since": "2026-03-28T22:00:00Z",
            "until": "2026-03-29T03:00:00Z",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["timezone"] == "Europe/Berlin"
    assert [(o["local"], o["shifted"]) for o in response.json["occurrences"]] == [
        ("2026-03-29T00:00:00+01:00", False),
        ("2026-03-29T03:00:00+02:00", True),  # 02:00 did not exist that night
        ("2026-03-29T04:00:00+02:00", False),
    ]
    assert response.json["occurrences"][1]["planned_local"] == "2026-03-29T02:00"


def _preview(client, headers, site, rrule, start_local, **extra):
    body = {
        "site_id": site.id,
        "rrule": rrule,
        "start_local": start_local,
        "since": "2026-11-28T00:00:00Z",
        "until": "2026-12-03T00:00:00Z",
    } | extra
    return client.post("/api/v1/schedules/preview", json=body, headers=headers)


def test_preview_reads_a_z_until_as_utc_and_shows_the_last_round(client, site, supervisor):
    # 14:00Z on 30 November is 22:00 in Shanghai: that night's round is the last.
    response = _preview(
        client, supervisor, site, "FREQ=DAILY;UNTIL=20261130T140000Z", "2026-11-01T22:00"
    )
    assert response.status_code == 200, response.json
    assert [o["local"] for o in response.json["occurrences"]] == [
        "2026-11-28T22:00:00+08:00",
        "2026-11-29T22:00:00+08:00",
        "2026-11-30T22:00:00+08:00",
    ]
    assert response.json["ends"] is True
    assert response.json["last"] == {
        "at": "2026-11-30T14:00:00+00:00",
        "local": "2026-11-30T22:00:00+08:00",
        "planned_local": "2026-11-30T22:00",
        "shifted": False,
        "ambiguous": False,
    }


def test_preview_of_a_z_until_in_new_york_ends_the_day_before(client, make, org):
    new_york = make.site(org, timezone="America/New_York")
    make.session.flush()
    headers = make.auth(make.user(org, "supervisor", [new_york]))
    # 14:00Z is 09:00 EST: a daily 10:00 round last runs on 29 November.
    response = _preview(
        client, headers, new_york, "FREQ=DAILY;UNTIL=20261130T140000Z", "2026-11-01T10:00"
    )
    assert response.status_code == 200, response.json
    assert response.json["occurrences"][-1]["local"] == "2026-11-29T10:00:00-05:00"
    assert response.json["last"]["local"] == "2026-11-29T10:00:00-05:00"


def test_preview_reads_a_floating_until_as_site_local(client, site, supervisor):
    response = _preview(
        client, supervisor, site, "FREQ=DAILY;UNTIL=20261130T140000", "2026-11-01T22:00"
    )
    assert response.json["last"]["local"] == "2026-11-29T22:00:00+08:00"  # 14:00 in Shanghai


def test_preview_shows_where_a_count_ends_outside_the_range_asked(client, site, supervisor):
    response = _preview(client, supervisor, site, "FREQ=WEEKLY;COUNT=10", "2026-11-01T22:00")
    assert len(response.json["occurrences"]) == 1
    assert response.json["last"]["local"] == "2027-01-03T22:00:00+08:00"


def test_preview_of_an_endless_rule_has_no_last(client, site, supervisor):
    response = _preview(client, supervisor, site, "FREQ=DAILY", "2026-11-01T22:00")
    assert response.status_code == 200
    assert response.json["ends"] is False and response.json["last"] is None


def test_an_until_with_an_offset_is_refused(client, make, site, supervisor):
    refused = _preview(
        client, supervisor, site, "FREQ=DAILY;UNTIL=20261130T220000+0800", "2026-11-01T22:00"
    )
    assert refused.status_code == 422 and "UNTIL" in refused.json["errors"]["rrule"][0]
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    response = _schedule(client, supervisor, route["id"], rrule="FREQ=DAILY;UNTIL=2026-11-30")
    assert response.status_code == 422 and "rrule" in response.json["errors"]


def test_a_saved_schedule_stops_at_its_z_until(client, make, db, site, supervisor):
    set_clock(lambda: SHANGHAI_22 - timedelta(hours=30))
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    # 14:00Z on the 19th is that night's 22:00 in Shanghai: its round is the last.
    rule = "FREQ=DAILY;UNTIL=20261119T140000Z"
    schedule = _schedule(client, supervisor, route["id"], rrule=rule)
    assert schedule.status_code == 201, schedule.json
    worker.sweep(db, SHANGHAI_22 - timedelta(hours=30))
    rounds = db.scalars(select(Round.due_at).where(Round.schedule_id == schedule.json["id"]))
    assert list(rounds) == [SHANGHAI_22 - timedelta(days=1)]  # not the 20th's, 48 h ahead


def test_a_schedule_without_grace_takes_its_sites_default(client, make, site, admin, supervisor):
    path = f"/api/v1/sites/{site.id}"
    assert client.patch(path, json={"default_grace_min": 25}, headers=admin).status_code == 200
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    made = _schedule(client, supervisor, route["id"])
    assert made.status_code == 201, made.json
    assert made.json["grace_min"] == 25
    for given in (0, 5):
        chosen = _schedule(client, supervisor, route["id"], name=f"G{given}", grace_min=given)
        assert chosen.json["grace_min"] == given
    # Changing the site's default later leaves the schedules already made as they are.
    assert client.patch(path, json={"default_grace_min": 40}, headers=admin).status_code == 200
    again = client.get(f"/api/v1/schedules/{made.json['id']}", headers=supervisor)
    assert again.json["grace_min"] == 25


def test_occurrences_of_a_saved_schedule_past_and_future(client, make, site, supervisor):
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    schedule = _schedule(client, supervisor, route["id"], exdates=["2026-11-21"]).json
    response = client.get(
        f"/api/v1/schedules/{schedule['id']}/occurrences"
        "?since=2026-11-19T00:00:00Z&until=2026-11-23T00:00:00Z",
        headers=supervisor,
    )
    assert response.status_code == 200
    assert [o["at"] for o in response.json["occurrences"]] == [
        "2026-11-19T14:00:00+00:00",
        "2026-11-20T14:00:00+00:00",
        "2026-11-22T14:00:00+00:00",
    ]


def test_editing_a_schedule_remakes_only_rounds_not_yet_begun(client, make, db, site, supervisor):
    set_clock(lambda: SHANGHAI_22 - timedelta(hours=30))
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    schedule = _schedule(client, supervisor, route["id"]).json
    worker.sweep(db, SHANGHAI_22 - timedelta(hours=30))
    set_clock(lambda: SHANGHAI_22 + timedelta(hours=2))
    worker.sweep(db, SHANGHAI_22 + timedelta(hours=2))  # tonight's round: over, missed
    response = client.patch(
        f"/api/v1/schedules/{schedule['id']}", json={"window_min": 90}, headers=supervisor
    )
    assert response.status_code == 200, response.json
    rounds = list(db.scalars(select(Round).where(Round.schedule_id == schedule["id"])))
    # Past rounds stay as they were; future ones are gone, to be made with the new window.
    yesterday = SHANGHAI_22 - timedelta(days=1)
    assert sorted((r.due_at, r.status.value) for r in rounds) == [
        (yesterday, "missed"),
        (SHANGHAI_22, "missed"),
    ]


def test_the_alert_loop_acknowledge_resolve_reopen_is_audited(client, make, site, supervisor):
    alert = make.alert(make.round(make.schedule(make.route([make.checkpoint(site)]))))
    path = f"/api/v1/alerts/{alert.id}"
    listed = client.get("/api/v1/alerts?state=open&severity=high", headers=supervisor)
    assert [a["id"] for a in listed.json] == [alert.id]

    ack = client.post(f"{path}/acknowledge", json={"note": "calling the guard"}, headers=supervisor)
    assert ack.status_code == 200 and ack.json["state"] == "acknowledged"
    assert client.post(f"{path}/acknowledge", json={}, headers=supervisor).status_code == 409

    no_note = client.post(f"{path}/resolve", json={"note": ""}, headers=supervisor)
    assert no_note.status_code == 422
    unknown_photo = client.post(
        f"{path}/resolve", json={"note": "fixed", "photo": "a" * 64}, headers=supervisor
    )
    assert unknown_photo.status_code == 422 and "photo" in unknown_photo.json["errors"]

    done = client.post(
        f"{path}/resolve", json={"note": "巡更员已补巡 re-walked 23:10"}, headers=supervisor
    )
    assert done.status_code == 200
    assert (
        done.json["state"] == "resolved"
        and done.json["resolution"] == "巡更员已补巡 re-walked 23:10"
    )
    assert done.json["resolved_by"] is not None

    again = client.post(f"{path}/reopen", json={"note": "still open"}, headers=supervisor)
    assert again.status_code == 200 and again.json["state"] == "open"
    assert again.json["resolution"] is None
    assert [h["action"] for h in again.json["history"]] == ["acknowledged", "resolved", "reopened"]
    trail = client.get(
        f"/api/v1/audit-events?object_type=alert&object_id={alert.id}", headers=supervisor
    )
    assert [e["action"] for e in reversed(trail.json)] == ["acknowledged", "resolved", "reopened"]
