"""Shift notes: who came on duty, went off or handed over, and what they wrote."""

import pytest

from server.domain.actor import Role
from tests.field_reports.conftest import at, newest_first

PATH = "/api/v1/shift-notes"


def ids(client, headers, **query):
    response = client.get(PATH, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json]


def test_only_shift_events_newest_first(client, admin, reports):
    assert ids(client, admin) == newest_first(reports.shifts.values())


@pytest.mark.parametrize(
    "query,names",
    [
        (lambda r: {"kind": "handover"}, ["handover"]),
        (lambda r: {"has_note": "true"}, ["handover"]),  # blank is not written
        (lambda r: {"has_note": "false"}, ["off", "on"]),
        (lambda r: {"site_id": r.tower.id}, ["off"]),
        (lambda r: {"user_id": r.guard.id}, ["handover", "on"]),
        (lambda r: {"device_id": r.handheld.id, "kind": "clock_in"}, ["on"]),
        (lambda r: {"since": at(-10).isoformat(), "until": at(25).isoformat()}, ["handover", "on"]),
    ],
    ids=["kind", "written", "blank", "site", "guard", "handheld-and-kind", "window"],
)
def test_each_filter_narrows_to_what_it_names(client, admin, reports, query, names):
    wanted = [reports.shifts[n] for n in names]
    assert ids(client, admin, **query(reports)) == newest_first(wanted)


def test_a_shift_note_names_its_guard_site_and_handheld(client, admin, reports):
    handover = reports.shifts["handover"]
    body = client.get(f"{PATH}/{handover.id}", headers=admin).json
    assert (body["kind"], body["note"]) == ("handover", "东门锁坏了，已报修")
    assert (body["user_id"], body["user_name"]) == (reports.guard.id, "张伟")
    assert (body["site_id"], body["site_name"]) == (reports.lakeside.id, reports.lakeside.name)
    assert body["device_name"] == "巡更机 1"
    assert body["device_time"] == body["corrected_time"] == at(20).isoformat()
    assert body["flags"] == []


def test_an_incident_is_not_a_shift_note(client, admin, reports):
    smoke = reports.incidents["smoke"].id
    assert client.get(f"{PATH}/{smoke}", headers=admin).status_code == 404


def test_a_supervisor_of_another_site_sees_nothing_and_gets_404_by_id(client, make, org, reports):
    tower = make.auth(make.user(org, Role.SUPERVISOR, [reports.tower]))
    assert ids(client, tower) == [reports.shifts["off"].id]
    handover = reports.shifts["handover"].id
    assert client.get(f"{PATH}/{handover}", headers=tower).status_code == 404


@pytest.mark.parametrize("query", [{"kind": "lunch"}, {"has_note": "1"}, {"category": "fire"}])
def test_unknown_values_and_parameters_are_refused(client, admin, reports, query):
    assert client.get(PATH, query_string=query, headers=admin).status_code == 422
