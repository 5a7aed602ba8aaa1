"""An alert names the evidence behind it: the events, the handhelds, the guard, its episode."""

from server.domain.actor import Role
from server.domain.models import AlertState

TRACES = ("event_ids", "device_ids", "previous_id", "user_id")


def test_an_alert_names_its_events_handhelds_guard_and_earlier_episode(
    client, make, org, site, supervisor
):
    checkpoint = make.checkpoint(site, name="高压配电室")
    found = make.round(make.schedule(make.route([checkpoint])))
    handhelds = [make.device(org, [site]), make.device(org, [site])]
    guard = make.user(org, Role.GUARD, [site], name="张伟")
    scans = [make.event(d, site, "scan", checkpoint_id=checkpoint.id) for d in handhelds]
    earlier = make.alert(found, state=AlertState.RESOLVED)
    alert = make.alert(
        found,
        key=f"round_missed:{found.id}:2",
        event_ids=[e.id for e in scans],
        device_ids=[d.id for d in handhelds],
        previous_id=earlier.id,
        user_id=guard.id,
    )
    shown = client.get(f"/api/v1/alerts/{alert.id}", headers=supervisor).json
    assert {k: shown[k] for k in TRACES} == {
        "event_ids": [e.id for e in scans],
        "device_ids": [d.id for d in handhelds],
        "previous_id": earlier.id,
        "user_id": guard.id,
    }
    (listed,) = [
        a for a in client.get("/api/v1/alerts", headers=supervisor).json if a["id"] == alert.id
    ]
    assert {k: listed[k] for k in TRACES} == {k: shown[k] for k in TRACES}
    # Each event it names is one the scan log shows.
    log = client.get("/api/v1/events", headers=supervisor).json["items"]
    assert set(shown["event_ids"]) <= {e["id"] for e in log}
    assert shown["event_ids"] and earlier.event_ids == [] and earlier.previous_id is None


def test_the_traces_are_documented(client):
    alert = client.get("/api/openapi.json").json["components"]["schemas"]["Alert"]["properties"]
    for name in TRACES:
        assert name in alert and alert[name].get("description"), name
    assert alert["event_ids"]["type"] == "array" and alert["previous_id"]["nullable"]
