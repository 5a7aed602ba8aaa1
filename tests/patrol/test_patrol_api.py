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
            "from": "2026-03-28T22:00:00Z",
            "to": "2026-03-29T03:00:00Z",
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


def test_occurrences_of_a_saved_schedule_past_and_future(client, make, site, supervisor):
    route = _route(client, supervisor, site, [make.checkpoint(site)]).json
    schedule = _schedule(client, supervisor, route["id"], exdates=["2026-11-21"]).json
    response = client.get(
        f"/api/v1/schedules/{schedule['id']}/occurrences"
        "?from=2026-11-19T00:00:00Z&to=2026-11-23T00:00:00Z",
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

    ack = client.post(
        f"{path}/acknowledge", json={"comment": "calling the guard"}, headers=supervisor
    )
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

    again = client.post(f"{path}/reopen", json={"comment": "still open"}, headers=supervisor)
    assert again.status_code == 200 and again.json["state"] == "open"
    assert again.json["resolution"] is None
    assert [h["action"] for h in again.json["history"]] == ["acknowledged", "resolved", "reopened"]
    trail = client.get(
        f"/api/v1/audit-events?object_type=alert&object_id={alert.id}", headers=supervisor
    )
    assert [e["action"] for e in reversed(trail.json)] == ["acknowledged", "resolved", "reopened"]
