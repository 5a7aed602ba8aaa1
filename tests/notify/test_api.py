"""The notify API: endpoints managed by admins, their delivery log, redelivery; no secret shown."""

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import AuditEvent
from server.domain.models import NotificationState as State
from server.domain.notify import outbox
from server.notify import delivery
from tests.notify.outbox import PUBLIC_URL, found, new_secret, notifications, verifying
from tests.notify.servers import Reply

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=ROBOTKEY123"


@pytest.fixture
def api(app, db):
    """The Flask test client (this folder's `client` is the channels' httpx client)."""
    return app.test_client()


@pytest.fixture
def boss(make, org):
    return make.auth(make.user(org, Role.ADMIN))


@pytest.fixture
def deliver(app, client):
    sessions = app.extensions["vigil"].sessionmaker
    rng = random.Random(19)
    return lambda now=NOW: delivery.deliver(
        sessions, delivery.channels(client), now, "w1", public_url=PUBLIC_URL, rng=rng
    )


def leaks(response, *secrets):
    text = json.dumps(response.json, ensure_ascii=False)
    return [s for s in secrets if s in text]


def test_an_endpoint_round_trip_never_shows_a_secret_or_a_robot_key(api, boss, site):
    first, second, third = new_secret(), new_secret(), new_secret()
    hook = {
        "name": "Ops",
        "kind": "webhook",
        "url": "https://ops.example/h?token=TOK9",
        "secrets": [first],
    }
    made = api.post("/api/v1/notify-endpoints", json=hook, headers=boss)
    assert made.status_code == 201, made.json
    hook_id = made.json["id"]
    assert made.json["url"] == "https://ops.example/h?token=%E2%80%A6"
    assert made.json["secrets_active"] == 1 and "secrets" not in made.json
    robot = {"name": "群", "kind": "wecom", "url": ROBOT, "site_id": site.id}
    assert api.post("/api/v1/notify-endpoints", json=robot, headers=boss).status_code == 201

    responses = [made, api.get("/api/v1/notify-endpoints", headers=boss)]
    assert [e["name"] for e in responses[-1].json] == ["Ops", "群"]
    item = f"/api/v1/notify-endpoints/{hook_id}"
    responses.append(api.get(item, headers=boss))
    patched = api.patch(item, json={"name": "Ops 2", "min_severity": "high"}, headers=boss)
    assert (patched.json["name"], patched.json["min_severity"]) == ("Ops 2", "high")
    rotated = api.post(f"{item}/rotate-secret", json={"secret": second}, headers=boss)
    assert rotated.status_code == 200 and rotated.json["secrets_active"] == 2
    again = api.post(f"{item}/rotate-secret", json={"secret": third}, headers=boss)
    assert again.json["secrets_active"] == 2  # the oldest dropped
    gone = api.post(f"{item}/deactivate", headers=boss)
    assert gone.status_code == 200 and gone.json["active"] is False
    listed = api.get("/api/v1/notify-endpoints?active=false", headers=boss)
    assert [e["id"] for e in listed.json] == [hook_id]
    trail = api.get("/api/v1/audit-events", headers=boss)
    responses += [patched, rotated, again, gone, listed, trail]
    for response in responses:
        assert response.status_code == 200 or response is made
        assert not leaks(response, first, second, third, "TOK9", "ROBOTKEY123")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"name": "x", "kind": "fax", "url": "https://a.example"}, "kind"),
        ({"name": "x", "kind": "webhook", "url": "ftp://a.example", "secrets": ["k"]}, "url"),
        ({"name": "x", "kind": "webhook", "url": "https://a.example"}, "secrets"),
        ({"name": "x", "kind": "wecom", "url": "https://a", "secrets": ["a", "b", "c"]}, "secrets"),
        ({"name": "x", "kind": "wecom", "url": "https://a", "language": "fr"}, "language"),
        ({"name": "x", "kind": "wecom", "url": "https://a", "site_id": 999999}, "site_id"),
    ],
)
def test_a_bad_endpoint_is_a_422_naming_the_field(api, boss, body, field):
    answer = api.post("/api/v1/notify-endpoints", json=body, headers=boss)
    assert answer.status_code == 422, answer.json
    assert answer.json["code"] == 422 and field in json.dumps(answer.json["errors"])


