"""The escalation policy API (admins), and an alert's notification log and deadline."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from server.domain.actor import Role
from server.domain.models import AlertSeverity
from server.domain.notify import escalate, outbox
from server.notify import delivery
from tests.notify.outbox import PUBLIC_URL, found, new_secret, verifying

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
POLICIES = "/api/v1/escalation-policies"


@pytest.fixture
def api(app, db):
    """The Flask test client (this folder's `client` is the channels' httpx client)."""
    return app.test_client()


@pytest.fixture
def boss(make, org):
    return make.auth(make.user(org, Role.ADMIN))


def paths(errors, where=""):
    """The dotted names an error body's `errors` gives: "steps.0", "json.steps.0.roles.0"."""
    if not isinstance(errors, dict):
        return [where]
    return [p for key, inner in errors.items() for p in paths(inner, f"{where}{key}.")]


def refused(answer, field):
    """A 422 in the API's one error shape, naming field (with or without the schema's "json.")."""
    assert answer.status_code == 422, answer.json
    assert answer.json["code"] == 422 and answer.json["status"] and answer.json["message"]
    named = [p.removeprefix("json.").rstrip(".") for p in paths(answer.json["errors"])]
    return any(p == field or p.startswith(f"{field}.") for p in named)


def test_a_policy_round_trip_checks_its_etag_and_ends_deactivated(api, boss, make, org, site):
    duty = make.user(org, Role.SUPERVISOR, [site])
    hook = make.notify_endpoint(org)
    body = {
        "name": "Night ladder",
        "site_id": site.id,
        "min_severity": "medium",
        "steps": [
            {"roles": ["supervisor", "supervisor"], "user_ids": [duty.id]},
            {"after_min": 30, "endpoint_ids": [hook.id], "repeat": 2},
        ],
        "rectify_hours": {"high": 24},
    }
    made = api.post(POLICIES, json=body, headers=boss)
    assert made.status_code == 201, made.json
    assert made.json["steps"] == [  # stored whole, each role once
        {"after_min": 0, "roles": ["supervisor"], "user_ids": [duty.id], "endpoint_ids": []}
        | {"repeat": 0},
        {"after_min": 30, "roles": [], "user_ids": [], "endpoint_ids": [hook.id], "repeat": 2},
    ]
    assert (made.json["active"], made.json["org_id"]) == (True, org.id)
    api.post(POLICIES, json={"name": "All sites", "steps": [{"roles": ["admin"]}]}, headers=boss)

    listed = api.get(f"{POLICIES}?sort=-name", headers=boss)
    assert [p["name"] for p in listed.json] == ["Night ladder", "All sites"]
    assert "X-Pagination" in listed.headers
    mine = api.get(f"{POLICIES}?site_id={site.id}", headers=boss)
    assert [p["id"] for p in mine.json] == [made.json["id"]]

    item = f"{POLICIES}/{made.json['id']}"
    read = api.get(item, headers=boss)
    assert read.status_code == 200 and read.json == made.json
    etag = read.headers["ETag"]
    assert api.get(item, headers=boss | {"If-None-Match": etag}).status_code == 304
    patched = api.patch(
        item, json={"rectify_hours": {"low": 12}}, headers=boss | {"If-Match": etag}
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["rectify_hours"] == {"low": 12}
    assert patched.json["steps"] == read.json["steps"]  # what was not sent stays
    stale = api.patch(item, json={"name": "Lost update"}, headers=boss | {"If-Match": etag})
    assert stale.status_code == 412 and stale.json["code"] == 412
    assert api.get(item, headers=boss).json["name"] == "Night ladder"

    gone = api.post(f"{item}/deactivate", headers=boss)
    assert gone.status_code == 200 and gone.json["active"] is False
    inactive = api.get(f"{POLICIES}?active=false", headers=boss)
    assert [p["id"] for p in inactive.json] == [made.json["id"]]


def _step(**step):
    return {"name": "Ladder", "steps": [step]}


@pytest.mark.parametrize(
    "body,field",
    [
        (_step(user_ids=[999999]), "steps.0"),
        (_step(endpoint_ids=[999999]), "steps.0"),
        (_step(roles=["janitor"]), "steps.0"),
        (_step(roles=[]), "steps.0"),  # a step that tells no one
        (_step(roles=["admin"], repeat=3), "steps.0"),  # repeated at once, forever
        (_step(roles=["admin"], after_min=-1), "steps.0"),
        ({"name": "Ladder", "steps": []}, "steps"),
        ({"name": "Ladder"}, "steps"),
        ({"name": "", "steps": [{"roles": ["admin"]}]}, "name"),
        ({"name": "Ladder", "site_id": 999999, "steps": [{"roles": ["admin"]}]}, "site_id"),
        (_step(roles=["admin"]) | {"rectify_hours": {"urgent": 5}}, "rectify_hours"),
        (_step(roles=["admin"]) | {"rectify_hours": {"low": 0}}, "rectify_hours"),
        (_step(roles=["admin"]) | {"min_severity": "dire"}, "min_severity"),
        (
            {"name": "Ladder", "steps": [{"roles": ["admin"], "after_min": 1, "repeat": 20}] * 3},
            "steps",
        ),
    ],
)
def test_a_policy_that_cannot_be_used_is_a_422_naming_the_field(api, boss, body, field):
    assert refused(api.post(POLICIES, json=body, headers=boss), field)


def test_another_tenants_people_endpoints_and_sites_are_refused(api, boss, make, org):
    other = make.org()
    stranger, their_hook = make.user(other, Role.SUPERVISOR), make.notify_endpoint(other)
    their_site = make.site(other)
    asleep = make.notify_endpoint(org, active=False)
    for body, field in [
        (_step(user_ids=[stranger.id]), "steps.0"),
        (_step(endpoint_ids=[their_hook.id]), "steps.0"),
        (_step(endpoint_ids=[asleep.id]), "steps.0"),
        (_step(roles=["admin"]) | {"site_id": their_site.id}, "site_id"),
    ]:
        assert refused(api.post(POLICIES, json=body, headers=boss), field), body

    mine = api.post(POLICIES, json=_step(roles=["admin"]), headers=boss).json
    item = f"{POLICIES}/{mine['id']}"
    later = _step(roles=["admin"])["steps"] + [{"after_min": 5, "user_ids": [stranger.id]}]
    assert refused(api.patch(item, json={"steps": later}, headers=boss), "steps.1")
    assert api.get(item, headers=boss).json["steps"] == mine["steps"]

    theirs = make.escalation_policy(other)
    for answer in (
        api.get(f"{POLICIES}/{theirs.id}", headers=boss),
        api.patch(f"{POLICIES}/{theirs.id}", json={"name": "Mine now"}, headers=boss),
        api.post(f"{POLICIES}/{theirs.id}/deactivate", headers=boss),
    ):
        assert answer.status_code == 404 and answer.json["code"] == 404
    assert theirs.name != "Mine now" and theirs.active


def test_only_admins_manage_policies(api, make, org, site):
    supervisor = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    policy = make.escalation_policy(org)
    assert api.get(POLICIES, headers=supervisor).status_code == 403
    assert api.post(POLICIES, json=_step(roles=["admin"]), headers=supervisor).status_code == 403
    assert api.get(f"{POLICIES}/{policy.id}", headers=supervisor).status_code == 403


@pytest.fixture
def deliver(app, client):
    sessions = app.extensions["vigil"].sessionmaker
    rng = random.Random(19)
    return lambda now=NOW: delivery.deliver(
        sessions, delivery.channels(client), now, "w1", public_url=PUBLIC_URL, rng=rng
    )


def test_the_alert_log_shows_who_was_told_and_the_deadline_its_policy_sets(
    api, boss, db, make, org, site, receiver, deliver
):
    secret = new_secret()  # the factory's own is not always valid base64
    server = receiver(verifying(secret))
    hook = {"url": server.url, "secrets": [secret]}
    follower = make.notify_endpoint(org, name="Ops hook", site_id=site.id, **hook)
    rung = make.notify_endpoint(
        org, name="Manager hook", min_severity=AlertSeverity.CRITICAL, **hook
    )
    ladder = {"name": "Ladder", "steps": [{"endpoint_ids": [rung.id]}]}
    ladder["rectify_hours"] = {"high": 5}
    assert api.post(POLICIES, json=ladder, headers=boss).status_code == 201
    alert = found(db, site)
    assert outbox.plan(db, NOW) == 1  # the follower; the manager's hook hears of critical only
    assert escalate.climb(db, NOW) == 1  # the ladder's first rung names it all the same
    waiting = api.get(f"/api/v1/alerts/{alert.id}/notifications", headers=boss).json
    assert [(t["state"], t["attempts"], t["last_status"], t["last_at"]) for t in waiting] == [
        ("pending", 0, None, None)
    ] * 2
    assert deliver() == 2

    shown = api.get(f"/api/v1/alerts/{alert.id}", headers=boss).json
    raised = datetime.fromisoformat(shown["raised_at"])
    assert datetime.fromisoformat(shown["due_at"]) == raised + timedelta(hours=5)
    assert shown["overdue_at"] is None
    supervisor = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    log = api.get(f"/api/v1/alerts/{alert.id}/notifications", headers=supervisor)
    assert log.status_code == 200, log.json
    assert [(t["recipient"], t["channel"], t["step"], t["change"]) for t in log.json] == [
        ("Ops hook", "webhook", 0, "raised"),
        ("Manager hook", "webhook", 1, "raised"),
    ]
    for told in log.json:
        assert (told["state"], told["attempts"], told["last_status"]) == ("delivered", 1, 200)
        assert told["delivered_at"] and told["first_at"] and told["last_at"]
        assert told["last_error"] is None and told["last_latency_ms"] >= 0
    assert [t["endpoint_id"] for t in log.json] == [follower.id, rung.id]

    other_site = make.auth(make.user(org, Role.SUPERVISOR, [make.site(org)]))
    stranger = make.auth(make.user(make.org(), Role.ADMIN))
    for headers in (other_site, stranger):
        hidden = api.get(f"/api/v1/alerts/{alert.id}/notifications", headers=headers)
        assert hidden.status_code == 404 and hidden.json["code"] == 404
