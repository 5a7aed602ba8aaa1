"""A site's shifts: the day and the night unless it says; kept in the order of the day; the
daily activity report is asked for by one of them."""

import pytest

from server.domain.actor import Role


@pytest.fixture
def boss(make, org, site):
    return make.auth(make.user(org, Role.SUPERVISOR, [site]))


def test_a_new_site_has_a_day_and_a_night_shift(client, admin):
    created = client.post(
        "/api/v1/sites", json={"name": "湖畔花园", "timezone": "Asia/Shanghai"}, headers=admin
    )
    assert created.json["shifts"] == [
        {"name": "白班", "start": "08:00"},
        {"name": "夜班", "start": "20:00"},
    ]


def test_three_shifts_are_kept_in_the_order_of_the_day_and_reports_follow_them(
    client, admin, boss, site
):
    three = [
        {"name": "中班", "start": "15:00"},
        {"name": "早班", "start": "07:00"},
        {"name": "夜班", "start": "23:00"},
    ]
    changed = client.patch(f"/api/v1/sites/{site.id}", json={"shifts": three}, headers=admin)
    assert changed.status_code == 200, changed.json
    assert [s["start"] for s in changed.json["shifts"]] == ["07:00", "15:00", "23:00"]
    ask = {"site_id": site.id, "kind": "daily_activity", "day": "2026-12-01"}
    night = client.post("/api/v1/reports", json=ask | {"shift": "23:00"}, headers=boss)
    assert night.status_code == 202, night.json
    # 23:00 to 07:00 the next morning, in the site's time.
    assert (night.json["since"], night.json["until"]) == (
        "2026-12-01T15:00:00+00:00",
        "2026-12-01T23:00:00+00:00",
    )
    gone = client.post("/api/v1/reports", json=ask | {"shift": "20:00"}, headers=boss)
    assert gone.status_code == 422
    assert gone.json["errors"] == {"shift": ["one of 07:00, 15:00, 23:00"]}


@pytest.mark.parametrize(
    "shifts",
    [
        [],
        [{"name": "A", "start": "8:00"}],
        [{"name": "A", "start": "24:00"}],
        [{"name": "A", "start": "08:00"}, {"name": "B", "start": "08:00"}],
    ],
    ids=["none", "no-leading-zero", "past-midnight", "same-start"],
)
def test_shifts_that_cannot_cut_a_day_are_refused(client, admin, site, shifts):
    refused = client.patch(f"/api/v1/sites/{site.id}", json={"shifts": shifts}, headers=admin)
    errors = refused.json["errors"]  # the schema's under "json", the domain's at the top
    assert refused.status_code == 422 and "shifts" in errors.get("json", errors)