def test_rotate_needs_a_secret_and_another_tenants_endpoint_is_unknown(api, boss, make, org):
    mine = f"/api/v1/notify-endpoints/{make.notify_endpoint(org).id}/rotate-secret"
    for body in ({}, {"secret": ""}, {"secret": "k" * 201}):
        answer = api.post(mine, json=body, headers=boss)
        assert answer.status_code == 422 and answer.json["code"] == 422
    other = make.notify_endpoint(make.org())
    path = f"/api/v1/notify-endpoints/{other.id}"
    assert api.get(path, headers=boss).status_code == 404
    assert api.post(f"{path}/rotate-secret", json={"secret": "k"}, headers=boss).status_code == 404
    assert api.get(f"{path}/deliveries", headers=boss).status_code == 404


@pytest.fixture
def dead_one(db, make, org, site, receiver, deliver):
    """A webhook that refused a notification (400): the notification is dead, one attempt logged."""
    secret = new_secret()
    server = receiver(verifying(secret))
    hook = make.notify_endpoint(org, url=server.url, secrets=[secret])
    alert = found(db, site)
    assert outbox.plan(db, NOW) == 1
    server.script(Reply(400, b"bad payload"), Reply(200, b"thanks"))
    assert deliver() == 0
    (sent,) = notifications(db)
    assert sent.state is State.DEAD
    return server, hook, alert, sent


def test_the_delivery_log_and_a_redelivery_under_the_same_webhook_id(
    api, boss, db, deliver, dead_one
):
    server, hook, alert, sent = dead_one
    log = api.get(f"/api/v1/notify-endpoints/{hook.id}/deliveries", headers=boss)
    assert log.status_code == 200
    (entry,) = log.json
    assert entry["notification_id"] == sent.id and entry["alert_id"] == alert.id
    assert (entry["delivered"], entry["status"], entry["excerpt"]) == (False, 400, "bad payload")
    assert entry["latency_ms"] >= 0 and entry["error"] == "HTTP 400" and entry["at"]

    again = api.post(f"/api/v1/notifications/{sent.id}/redeliver", headers=boss)
    assert again.status_code == 200, again.json
    assert (again.json["state"], again.json["attempts"]) == ("pending", 1)
    busy = api.post(f"/api/v1/notifications/{sent.id}/redeliver", headers=boss)
    assert busy.status_code == 409 and "pending" in busy.json["message"]

    assert deliver(datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert [r.headers["webhook-id"] for r in server.received] == [f"vigil-n{sent.id}"] * 2
    log = api.get(f"/api/v1/notify-endpoints/{hook.id}/deliveries", headers=boss).json
    assert [(e["status"], e["delivered"], e["excerpt"]) for e in log] == [
        (200, True, "thanks"),
        (400, False, "bad payload"),
    ]
    assert notifications(db)[0].state is State.DELIVERED
    redelivered = db.scalars(select(AuditEvent).where(AuditEvent.action == "redeliver")).all()
    assert [(e.object_type, e.object_id) for e in redelivered] == [("notification", sent.id)]
    for response in (again, busy):
        assert not leaks(response, *hook.secrets)


def test_only_admins_redeliver_and_another_tenants_notification_is_unknown(
    api, make, org, dead_one
):
    *_, sent = dead_one
    path = f"/api/v1/notifications/{sent.id}/redeliver"
    supervisor = make.auth(make.user(org, Role.SUPERVISOR))
    assert api.post(path, headers=supervisor).status_code == 403
    stranger = make.auth(make.user(make.org(), Role.ADMIN))
    assert api.post(path, headers=stranger).status_code == 404
