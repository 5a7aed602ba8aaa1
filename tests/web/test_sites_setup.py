"""The sites setup pages as a test client sees them: sites and zones made, changed and
deactivated through the same domain calls as the API, audited, refused with what was typed
kept, and shown only to those who may see them."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import AuditEvent, Site, Zone, ZoneKind
from server.domain.registry.sites import DETECTION_LIMITS
from server.web.sites import forms

NAME = "测试园区 <b>x</b>"
SETTINGS = {
    "name": "湖畔花园",
    "address": "湖畔路 88 号",
    "timezone": "Asia/Shanghai",
    "inactivity_min": "90",
    "max_speed_mps": "2.5",
    "twin_window_s": "120",
    "geofence_radii": "3",
    "default_grace_min": "20",
}


@pytest.fixture
def as_admin(console_as, make, org):
    return console_as(make.user(org, Role.ADMIN))


@pytest.fixture
def as_supervisor(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def audited(db, obj, action):
    found = select(AuditEvent).where(
        AuditEvent.object_type == type(obj).__tablename__.removesuffix("s"),
        AuditEvent.object_id == obj.id,
        AuditEvent.action == action,
    )
    return db.scalars(found).all()


class TestTheList:
    def test_each_site_shows_its_zone_with_the_offset_and_its_zones(self, as_admin, make, org):
        shanghai = make.site(org, name=NAME)
        make.site(org, name="Dockside", timezone="America/New_York")
        make.zone(shanghai, name="一号楼")
        make.zone(shanghai, name="二号楼")
        make.zone(shanghai, name="旧楼", active=False)
        page = as_admin.get("/console/sites").text
        assert "测试园区 &lt;b&gt;x&lt;/b&gt;" in page and NAME not in page
        row = page.split("测试园区")[1].split("</tr>")[0]
        assert "Asia/Shanghai" in row and "UTC+08:00" in row
        assert "<td>2</td>" in row  # active zones only
        assert "America/New_York" in page and ("UTC-05:00" in page or "UTC-04:00" in page)

    def test_a_supervisor_sees_their_sites_only_and_cannot_add_one(
        self, as_supervisor, make, org, site
    ):
        make.site(org, name="别人的项目")
        page = as_supervisor.get("/console/sites").text
        assert "湖畔花园" in page and "别人的项目" not in page
        assert 'action="/console/sites/new"' not in page and "timezone-list" not in page

    def test_the_timezone_picker_offers_china_first_and_only_real_zones(self, as_admin):
        page = as_admin.get("/console/sites").text
        offered = page.split('<datalist id="timezone-list">')[1].split("</datalist>")[0]
        names = [part.split('"')[0] for part in offered.split('<option value="')[1:]]
        assert names[0] == "Asia/Shanghai" and "Asia/Hong_Kong" in names[:5]
        assert "Europe/London" in names and "UTC" in names
        assert not any(n.startswith("Etc/") or n == "localtime" for n in names)
        assert 'label="UTC+08:00 · China (Beijing time)"' in offered


class TestMakingASite:
    def test_an_admin_adds_a_site_and_the_audit_trail_has_it(self, as_admin, db, org):
        answer = as_admin.post_form(
            "/console/sites/new", {"name": NAME, "address": "", "timezone": "Asia/Shanghai"}
        )
        assert answer.status_code == 302
        site = db.scalar(select(Site).where(Site.org_id == org.id, Site.name == NAME))
        assert answer.location == f"/console/sites/{site.id}?done=created"
        assert site.address == "" and site.max_speed_mps == 3.0 and site.inactivity_min is None
        assert audited(db, site, "create")
        page = as_admin.get(answer.location).text
        assert "Site added" in page and "测试园区 &lt;b&gt;x&lt;/b&gt;" in page

    def test_an_unknown_timezone_is_refused_and_what_was_typed_stays(self, as_admin, db, org):
        typed = {"name": "新项目", "address": "某路 1 号", "timezone": "Mars/Olympus"}
        answer = as_admin.post_form("/console/sites/new", typed)
        assert answer.status_code == 422
        assert "is not an IANA timezone" in answer.text
        assert 'id="timezone-error"' in answer.text and 'aria-invalid="true"' in answer.text
        assert 'value="新项目"' in answer.text and 'value="Mars/Olympus"' in answer.text
        assert db.scalar(select(Site).where(Site.name == "新项目")) is None

    def test_a_name_in_use_is_a_conflict_said_beside_the_name(self, as_admin, site):
        answer = as_admin.post_form(
            "/console/sites/new", {"name": site.name, "timezone": "Asia/Shanghai"}
        )
        assert answer.status_code == 409
        assert 'id="name-error"' in answer.text and "already in use" in answer.text

    def test_a_missing_name_is_the_schemas_refusal(self, as_admin):
        answer = as_admin.post_form("/console/sites/new", {"name": " ", "timezone": "UTC"})
        assert answer.status_code == 422 and 'id="name-error"' in answer.text

    def test_a_supervisor_may_not_add_a_site(self, as_supervisor, db):
        answer = as_supervisor.post_form(
            "/console/sites/new", {"name": "偷偷加的", "timezone": "UTC"}
        )
        assert answer.status_code == 403
        assert db.scalar(select(Site).where(Site.name == "偷偷加的")) is None


class TestASitesSettings:
    def test_an_admin_changes_every_setting_and_it_is_audited(self, as_admin, db, site):
        answer = as_admin.post_form(f"/console/sites/{site.id}/settings", SETTINGS)
        assert answer.location == f"/console/sites/{site.id}?done=saved"
        db.refresh(site)
        assert (site.address, site.inactivity_min, site.max_speed_mps) == ("湖畔路 88 号", 90, 2.5)
        assert (site.twin_window_s, site.geofence_radii, site.default_grace_min) == (120, 3, 20)
        [event] = audited(db, site, "update")
        assert event.changes["max_speed_mps"] == [3.0, 2.5]

    def test_an_empty_lone_worker_limit_turns_the_watch_off(self, as_admin, db, make, org):
        watched = make.site(org, inactivity_min=120)
        form = SETTINGS | {"name": watched.name, "inactivity_min": ""}
        assert as_admin.post_form(f"/console/sites/{watched.id}/settings", form).status_code == 302
        db.refresh(watched)
        assert watched.inactivity_min is None

    @pytest.mark.parametrize(
        ("field", "typed"),
        [("max_speed_mps", "99"), ("twin_window_s", "0"), ("geofence_radii", ""), ("x", "")],
    )
    def test_a_setting_out_of_bounds_is_refused_beside_it(self, as_admin, db, site, field, typed):
        if field == "x":  # a whole number of seconds
            field, typed = "twin_window_s", "1.5"
        answer = as_admin.post_form(f"/console/sites/{site.id}/settings", SETTINGS | {field: typed})
        assert answer.status_code == 422
        assert f'id="{field}-error"' in answer.text
        assert 'value="湖畔路 88 号"' in answer.text  # the rest of what was typed stays
        db.refresh(site)
        assert site.address == "" and site.max_speed_mps == 3.0

    def test_the_page_explains_each_setting_with_its_bounds(self, as_admin, site):
        page = as_admin.get(f"/console/sites/{site.id}").text
        for setting in forms.DETECTION:
            assert f'name="{setting.name}"' in page
            assert str(setting.hint).split(",")[0] in page
        assert "From 0.5 to 50." in page and "Usually 3." in page
        assert 'min="5" max="1440" step="1"' in page

    def test_a_supervisor_reads_the_settings_but_has_no_form_for_them(self, as_supervisor, site):
        page = as_supervisor.get(f"/console/sites/{site.id}").text
        assert "Speed limit" in page and "3 metres a second" in page
        assert f"/console/sites/{site.id}/settings" not in page
        assert f"/console/sites/{site.id}/active" not in page
        assert f"/console/sites/{site.id}/zones" in page  # zones are theirs to set up

    def test_deactivating_and_reactivating_are_audited(self, as_admin, db, site):
        off = as_admin.post_form(f"/console/sites/{site.id}/active", {"active": "false"})
        assert off.location.endswith("done=deactivated")
        db.refresh(site)
        assert not site.active and audited(db, site, "deactivate")
        assert "✗ Deactivated" in as_admin.get(off.location).text
        on = as_admin.post_form(f"/console/sites/{site.id}/active", {"active": "true"})
        assert on.location.endswith("done=reactivated")
        db.refresh(site)
        assert site.active and audited(db, site, "reactivate")

    @pytest.mark.parametrize("action", ["/settings", "/active"])
    def test_another_tenants_admin_finds_no_such_site(self, console_as, make, site, action):
        outsider = console_as(make.user(make.org(), Role.ADMIN))
        answer = outsider.post_form(
            f"/console/sites/{site.id}{action}", SETTINGS | {"active": "false"}
        )
        assert answer.status_code == 404
        assert outsider.get(f"/console/sites/{site.id}").status_code == 404


class TestZones:
    def test_a_supervisor_adds_a_zone_and_it_is_audited(self, as_supervisor, db, site):
        answer = as_supervisor.post_form(
            f"/console/sites/{site.id}/zones", {"name": "一号楼 <i>A</i>", "kind": "building"}
        )
        assert answer.location == f"/console/sites/{site.id}?done=zone_added"
        zone = db.scalar(select(Zone).where(Zone.site_id == site.id))
        assert (zone.name, zone.kind) == ("一号楼 <i>A</i>", ZoneKind.BUILDING)
        assert audited(db, zone, "create")
        page = as_supervisor.get(answer.location).text
        assert "一号楼 &lt;i&gt;A&lt;/i&gt;" in page and "<i>A</i>" not in page

    def test_a_zone_name_in_use_is_refused_and_the_typing_stays(self, as_supervisor, make, site):
        make.zone(site, name="一号楼")
        answer = as_supervisor.post_form(
            f"/console/sites/{site.id}/zones", {"name": "一号楼", "kind": "car_park"}
        )
        assert answer.status_code == 409
        assert 'id="zone-name-error"' in answer.text
        form = answer.text.split('id="new-zone-h"')[1]
        assert 'value="一号楼"' in form and '<option value="car_park" selected>' in form

    def test_a_deactivated_site_takes_no_new_zone(self, as_admin, make, org):
        closed = make.site(org, active=False)
        answer = as_admin.post_form(
            f"/console/sites/{closed.id}/zones", {"name": "新楼", "kind": "building"}
        )
        assert answer.status_code == 422 and "deactivated" in answer.text

    def test_a_zone_is_renamed_and_deactivated(self, as_supervisor, db, make, site):
        zone = make.zone(site, name="旧名")
        renamed = as_supervisor.post_form(
            f"/console/sites/zones/{zone.id}", {"name": "新名", "kind": "floor"}
        )
        assert renamed.location == f"/console/sites/{site.id}?done=zone_saved"
        off = as_supervisor.post_form(f"/console/sites/zones/{zone.id}/active", {"active": "false"})
        assert off.location.endswith("done=zone_deactivated")
        db.refresh(zone)
        assert (zone.name, zone.kind, zone.active) == ("新名", ZoneKind.FLOOR, False)
        assert audited(db, zone, "update") and audited(db, zone, "deactivate")

    def test_a_refused_rename_opens_that_zones_form_with_the_problem(
        self, as_supervisor, make, site
    ):
        make.zone(site, name="一号楼")
        other = make.zone(site, name="二号楼")
        answer = as_supervisor.post_form(
            f"/console/sites/zones/{other.id}", {"name": "一号楼", "kind": "building"}
        )
        assert answer.status_code == 409
        assert f'id="z{other.id}-name-error"' in answer.text
        assert "<details open>" in answer.text

    def test_a_bad_kind_is_the_schemas_refusal(self, as_supervisor, site):
        answer = as_supervisor.post_form(
            f"/console/sites/{site.id}/zones", {"name": "x", "kind": "castle"}
        )
        assert answer.status_code == 422 and 'id="zone-kind-error"' in answer.text

    def test_a_supervisor_of_another_site_finds_no_such_zone(self, console_as, make, org, site):
        elsewhere = make.zone(make.site(org))
        client = console_as(make.user(org, Role.SUPERVISOR, [site]))
        answer = client.post_form(f"/console/sites/zones/{elsewhere.id}", {"name": "x"})
        assert answer.status_code == 404


class TestWords:
    def test_every_detection_setting_has_words_and_bounds(self):
        assert {s.name for s in forms.DETECTION} == set(DETECTION_LIMITS)
        assert all(s.label and s.hint and s.unit for s in forms.DETECTION)

    @pytest.mark.parametrize(
        ("zone", "at", "offset"),
        [
            ("Asia/Shanghai", datetime(2026, 7, 1, tzinfo=UTC), "UTC+08:00"),
            ("America/St_Johns", datetime(2026, 1, 1, tzinfo=UTC), "UTC-03:30"),
            ("Europe/London", datetime(2026, 7, 1, tzinfo=UTC), "UTC+01:00"),
            ("UTC", datetime(2026, 1, 1, tzinfo=UTC), "UTC+00:00"),
        ],
    )
    def test_an_offset_reads_as_a_clock_would_say_it(self, zone, at, offset):
        assert forms.utc_offset(zone, at) == offset
