"""Checkpoints and equipment set up from the console: what a supervisor types is what the API
would have stored, refusals come back with the form as typed, every write is audited."""

import re

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import Asset, AuditEvent, Checkpoint
from server.web.checkpoints.plan import DEFAULT_CENTRE, Frame, View, draw, fit


@pytest.fixture
def console(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def _audited(db, kind: str, object_id: int) -> list[str]:
    found = select(AuditEvent.action).where(
        AuditEvent.object_type == kind, AuditEvent.object_id == object_id
    )
    return list(db.scalars(found.order_by(AuditEvent.id)))


def _value(page: str, name: str) -> str:
    return re.search(rf'<input id="f-{name}" name="{name}"[^>]* value="([^"]*)"', page).group(1)


def _one(db, model, **where):
    db.expire_all()
    return db.scalars(select(model).filter_by(**where)).one()


class TestTheList:
    def test_shows_the_sites_checkpoints_and_equipment_with_names_as_text(
        self, console, make, site
    ):
        zone = make.zone(site, name="1号楼")
        checkpoint = make.checkpoint(
            site,
            name="大堂 <b>lobby</b>",
            code="B1-LOBBY",
            zone_id=zone.id,
            latitude=31.2211,
            longitude=121.5442,
            radius_m=30,
        )
        make.chip(checkpoint, "01A2B3C4D5E6")
        make.asset(site, name="发电机 <i>G1</i>", code="G1", make="Cummins")
        page = console.get(f"/console/checkpoints?site_id={site.id}").text
        assert "大堂 &lt;b&gt;lobby&lt;/b&gt;" in page and "<b>lobby</b>" not in page
        assert "发电机 &lt;i&gt;G1&lt;/i&gt;" in page and "Cummins" in page
        assert "B1-LOBBY" in page and "1号楼" in page and "30 m" in page
        assert "31.221100, 121.544200" in page and "ibutton 01A2B3C4D5E6" in page
        assert 'class="cp-plan"' in page  # a site with placed checkpoints gets its plan

    def test_another_sites_list_is_not_found(self, console, make, org):
        elsewhere = make.site(org, name="别处")
        assert console.get(f"/console/checkpoints?site_id={elsewhere.id}").status_code == 404

    @pytest.mark.parametrize("value", ["abc", "0", "99999999999"])
    def test_a_site_that_cannot_be_is_said_so(self, console, value):
        assert console.get(f"/console/checkpoints?site_id={value}").status_code == 422


class TestCreatingACheckpoint:
    def test_what_is_typed_is_stored_and_audited(self, console, make, db, site):
        zone = make.zone(site, name="地下车库")
        answer = console.post_form(
            f"/console/checkpoints/new?site_id={site.id}",
            {
                "name": "车库B2区",
                "code": "P-B2",
                "zone_id": str(zone.id),
                "latitude": "31.2209",
                "longitude": "121.5439",
                "radius_m": "25",
                "instructions": "检查排水泵",
                "physical_tags": "ibutton 01:a2:b3:c4:d5:e6\nnfc 04 A2 1F 9C",
            },
        )
        assert answer.status_code == 302 and "done=created" in answer.location
        made = _one(db, Checkpoint, code="P-B2")
        assert (made.name, made.zone_id, made.radius_m) == ("车库B2区", zone.id, 25)
        assert (made.latitude, made.longitude) == (31.2209, 121.5439)
        assert [(t.kind.value, t.uid) for t in made.physical_tags] == [
            ("ibutton", "01A2B3C4D5E6"),
            ("nfc", "04A21F9C"),
        ]
        assert _audited(db, "checkpoint", made.id) == ["create"]

    def test_a_form_with_its_optional_fields_left_empty_is_made(self, console, db, site):
        empty = ("zone_id", "latitude", "longitude", "radius_m", "instructions", "physical_tags")
        answer = console.post_form(
            f"/console/checkpoints/new?site_id={site.id}",
            {"name": "岗亭", "code": "BOX", **dict.fromkeys(empty, "")},
        )
        assert answer.status_code == 302, answer.text
        made = _one(db, Checkpoint, code="BOX")
        assert (made.zone_id, made.latitude, made.instructions, made.physical_tags) == (
            None,
            None,
            "",
            [],
        )
        empty = ("zone_id", "make", "model", "serial_number", "ratings")
        answer = console.post_form(
            f"/console/checkpoints/equipment/new?site_id={site.id}",
            {"kind": "ups", "name": "UPS", "code": "U1", **dict.fromkeys(empty, "")},
        )
        assert answer.status_code == 302, answer.text

    def test_a_code_in_use_comes_back_with_the_form_as_typed(self, console, make, site):
        make.checkpoint(site, code="GATE")
        answer = console.post_form(
            f"/console/checkpoints/new?site_id={site.id}",
            {"name": "北门 <岗亭>", "code": "GATE", "latitude": "31.2", "longitude": "121.5"},
        )
        assert answer.status_code == 409
        assert "already in use" in answer.text and 'id="code-error"' in answer.text
        assert 'value="北门 &lt;岗亭&gt;"' in answer.text and 'value="31.2"' in answer.text

    @pytest.mark.parametrize(
        ("typed", "field", "said"),
        [
            ({"latitude": "100", "longitude": "121.5"}, "latitude", "less than or equal to 90"),
            ({"latitude": "north", "longitude": "121.5"}, "latitude", "Not a valid number"),
            ({"latitude": "31.2"}, "longitude", "give both or neither"),
            ({"radius_m": "30"}, "radius_m", "give latitude and longitude"),
            ({"code": "北门 1"}, "code", "1 to 32 letters, digits or -"),
            ({"physical_tags": "ibutton 01A2B3C4D5E6\nbarcode 1234"}, "physical_tags", "line 2"),
            ({"physical_tags": "ibutton x"}, "physical_tags", "4 to 64 letters or digits"),
        ],
    )
    def test_a_refusal_names_the_field(self, console, db, site, typed, field, said):
        form = {"name": "新点", "code": "NEW-1", **typed}
        answer = console.post_form(f"/console/checkpoints/new?site_id={site.id}", form)
        assert answer.status_code == 422
        error = re.search(rf'id="{field}-error">([^<]*)<', answer.text)
        assert error and said in error.group(1), answer.text[:2000]
        assert 'value="新点"' in answer.text
        assert db.scalars(select(Checkpoint).where(Checkpoint.code == "NEW-1")).first() is None

    def test_moving_the_plan_saves_nothing_and_keeps_what_was_typed(self, console, db, site):
        answer = console.post_form(
            f"/console/checkpoints/new?site_id={site.id}",
            {
                "name": "东门",
                "code": "EAST",
                "centre_lat": "39.9",
                "centre_lon": "116.4",
                "span_m": "300",
                "zoom": "in",
            },
        )
        assert answer.status_code == 200 and 'value="东门"' in answer.text
        assert _value(answer.text, "centre_lat") == "39.900000"
        assert _value(answer.text, "span_m") == "150"  # zoomed in: half as wide
        assert db.scalars(select(Checkpoint).where(Checkpoint.code == "EAST")).first() is None

    def test_a_site_with_nothing_placed_starts_on_the_default_area(self, console, site):
        page = console.get(f"/console/checkpoints/new?site_id={site.id}").text
        assert f'value="{DEFAULT_CENTRE[0]:.6f}"' in page and "default area" in page
        assert 'data-pick="f-latitude f-longitude"' in page


class TestEditing:
    def test_a_change_is_saved_and_audited_chips_replaced(self, console, make, db, site):
        checkpoint = make.checkpoint(site, code="ROOF", latitude=31.0, longitude=121.0)
        make.chip(checkpoint, "01A2B3C4D5E6")
        form = console.get(f"/console/checkpoints/{checkpoint.id}").text
        seen = re.search(r'name="seen" value="([^"]+)"', form).group(1)
        assert "ibutton 01A2B3C4D5E6" in form
        answer = console.post_form(
            f"/console/checkpoints/{checkpoint.id}",
            {
                "name": "屋顶门",
                "code": "ROOF",
                "latitude": "",
                "longitude": "",
                "physical_tags": "",
                "active": "true",
                "seen": seen,
            },
        )
        assert answer.status_code == 302 and "done=saved" in answer.location
        saved = _one(db, Checkpoint, id=checkpoint.id)
        assert (saved.name, saved.latitude, saved.physical_tags) == ("屋顶门", None, [])
        assert _audited(db, "checkpoint", checkpoint.id) == ["update"]

    def test_a_change_made_meanwhile_by_someone_else_is_not_overwritten(self, console, make, site):
        checkpoint = make.checkpoint(site, code="ROOF")
        answer = console.post_form(
            f"/console/checkpoints/{checkpoint.id}",
            {"name": "Roof", "code": "ROOF", "active": "true", "seen": "2000-01-01T00:00:00"},
        )
        assert answer.status_code == 409 and "Someone changed this" in answer.text

    def test_deactivating_then_making_active_again(self, console, make, db, site):
        checkpoint = make.checkpoint(site, code="GONE", name="旧岗")
        answer = console.post_form(f"/console/checkpoints/{checkpoint.id}/deactivate")
        assert answer.status_code == 302 and "done=deactivated" in answer.location
        assert _one(db, Checkpoint, id=checkpoint.id).active is False
        page = console.get(answer.location).text
        assert "Checkpoint deactivated" in page and "✗ Inactive" in page
        console.post_form(
            f"/console/checkpoints/{checkpoint.id}",
            {"name": "旧岗", "code": "GONE", "active": "true"},
        )
        assert _one(db, Checkpoint, id=checkpoint.id).active is True
        assert _audited(db, "checkpoint", checkpoint.id) == ["deactivate", "reactivate"]

    def test_another_sites_checkpoint_is_not_found(self, console, make, org):
        elsewhere = make.checkpoint(make.site(org))
        assert console.get(f"/console/checkpoints/{elsewhere.id}").status_code == 404
        answer = console.post_form(f"/console/checkpoints/{elsewhere.id}/deactivate")
        assert answer.status_code == 404


class TestEquipment:
    def test_added_edited_and_deactivated_with_its_ratings(self, console, make, db, site):
        answer = console.post_form(
            f"/console/checkpoints/equipment/new?site_id={site.id}",
            {
                "kind": "transformer",
                "name": "1号变压器",
                "code": "T1",
                "make": "顺特",
                "ratings": "rated_power: 630 kVA\nvoltage: 10 kV",
            },
        )
        assert answer.status_code == 302 and "done=asset_created" in answer.location
        asset = _one(db, Asset, code="T1")
        assert asset.ratings == [
            {"name": "rated_power", "value": 630, "unit": "kVA"},
            {"name": "voltage", "value": 10, "unit": "kV"},
        ]
        form = console.get(f"/console/checkpoints/equipment/{asset.id}").text
        assert "rated_power: 630 kVA" in form and 'value="顺特"' in form
        console.post_form(
            f"/console/checkpoints/equipment/{asset.id}",
            {
                "kind": "transformer",
                "name": "1号变压器",
                "code": "T1",
                "make": "",
                "model": "SCB10",
                "ratings": "",
                "active": "true",
            },
        )
        console.post_form(f"/console/checkpoints/equipment/{asset.id}/deactivate")
        saved = _one(db, Asset, id=asset.id)
        assert (saved.model, saved.make, saved.ratings, saved.active) == ("SCB10", "", [], False)
        assert _audited(db, "asset", asset.id) == ["create", "update", "deactivate"]

    def test_a_rating_that_cannot_be_read_names_its_line(self, console, site):
        answer = console.post_form(
            f"/console/checkpoints/equipment/new?site_id={site.id}",
            {"kind": "generator", "name": "发电机", "code": "G9", "ratings": "power: lots kW"},
        )
        assert answer.status_code == 422
        assert "line 1" in answer.text and "power: lots kW" in answer.text


class TestThePlan:
    def test_a_point_and_its_position_are_each_others_inverse(self):
        frame = Frame.of(View(31.2211, 121.5442, 300))
        x, y = frame.to_px(31.2215, 121.5450)
        assert frame.to_position(x, y) == pytest.approx((31.2215, 121.5450), abs=1e-12)
        assert frame.to_px(31.2211, 121.5442) == pytest.approx((320, 210))

    def test_the_frame_fits_every_checkpoint_and_its_radius_inside_the_margin(self):
        spots = [(31.2211, 121.5442, 30), (31.2225, 121.5471, 0), (31.2199, 121.5430, 50)]
        frame = Frame.of(fit(spots))
        px_per_m = frame.px_per_deg_lat / 111_320
        for lat, lon, radius in spots:
            x, y = frame.to_px(lat, lon)
            r = radius * px_per_m
            assert 39.9 <= x - r <= x + r <= 600.1
            assert 39.9 <= y - r <= y + r <= 380.1

    def test_with_nothing_placed_the_plan_centres_on_the_typed_position(self):
        drawn = draw([], marker=(22.54, 114.05))
        assert (drawn.view.latitude, drawn.view.longitude) == (22.54, 114.05)
        assert drawn.marker == pytest.approx((320, 210))
