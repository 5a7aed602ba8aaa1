"""Creating, reading, listing, changing and deactivating registry objects through the API."""

import json

import pytest

from server.domain.actor import Role


class TestSites:
    def test_create_and_read_back_with_chinese_name(self, client, admin):
        body = {"name": "湖畔花园", "address": "上海市浦东新区", "timezone": "Asia/Shanghai"}
        created = client.post("/api/v1/sites", json=body, headers=admin)
        assert created.status_code == 201
        fetched = client.get(f"/api/v1/sites/{created.json['id']}", headers=admin)
        assert fetched.json | body == fetched.json and fetched.json["active"] is True
        # Names travel as UTF-8, not \\u escapes, so they read right in logs and exports too.
        assert "湖畔花园".encode() in fetched.data

    @pytest.mark.parametrize("tz", ["Mars/Olympus", "CST", "localtime", "Etc/GMT-8", "+08:00", ""])
    def test_timezone_must_be_an_iana_name(self, client, admin, tz):
        response = client.post("/api/v1/sites", json={"name": "S", "timezone": tz}, headers=admin)
        assert response.status_code == 422
        assert "timezone" in json.dumps(response.json["errors"])

    def test_timezone_is_validated_on_change_too(self, client, admin, site):
        response = client.patch(
            f"/api/v1/sites/{site.id}", json={"timezone": "Asia/Beijing"}, headers=admin
        )
        assert response.status_code == 422
        assert client.get(f"/api/v1/sites/{site.id}", headers=admin).json["timezone"] == (
            "Asia/Shanghai"
        )

    def test_the_lone_worker_limit_is_set_checked_and_turned_off(self, client, admin, site):
        path = f"/api/v1/sites/{site.id}"
        assert client.get(path, headers=admin).json["inactivity_min"] is None
        for minutes in (2, 1441, "soon"):
            response = client.patch(path, json={"inactivity_min": minutes}, headers=admin)
            assert response.status_code == 422
            assert "inactivity_min" in json.dumps(response.json["errors"])
        assert client.patch(path, json={"inactivity_min": 45}, headers=admin).status_code == 200
        assert client.get(path, headers=admin).json["inactivity_min"] == 45
        assert client.patch(path, json={"inactivity_min": None}, headers=admin).status_code == 200
        assert client.get(path, headers=admin).json["inactivity_min"] is None

    def test_duplicate_name_in_one_tenant_is_a_conflict(self, client, admin, site, make):
        body = {"name": "湖畔花园", "timezone": "Asia/Shanghai"}
        response = client.post("/api/v1/sites", json=body, headers=admin)
        assert response.status_code == 409
        assert response.json["errors"] == {"name": ["already in use"]}
        other = make.auth(make.user(make.org(), Role.ADMIN))
        assert client.post("/api/v1/sites", json=body, headers=other).status_code == 201

    def test_deactivated_site_stays_readable_and_refuses_new_checkpoints(self, client, admin, site):
        response = client.patch(f"/api/v1/sites/{site.id}", json={"active": False}, headers=admin)
        assert response.status_code == 200 and response.json["active"] is False
        assert client.get(f"/api/v1/sites/{site.id}", headers=admin).status_code == 200
        new = client.post(
            "/api/v1/checkpoints",
            json={"site_id": site.id, "name": "X", "code": "X1"},
            headers=admin,
        )
        assert new.status_code == 422
        assert new.json["errors"] == {"site_id": ["site is deactivated"]}


