"""Incidents as supervisors read them: typed, named, with photos; filtered, paged, scoped."""

import io
import json

import pytest
from PIL import Image

from server.domain.actor import Role
from tests.field_reports.conftest import at, newest_first

PATH = "/api/v1/incidents"


def listed(client, headers, **query):
    response = client.get(PATH, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response


def ids(client, headers, **query):
    return [item["id"] for item in listed(client, headers, **query).json]


class TestList:
    def test_only_incidents_newest_first_by_corrected_time(self, client, admin, reports):
        # The late-synced one happened first: it comes last although it was stored last.
        assert ids(client, admin) == newest_first(reports.incidents.values())
        assert ids(client, admin)[-1] == reports.incidents["scratch"].id

    def test_pages_say_how_many_there_are(self, client, admin, reports):
        first = listed(client, admin, page_size=3)
        assert json.loads(first.headers["X-Pagination"])["total"] == 4
        second = listed(client, admin, page_size=3, page=2)
        assert [i["id"] for i in first.json + second.json] == ids(client, admin)

    @pytest.mark.parametrize(
        "query,names",
        [
            (lambda r: {"site_id": r.tower.id}, ["intruder"]),
            (lambda r: {"category": "water_leak"}, ["leak"]),
            (lambda r: {"severity": "critical"}, ["intruder"]),
            (lambda r: {"user_id": r.guard.id}, ["leak", "smoke"]),
            (lambda r: {"device_id": r.roamer.id}, ["intruder"]),
            (lambda r: {"checkpoint_id": r.gate.id}, ["smoke"]),
            (lambda r: {"site_id": r.lakeside.id, "severity": "high"}, ["smoke"]),
            (lambda r: {"category": "fire", "severity": "low"}, []),
        ],
        ids=["site", "category", "severity", "guard", "handheld", "checkpoint", "two", "none"],
    )
    def test_each_filter_narrows_to_what_it_names(self, client, admin, reports, query, names):
        wanted = [reports.incidents[n] for n in names]
        assert ids(client, admin, **query(reports)) == newest_first(wanted)

    def test_since_is_inclusive_and_until_exclusive_on_the_corrected_time(
        self, client, admin, reports
    ):
        window = {"since": at(1).isoformat(), "until": at(5).isoformat()}
        wanted = [reports.incidents["smoke"], reports.incidents["intruder"]]
        assert ids(client, admin, **window) == newest_first(wanted)

    @pytest.mark.parametrize(
        "query", [{"category": "arson"}, {"severity": "urgent"}, {"type": "scan"}, {"sort": "id"}]
    )
    def test_unknown_values_and_parameters_are_refused(self, client, admin, reports, query):
        response = client.get(PATH, query_string=query, headers=admin)
        assert response.status_code == 422
        assert response.json["code"] == 422


class TestOne:
    def test_an_incident_is_typed_and_names_its_site_guard_handheld_and_checkpoint(
        self, client, admin, reports
    ):
        smoke = reports.incidents["smoke"]
        response = client.get(f"{PATH}/{smoke.id}", headers=admin)
        assert response.status_code == 200
        body = response.json
        # Named as every response names them: the id, and beside it the name.
        assert (body["site_id"], body["site_name"]) == (reports.lakeside.id, reports.lakeside.name)
        assert (body["user_id"], body["user_name"]) == (reports.guard.id, "张伟")
        assert (body["device_id"], body["device_name"]) == (reports.handheld.id, "巡更机 1")
        assert (body["checkpoint_id"], body["checkpoint_name"]) == (reports.gate.id, "东门岗亭")
        assert (body["category"], body["severity"], body["text"]) == (
            "fire",
            "high",
            "配电房有烟味",
        )
        assert body["position"] == {"latitude": 31.2304, "longitude": 121.4737, "accuracy_m": 8.0}
        assert body["flags"] == ["device_clock_off"]
        assert body["uuid"] == smoke.uuid
        assert body["time_source"] == "wall_clock"
        assert body["corrected_time"] == at(1).isoformat()
        assert "配电房有烟味".encode() in response.data  # UTF-8 as it is, not only escaped

    def test_the_list_shows_each_incident_as_its_own_page_does(self, client, admin, reports):
        listed_smoke = next(
            i for i in listed(client, admin).json if i["id"] == reports.incidents["smoke"].id
        )
        assert listed_smoke == client.get(f"{PATH}/{listed_smoke['id']}", headers=admin).json

    def test_what_was_left_unsaid_is_null(self, client, admin, reports):
        body = client.get(f"{PATH}/{reports.incidents['scratch'].id}", headers=admin).json
        assert body["user_id"] is body["user_name"] is None
        assert body["checkpoint_id"] is body["checkpoint_name"] is body["position"] is None
        assert body["photos"] == []
        roamer = client.get(f"{PATH}/{reports.incidents['intruder'].id}", headers=admin).json
        assert roamer["device_name"] == "HT-0002"  # no label: the serial names it

    def test_neither_a_scan_nor_a_shift_event_is_an_incident(self, client, admin, reports):
        for event in (reports.scan, reports.shifts["handover"]):
            response = client.get(f"{PATH}/{event.id}", headers=admin)
            assert response.status_code == 404
            assert response.json["message"] == f"incident {event.id} not found"


class TestPhotos:
    def test_each_photo_says_whether_it_arrived_and_where_to_get_it(self, client, admin, reports):
        body = client.get(f"{PATH}/{reports.incidents['smoke'].id}", headers=admin).json
        received, awaited = body["photos"]
        assert (received["sha256"], received["received"]) == (reports.received, True)
        assert (awaited["sha256"], awaited["received"]) == (reports.awaited, False)
        sha = reports.received
        assert received["thumbnail"] == f"/api/v1/photos/{sha}/thumbnail.jpg"
        assert received["display"] == f"/api/v1/photos/{sha}/display.jpg"
        assert received["original"] == f"/api/v1/photos/{sha}/original"

    def test_a_supervisor_of_the_site_gets_the_copies_and_an_admin_the_original(
        self, app, client, make, org, admin, reports
    ):
        supervisor = make.auth(make.user(org, Role.SUPERVISOR, [reports.lakeside]))
        body = client.get(f"{PATH}/{reports.incidents['smoke'].id}", headers=supervisor).json
        links = body["photos"][0]
        for size, longest in (("thumbnail", 320), ("display", 1600)):
            copy = client.get(links[size], headers=supervisor)
            assert copy.status_code == 200 and copy.mimetype == "image/jpeg"
            with Image.open(io.BytesIO(copy.data)) as image:
                assert image.size == (64, 48) and max(image.size) <= longest
        assert client.get(links["original"], headers=supervisor).status_code == 403
        original = client.get(links["original"], headers=admin)
        with app.extensions["vigil"].blobs.open(reports.received) as blob:
            assert original.status_code == 200 and original.data == blob.read()

    def test_the_links_of_a_photo_not_yet_uploaded_are_not_found(self, client, admin, reports):
        body = client.get(f"{PATH}/{reports.incidents['smoke'].id}", headers=admin).json
        assert client.get(body["photos"][1]["thumbnail"], headers=admin).status_code == 404


class TestScope:
    def test_a_supervisor_sees_the_incidents_of_their_sites_only(self, client, make, org, reports):
        lakeside = make.auth(make.user(org, Role.SUPERVISOR, [reports.lakeside]))
        wanted = [reports.incidents[n] for n in ("smoke", "leak", "scratch")]
        assert ids(client, lakeside) == newest_first(wanted)
        assert ids(client, lakeside, site_id=reports.tower.id) == []

    def test_a_supervisor_of_another_site_sees_nothing_and_gets_404_by_id(
        self, client, make, org, reports
    ):
        tower = make.auth(make.user(org, Role.SUPERVISOR, [reports.tower]))
        assert ids(client, tower, site_id=reports.lakeside.id) == []
        response = client.get(f"{PATH}/{reports.incidents['smoke'].id}", headers=tower)
        assert response.status_code == 404
        assert client.get(f"{PATH}/{reports.incidents['intruder'].id}", headers=tower).json

    def test_another_tenant_is_never_listed_nor_found(self, client, make, admin, reports):
        assert reports.foreign.id not in ids(client, admin)
        assert client.get(f"{PATH}/{reports.foreign.id}", headers=admin).status_code == 404

    @pytest.mark.parametrize("role", [Role.GUARD, Role.ENGINEER])
    def test_guards_and_engineers_may_not_read_them(self, client, make, org, reports, role):
        headers = make.auth(make.user(org, role, [reports.lakeside]))
        assert client.get(PATH, headers=headers).status_code == 403
        smoke = reports.incidents["smoke"].id
        assert client.get(f"{PATH}/{smoke}", headers=headers).status_code == 403
