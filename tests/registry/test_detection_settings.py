"""A site's detection settings: defaults, read by all, changed by an admin, checked, audited."""

import pytest

from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.errors import Invalid
from server.domain.patrol import rounds_ahead
from server.domain.registry import sites

DEFAULTS = {
    "inactivity_min": None,
    "max_speed_mps": 3.0,
    "twin_window_s": 60,
    "geofence_radii": 2.0,
    "default_grace_min": 15,
}
TUNED = {
    "inactivity_min": 30,
    "max_speed_mps": 2.5,
    "twin_window_s": 90,
    "geofence_radii": 3.5,
    "default_grace_min": 20,
}


def settings_of(body):
    return {name: body[name] for name in DEFAULTS}


def test_a_new_site_has_the_documented_defaults(client, admin):
    created = client.post(
        "/api/v1/sites", json={"name": "湖畔花园", "timezone": "Asia/Shanghai"}, headers=admin
    )
    assert created.status_code == 201, created.json
    assert settings_of(created.json) == DEFAULTS


def test_settings_round_trip_and_everyone_on_the_site_reads_them(client, make, org, site, admin):
    path = f"/api/v1/sites/{site.id}"
    changed = client.patch(path, json=TUNED, headers=admin)
    assert changed.status_code == 200, changed.json
    assert settings_of(changed.json) == TUNED
    for role in Role:
        headers = make.auth(make.user(org, role, [site]))
        assert settings_of(client.get(path, headers=headers).json) == TUNED
        (listed,) = client.get("/api/v1/sites", headers=headers).json
        assert settings_of(listed) == TUNED


def test_a_site_can_be_created_with_its_settings(client, admin):
    body = {"name": "North", "timezone": "Europe/Berlin"} | TUNED
    created = client.post("/api/v1/sites", json=body, headers=admin)
    assert created.status_code == 201, created.json
    assert settings_of(created.json) == TUNED


@pytest.mark.parametrize(
    ("name", "least", "most"),
    [
        ("max_speed_mps", 0.5, 50),
        ("twin_window_s", 1, 3600),
        ("geofence_radii", 1, 20),
        ("default_grace_min", 0, 240),
        ("inactivity_min", 5, 1440),
    ],
)
def test_each_setting_takes_its_range_ends(client, admin, site, name, least, most):
    path = f"/api/v1/sites/{site.id}"
    for value in (least, most):
        response = client.patch(path, json={name: value}, headers=admin)
        assert response.status_code == 200, response.json
        assert response.json[name] == value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_speed_mps", 0.4),
        ("max_speed_mps", 50.5),
        ("max_speed_mps", None),
        ("max_speed_mps", "fast"),
        ("twin_window_s", 0),
        ("twin_window_s", 3601),
        ("twin_window_s", None),
        ("geofence_radii", 0.5),
        ("geofence_radii", 21),
        ("default_grace_min", -1),
        ("default_grace_min", 241),
        ("default_grace_min", None),
        ("inactivity_min", 4),
    ],
)
def test_a_value_out_of_range_is_a_422_naming_the_field(client, admin, site, name, value):
    path = f"/api/v1/sites/{site.id}"
    response = client.patch(path, json={name: value}, headers=admin)
    assert response.status_code == 422
    assert response.json["code"] == 422 and response.json["status"] == "Unprocessable Entity"
    assert name in response.json["errors"]["json"]
    assert settings_of(client.get(path, headers=admin).json) == DEFAULTS
    created = client.post(
        "/api/v1/sites", json={"name": "S", "timezone": "UTC", name: value}, headers=admin
    )
    assert created.status_code == 422 and name in created.json["errors"]["json"]


@pytest.mark.parametrize("whose", ["another site", "this site"])
def test_a_supervisor_cannot_change_them(client, make, org, site, whose):
    # Site fields are an admin's (access.MANAGE_SITES), the detection settings among them.
    other = make.site(org)
    supervisor = make.auth(
        make.user(org, Role.SUPERVISOR, [other if whose == "another site" else site])
    )
    path = f"/api/v1/sites/{site.id}"
    response = client.patch(path, json={"max_speed_mps": 10.0}, headers=supervisor)
    assert response.status_code == 403
    admin = make.auth(make.user(org, Role.ADMIN))
    assert client.get(path, headers=admin).json["max_speed_mps"] == 3.0


def test_a_change_is_audited_before_and_after(client, admin, site):
    changed = client.patch(
        f"/api/v1/sites/{site.id}",
        json={"max_speed_mps": 2.5, "default_grace_min": 20},
        headers=admin,
    )
    assert changed.status_code == 200
    trail = client.get(
        "/api/v1/audit-events",
        query_string={"object_type": "site", "object_id": site.id},
        headers=admin,
    ).json
    assert trail[0]["action"] == "update"
    assert trail[0]["changes"] == {"max_speed_mps": [3.0, 2.5], "default_grace_min": [15, 20]}


def test_the_domain_checks_the_limits_for_callers_other_than_the_api(db, org, site):
    token = set_actor(Actor(None, org.id, Role.ADMIN, label="test"))
    try:
        with pytest.raises(Invalid) as error:
            sites.update(db, site.id, {"twin_window_s": 7200})
        assert error.value.errors == {"twin_window_s": ["from 1 to 3600"]}
        with pytest.raises(Invalid):
            sites.create(db, {"name": "S", "timezone": "UTC", "geofence_radii": None})
    finally:
        reset_actor(token)


def test_a_site_default_grace_is_within_a_schedules_grace():
    assert sites.DETECTION_LIMITS["default_grace_min"] == (0, rounds_ahead.MAX_EDGE_MIN)