class TestEtags:
    def test_get_returns_an_etag_and_304_when_unchanged(self, client, admin, site):
        first = client.get(f"/api/v1/sites/{site.id}", headers=admin)
        etag = first.headers["ETag"]
        again = client.get(f"/api/v1/sites/{site.id}", headers=admin | {"If-None-Match": etag})
        assert again.status_code == 304

    def test_etag_changes_when_the_object_changes(self, client, admin, site):
        etag = client.get(f"/api/v1/sites/{site.id}", headers=admin).headers["ETag"]
        client.patch(f"/api/v1/sites/{site.id}", json={"address": "new"}, headers=admin)
        after = client.get(f"/api/v1/sites/{site.id}", headers=admin | {"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["ETag"] != etag

    def test_patch_with_a_stale_if_match_is_refused_and_changes_nothing(self, client, admin, site):
        etag = client.get(f"/api/v1/sites/{site.id}", headers=admin).headers["ETag"]
        url = f"/api/v1/sites/{site.id}"
        assert (
            client.patch(url, json={"address": "A"}, headers=admin | {"If-Match": etag}).status_code
            == 200
        )
        stale = client.patch(url, json={"address": "B"}, headers=admin | {"If-Match": etag})
        assert stale.status_code == 412 and stale.json["code"] == 412
        assert client.get(url, headers=admin).json["address"] == "A"


class TestListing:
    @pytest.fixture
    def checkpoints(self, make, site):
        return [
            make.checkpoint(site, name=n, code=c)
            for n, c in [
                ("北门 North gate", "N1"),
                ("南门 South gate", "S1"),
                ("东门 East gate", "E1"),
            ]
        ]

    def test_pages_carry_totals_in_x_pagination(self, client, admin, checkpoints):
        response = client.get("/api/v1/checkpoints?page=2&page_size=2&sort=code", headers=admin)
        assert [c["code"] for c in response.json] == ["S1"]
        meta = json.loads(response.headers["X-Pagination"])
        assert meta["total"] == 3 and meta["total_pages"] == 2 and meta["page"] == 2

    def test_sort_descending_and_search_by_chinese_text(self, client, admin, checkpoints):
        codes = [
            c["code"] for c in client.get("/api/v1/checkpoints?sort=-code", headers=admin).json
        ]
        assert codes == ["S1", "N1", "E1"]
        found = client.get("/api/v1/checkpoints?q=南门", headers=admin).json
        assert [c["code"] for c in found] == ["S1"]

    def test_search_text_with_wildcards_matches_literally(self, client, admin, checkpoints):
        assert client.get("/api/v1/checkpoints?q=%25", headers=admin).json == []

    def test_active_filter(self, client, admin, checkpoints):
        client.patch(
            f"/api/v1/checkpoints/{checkpoints[0].id}", json={"active": False}, headers=admin
        )
        active = client.get("/api/v1/checkpoints?active=true", headers=admin).json
        inactive = client.get("/api/v1/checkpoints?active=false", headers=admin).json
        assert {c["code"] for c in active} == {"S1", "E1"}
        assert [c["code"] for c in inactive] == ["N1"]

    def test_unknown_sort_field_is_a_clear_422(self, client, admin):
        response = client.get("/api/v1/checkpoints?sort=password_hash", headers=admin)
        assert response.status_code == 422
        assert "sort" in response.json["errors"]

    def test_page_size_is_capped(self, client, admin):
        response = client.get("/api/v1/checkpoints?page_size=100000", headers=admin)
        assert response.status_code == 422


class TestCheckpoints:
    def test_full_checkpoint_round_trip(self, client, admin, make, site):
        zone = make.zone(site, name="配电房")
        body = {
            "site_id": site.id,
            "zone_id": zone.id,
            "name": "高压配电室 HV room",
            "code": "PR-HV",
            "latitude": 31.2211,
            "longitude": 121.5442,
            "radius_m": 25,
            "instructions": "禁止单独进入",
            "physical_tags": [
                {"kind": "nfc", "uid": "04:a2:1f:9c"},
                {"kind": "ibutton", "uid": "01-0000-1A2B3C4D"},
            ],
        }
        created = client.post("/api/v1/checkpoints", json=body, headers=admin)
        assert created.status_code == 201, created.json
        assert created.json["physical_tags"] == [
            {"kind": "nfc", "uid": "04A21F9C"},
            {"kind": "ibutton", "uid": "0100001A2B3C4D"},
        ]
        assert created.json["instructions"] == "禁止单独进入"

    def test_the_same_chip_cannot_mark_two_checkpoints(self, client, admin, site):
        first = {
            "site_id": site.id,
            "name": "A",
            "code": "A",
            "physical_tags": [{"kind": "nfc", "uid": "04 A2 1F 9C"}],
        }
        second = first | {"code": "B", "physical_tags": [{"kind": "nfc", "uid": "04:a2:1f:9c"}]}
        assert client.post("/api/v1/checkpoints", json=first, headers=admin).status_code == 201
        response = client.post("/api/v1/checkpoints", json=second, headers=admin)
        assert response.status_code == 409

    def test_replacing_chips_keeps_the_ones_still_listed(self, client, admin, site):
        body = {
            "site_id": site.id,
            "name": "A",
            "code": "A",
            "physical_tags": [{"kind": "nfc", "uid": "AAAA"}],
        }
        cp = client.post("/api/v1/checkpoints", json=body, headers=admin).json
        tags = [{"kind": "nfc", "uid": "aaaa"}, {"kind": "rfid", "uid": "0012345678"}]
        response = client.patch(
            f"/api/v1/checkpoints/{cp['id']}", json={"physical_tags": tags}, headers=admin
        )
        assert response.json["physical_tags"] == [
            {"kind": "nfc", "uid": "AAAA"},
            {"kind": "rfid", "uid": "0012345678"},
        ]

    def test_code_is_unique_per_site_not_per_tenant(self, client, admin, make, org, site):
        other_site = make.site(org)
        body = {"site_id": site.id, "name": "Gate", "code": "G1"}
        assert client.post("/api/v1/checkpoints", json=body, headers=admin).status_code == 201
        assert client.post("/api/v1/checkpoints", json=body, headers=admin).status_code == 409
        other = body | {"site_id": other_site.id}
        assert client.post("/api/v1/checkpoints", json=other, headers=admin).status_code == 201

    def test_zone_must_belong_to_the_checkpoints_site(self, client, admin, make, org, site):
        foreign_zone = make.zone(make.site(org))
        body = {"site_id": site.id, "zone_id": foreign_zone.id, "name": "X", "code": "X"}
        response = client.post("/api/v1/checkpoints", json=body, headers=admin)
        assert response.status_code == 422 and "zone_id" in response.json["errors"]

    @pytest.mark.parametrize(
        "position,field",
        [
            ({"latitude": 31.2}, "longitude"),
            ({"radius_m": 30}, "radius_m"),
            ({"latitude": 91, "longitude": 0}, "latitude"),
            ({"latitude": 0, "longitude": 181}, "longitude"),
        ],
    )
    def test_positions_are_checked(self, client, admin, site, position, field):
        body = {"site_id": site.id, "name": "X", "code": "X"} | position
        response = client.post("/api/v1/checkpoints", json=body, headers=admin)
        assert response.status_code == 422
        assert field in json.dumps(response.json["errors"])

    def test_removing_half_a_position_is_refused(self, client, admin, make, site):
        cp = make.checkpoint(site, latitude=31.2, longitude=121.5)
        response = client.patch(
            f"/api/v1/checkpoints/{cp.id}", json={"latitude": None}, headers=admin
        )
        assert response.status_code == 422

    def test_a_checkpoint_cannot_move_to_another_site(self, client, admin, make, org, site):
        cp = make.checkpoint(site)
        response = client.patch(
            f"/api/v1/checkpoints/{cp.id}", json={"site_id": make.site(org).id}, headers=admin
        )
        assert response.status_code == 422


class TestAssets:
    def test_ratings_round_trip_with_units(self, client, admin, site):
        body = {
            "site_id": site.id,
            "kind": "transformer",
            "name": "1号变压器",
            "code": "T1",
            "make": "TBEA",
            "model": "SCB13-1250/10",
            "ratings": [
                {"name": "rated_power", "value": 1250, "unit": "kVA"},
                {"name": "secondary_voltage", "value": 0.4, "unit": "kV"},
            ],
        }
        created = client.post("/api/v1/assets", json=body, headers=admin)
        assert created.status_code == 201
        assert (
            client.get(f"/api/v1/assets/{created.json['id']}", headers=admin).json["ratings"]
            == body["ratings"]
        )

    def test_unknown_kind_is_refused(self, client, admin, site):
        body = {"site_id": site.id, "kind": "reactor", "name": "X", "code": "X"}
        response = client.post("/api/v1/assets", json=body, headers=admin)
        assert response.status_code == 422 and "kind" in response.json["errors"]["json"]

    def test_non_finite_rating_is_refused(self, client, admin, site):
        rating = '{"name": "p", "value": NaN, "unit": "kW"}'
        raw = (
            '{"site_id": %d, "kind": "ups", "name": "U", "code": "U", "ratings": [' + rating + "]}"
        )
        response = client.post(
            "/api/v1/assets", data=raw % site.id, content_type="application/json", headers=admin
        )
        assert response.status_code == 422
        assert "value" in str(response.json["errors"])


class TestUsers:
    def test_create_with_sites_and_lowercased_login(self, client, admin, site):
        body = {
            "name": "张伟",
            "login": "Zhang.Wei",
            "role": "guard",
            "password": "long enough pw",
            "site_ids": [site.id],
        }
        created = client.post("/api/v1/users", json=body, headers=admin)
        assert created.status_code == 201
        assert created.json["login"] == "zhang.wei" and created.json["site_ids"] == [site.id]
        assert "password" not in created.json and "password_hash" not in created.json

    def test_logins_are_unique_across_tenants(self, client, admin, make):
        make.user(make.org(), login="taken")
        body = {"name": "X", "login": "TAKEN", "role": "guard", "password": "long enough pw"}
        assert client.post("/api/v1/users", json=body, headers=admin).status_code == 409

    def test_short_password_is_refused(self, client, admin):
        body = {"name": "X", "login": "shorty", "role": "guard", "password": "short"}
        response = client.post("/api/v1/users", json=body, headers=admin)
        assert response.status_code == 422 and "password" in response.json["errors"]

    def test_the_last_admin_can_be_neither_deactivated_nor_demoted(self, client, make, org):
        me = make.user(org, Role.ADMIN)
        headers = make.auth(me)
        for change in ({"active": False}, {"role": "guard"}):
            response = client.patch(f"/api/v1/users/{me.id}", json=change, headers=headers)
            assert response.status_code == 409
        make.user(org, Role.ADMIN)
        assert (
            client.patch(
                f"/api/v1/users/{me.id}", json={"role": "supervisor"}, headers=headers
            ).status_code
            == 200
        )

    def test_another_tenants_site_cannot_be_assigned(self, client, admin, make):
        foreign = make.site(make.org())
        body = {
            "name": "X",
            "login": "newbie",
            "role": "guard",
            "password": "long enough pw",
            "site_ids": [foreign.id],
        }
        response = client.post("/api/v1/users", json=body, headers=admin)
        assert response.status_code == 422 and "site_ids" in response.json["errors"]


class TestDevices:
    def test_register_and_move_between_sites(self, client, admin, make, org, site):
        other = make.site(org)
        created = client.post(
            "/api/v1/devices",
            json={"serial": "HT-1", "label": "巡更机 1", "site_ids": [site.id]},
            headers=admin,
        )
        assert created.status_code == 201 and created.json["last_seen_at"] is None
        moved = client.patch(
            f"/api/v1/devices/{created.json['id']}", json={"site_ids": [other.id]}, headers=admin
        )
        assert moved.json["site_ids"] == [other.id]

    def test_serial_is_unique_in_a_tenant(self, client, admin, site):
        body = {"serial": "HT-1", "site_ids": [site.id]}
        assert client.post("/api/v1/devices", json=body, headers=admin).status_code == 201
        assert client.post("/api/v1/devices", json=body, headers=admin).status_code == 409

    def test_a_supervisor_must_put_a_device_on_one_of_their_sites(self, client, make, org, site):
        sup = make.auth(make.user(org, Role.SUPERVISOR, [site]))
        response = client.post("/api/v1/devices", json={"serial": "HT-9"}, headers=sup)
        assert response.status_code == 422 and "site_ids" in response.json["errors"]


class TestOrganizations:
    def test_an_operator_creates_a_tenant_whose_admin_can_log_in(self, client, make):
        operator = make.auth(make.user(make.org(), Role.ADMIN, is_superuser=True))
        body = {
            "name": "绿城物业",
            "admin": {"name": "Admin", "login": "lc.admin", "password": "long enough pw"},
        }
        created = client.post("/api/v1/organizations", json=body, headers=operator)
        assert created.status_code == 201 and "admin" not in created.json
        token = client.post(
            "/api/v1/auth/token", json={"login": "lc.admin", "password": "long enough pw"}
        )
        assert token.json["user"]["org_id"] == created.json["id"]
        assert token.json["user"]["role"] == "admin"

    def test_an_admin_renames_but_cannot_deactivate_their_tenant(self, client, admin, org):
        assert (
            client.patch(
                f"/api/v1/organizations/{org.id}", json={"name": "新名字"}, headers=admin
            ).status_code
            == 200
        )
        assert (
            client.patch(
                f"/api/v1/organizations/{org.id}", json={"active": False}, headers=admin
            ).status_code
            == 403
        )

    def test_deactivating_a_tenant_locks_its_users_out(self, client, make, org):
        operator = make.auth(make.user(make.org(), Role.ADMIN, is_superuser=True))
        member = make.auth(make.user(org, Role.GUARD))
        assert (
            client.patch(
                f"/api/v1/organizations/{org.id}", json={"active": False}, headers=operator
            ).status_code
            == 200
        )
        assert client.get("/api/v1/auth/me", headers=member).status_code == 401
