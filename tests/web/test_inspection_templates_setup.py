"""Inspection setup pages as a test client sees them: starters and clones, the item editor and
its versions, an asset's own limits, inspection schedules; refusals keep what was typed."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.inspection.starters import STARTERS
from server.domain.models import (
    AssetKind,
    AssetLimit,
    AuditEvent,
    InspectionSchedule,
    InspectionTemplate,
    TemplateVersion,
)
from server.domain.models import AssetKind as Kind
from server.web.inspection_templates import names

ROOT = "/console/inspection-templates"
ZH = {"Accept-Language": "zh"}


class _Form(HTMLParser):
    """The fields a browser would send for the form with the given class (no button pressed)."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.inside, self.fields = css_class, False, []
        self._select: str | None = None
        self._textarea: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.css_class in (a.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [v for v, on in self._options if on] or [v for v, _ in self._options[:1]]
            self.fields.append((self._select, chosen[0] if chosen else ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_of(page: str, css_class: str = "editor") -> dict[str, list[str]]:
    parser = _Form(css_class)
    parser.feed(page)
    found: dict[str, list[str]] = {}
    for name, value in parser.fields:
        found.setdefault(name, []).append(value)
    return found


def field(form: dict[str, list[str]], row_key: str, name: str) -> str:
    """The form name of one item's field, found by the item's key."""
    row = next(n for n, v in form.items() if n.endswith("-key") and v == [row_key])
    return row.removesuffix("-key") + "-" + name


@pytest.fixture
def boss(console_as, make, org):
    return console_as(make.user(org, Role.ADMIN))


@pytest.fixture
def generator(boss, db, org):
    """The generator weekly starter, used through the page."""
    answer = boss.post_form(
        f"{ROOT}/new",
        {
            "starter": "generator_weekly",
            "code": "gen_weekly",
            "name": "Gen weekly",
            "name_zh": "发电机周检",
        },
    )
    assert answer.status_code == 302, answer.text
    return db.scalar(select(InspectionTemplate).where(InspectionTemplate.code == "gen_weekly"))


def versions(db, template) -> list[int]:
    stmt = select(TemplateVersion.version).where(TemplateVersion.template_id == template.id)
    return sorted(db.scalars(stmt))


def audited(db, action: str, obj) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == obj.id)
    return list(db.scalars(stmt))


class TestTheList:
    def test_lists_the_tenants_templates_and_every_starter(self, boss, make, org, generator):
        other = make.template(make.org(), name="Not ours")
        page = boss.get(ROOT).text
        assert "Gen weekly" in page and "gen_weekly" in page and "Not ours" not in page
        assert page.count("Use this starter") == len(STARTERS)
        assert f"{ROOT}/new?from={generator.id}" in page  # Clone
        assert other.name not in page

    def test_chinese_names_and_html_in_names_read_as_text(self, boss, make, org):
        make.template(org, name="<b>Pump</b>", name_zh="<i>消防泵</i>巡检")
        page = boss.get(ROOT, headers=ZH).text
        assert "&lt;i&gt;消防泵&lt;/i&gt;巡检" in page and "<i>消防泵" not in page
        assert "备用发电机每周巡检" in page  # the starter's own Chinese name


class TestNewTemplates:
    def test_a_starter_becomes_a_template_of_ours_with_its_form(self, db, generator):
        assert generator.asset_kind == AssetKind.GENERATOR and generator.name_zh == "发电机周检"
        definition = db.scalar(
            select(TemplateVersion.definition).where(TemplateVersion.template_id == generator.id)
        )
        assert definition == STARTERS[0]["definition"]
        assert audited(db, "create", generator) and audited(db, "install_starter", generator)

    def test_the_new_form_suggests_a_free_code(self, boss, generator):
        page = boss.get(f"{ROOT}/new?from={generator.id}").text
        assert 'value="gen_weekly_2"' in page and 'value="Gen weekly (copy)"' in page

    def test_a_clone_copies_the_current_form_and_leaves_the_original(self, boss, db, generator):
        answer = boss.post_form(
            f"{ROOT}/new", {"from": generator.id, "code": "gen_b", "name": "Gen B", "name_zh": ""}
        )
        assert answer.status_code == 302
        copy = db.scalar(select(InspectionTemplate).where(InspectionTemplate.code == "gen_b"))
        assert answer.location.endswith(f"{ROOT}/{copy.id}?done=created")
        assert copy.asset_kind == generator.asset_kind and copy.name_zh == ""
        assert audited(db, "clone", copy)[0].changes == {"cloned_from": [None, generator.id]}
        assert versions(db, generator) == [1]

    def test_a_code_in_use_is_refused_and_what_was_typed_stays(self, boss, generator):
        answer = boss.post_form(
            f"{ROOT}/new",
            {
                "starter": "generator_weekly",
                "code": "gen_weekly",
                "name": "Again <b>",
                "name_zh": "再来",
            },
        )
        assert answer.status_code == 409
        assert "already in use" in answer.text and 'value="Again &lt;b&gt;"' in answer.text
        assert 'value="再来"' in answer.text

    def test_a_code_the_schema_refuses_is_named_beside_its_field(self, boss):
        answer = boss.post_form(
            f"{ROOT}/new", {"starter": "substation_daily", "code": "Bad Code", "name": "X"}
        )
        assert answer.status_code == 422
        assert 'id="code-error"' in answer.text and 'value="Bad Code"' in answer.text

    def test_another_tenants_template_cannot_be_cloned_or_seen(self, boss, make):
        theirs = make.template(make.org())
        assert boss.get(f"{ROOT}/new?from={theirs.id}").status_code == 404
        assert boss.get(f"{ROOT}/{theirs.id}").status_code == 404
        posted = boss.post_form(f"{ROOT}/new", {"from": theirs.id, "code": "x", "name": "X"})
        assert posted.status_code == 404


class TestTheEditor:
    def test_shows_every_item_with_its_limits_and_both_labels(self, boss, generator):
        page = boss.get(f"{ROOT}/{generator.id}", headers=ZH).text
        form = form_of(page)
        assert len(form["row"]) == 13 and len(form["section"]) == 3
        assert form[field(form, "battery_v", "label_zh")] == ["启动电瓶电压"]
        assert form[field(form, "battery_v", "warning_low")] == ["12"]
        assert form[field(form, "battery_v", "critical_high")] == ["16"]
        assert form[field(form, "oil_level_ok", "fail_level")] == ["critical"]
        assert "启动电瓶电压" in page and "记录保持其填写时的版本" in page

    @pytest.mark.parametrize("starter", [s["code"] for s in STARTERS])
    def test_saving_an_unchanged_form_makes_no_new_version(self, boss, db, starter):
        boss.post_form(f"{ROOT}/new", {"starter": starter, "code": f"{starter}_x", "name": "X"})
        made = db.scalar(
            select(InspectionTemplate).where(InspectionTemplate.code == f"{starter}_x")
        )
        form = form_of(boss.get(f"{ROOT}/{made.id}").text)
        answer = boss.post_form(f"{ROOT}/{made.id}", {**form, "op": "save"})
        assert answer.status_code == 302 and answer.location.endswith("done=unchanged")
        assert versions(db, made) == [1]

    def test_changed_limits_and_a_new_item_make_the_next_version(self, boss, db, generator):
        form = form_of(boss.get(f"{ROOT}/{generator.id}").text)
        form[field(form, "battery_v", "warning_low")] = ["11.8"]
        added = form_of(boss.post_form(f"{ROOT}/{generator.id}", {**form, "op": "add:s0"}).text)
        new = next(n for n, v in added.items() if n.endswith("-key") and v == [""])
        row = new.removesuffix("-key")
        added |= {
            new: ["room_temp_c"],
            f"{row}-label_en": ["Room"],
            f"{row}-label_zh": ["机房温度"],
        }
        added |= {f"{row}-unit": ["°C"], f"{row}-warning_high": ["40"]}
        answer = boss.post_form(f"{ROOT}/{generator.id}", {**added, "op": "save"})
        assert answer.status_code == 302 and answer.location.endswith("done=saved")
        db.expire_all()
        assert versions(db, generator) == [1, 2] and generator.version == 2
        saved = db.scalar(
            select(TemplateVersion.definition).where(
                TemplateVersion.template_id == generator.id, TemplateVersion.version == 2
            )
        )
        battery = saved["sections"][0]["items"]
        assert battery[0]["warning"] == [11.8, 15.0] and battery[-1]["key"] == "room_temp_c"
        assert battery[-1]["label"] == {"en": "Room", "zh": "机房温度"}
        fuel = saved["sections"][1]["items"][1]
        assert fuel["drop_unless"] == "run_hours" and fuel["max_drop"] == 10  # kept, not shown
        change = audited(db, "update", generator)[0].changes
        assert change["version"] == [1, 2]
        page = boss.get(answer.location).text
        assert "version 2 is the form now" in page and "keep the version" in page

    def test_a_warning_limit_outside_the_critical_one_is_refused_beside_its_item(
        self, boss, db, generator
    ):
        form = form_of(boss.get(f"{ROOT}/{generator.id}").text)
        form[field(form, "battery_v", "warning_high")] = ["17"]
        form["name"] = ["Renamed <b>"]
        answer = boss.post_form(f"{ROOT}/{generator.id}", {**form, "op": "save"})
        assert answer.status_code == 422
        row = field(form, "battery_v", "")[:-1]
        assert (
            '<p class="field-error" role="alert">the critical high limit is below the warning'
            in answer.text
        )
        assert f'id="{row}-warning_high" name="{row}-warning_high" value="17"' in answer.text
        assert 'value="Renamed &lt;b&gt;"' in answer.text  # what was typed stays
        db.expire_all()
        assert versions(db, generator) == [1] and generator.name == "Gen weekly"

    def test_the_refusal_reads_in_chinese(self, boss, generator):
        form = form_of(boss.get(f"{ROOT}/{generator.id}").text)
        form[field(form, "battery_v", "critical_high")] = ["14"]
        answer = boss.post_form(f"{ROOT}/{generator.id}", {**form, "op": "save"}, headers=ZH)
        assert answer.status_code == 422 and "严重上限低于警告上限" in answer.text

    def test_moving_and_removing_without_script_changes_the_form_not_the_template(
        self, boss, db, generator
    ):
        form = form_of(boss.get(f"{ROOT}/{generator.id}").text)
        charger = field(form, "charger_ok", "")[2:-1]
        moved = form_of(
            boss.post_form(f"{ROOT}/{generator.id}", {**form, "op": f"up:{charger}"}).text
        )
        keys = [moved[f"r-{r}-key"][0] for r in moved["row"]]
        assert keys[:3] == ["charger_ok", "battery_v", "terminals_ok"]
        gone = form_of(
            boss.post_form(f"{ROOT}/{generator.id}", {**moved, "op": f"remove:{charger}"}).text
        )
        assert "charger_ok" not in [gone[f"r-{r}-key"][0] for r in gone["row"]]
        assert versions(db, generator) == [1]
        boss.post_form(f"{ROOT}/{generator.id}", {**gone, "op": "save"})
        db.expire_all()
        saved = db.scalar(
            select(TemplateVersion.definition).where(
                TemplateVersion.template_id == generator.id, TemplateVersion.version == 2
            )
        )
        assert [i["key"] for i in saved["sections"][0]["items"]] == ["battery_v", "terminals_ok"]

    def test_a_version_saved_meanwhile_is_not_written_over(self, boss, db, generator):
        form = form_of(boss.get(f"{ROOT}/{generator.id}").text)
        form[field(form, "battery_v", "unit")] = ["volts"]
        assert boss.post_form(f"{ROOT}/{generator.id}", {**form, "op": "save"}).status_code == 302
        form[field(form, "battery_v", "unit")] = ["V DC"]  # the same page, opened at version 1
        answer = boss.post_form(f"{ROOT}/{generator.id}", {**form, "op": "save"})
        assert answer.status_code == 409 and "reload the page" in answer.text
        assert versions(db, generator) == [1, 2]

    def test_another_tenants_template_cannot_be_saved(self, boss, make):
        theirs = make.template(make.org())
        answer = boss.post_form(f"{ROOT}/{theirs.id}", {"name": "Mine now", "op": "save"})
        assert answer.status_code == 404


class TestAssetLimits:
    @pytest.fixture
    def set_(self, make, site, generator):
        return make.asset(site, kind=Kind.GENERATOR, name="柴油发电机 <G9>")

    def test_lists_the_readings_of_the_forms_for_the_asset(self, boss, set_):
        page = boss.get(f"{ROOT}/assets/{set_.id}/limits").text
        assert "柴油发电机 &lt;G9&gt;" in page and "Starter battery voltage" in page
        assert 'id="limit-battery_v"' in page and 'id="limit-charger_ok"' not in page

    def test_own_limits_are_set_shown_audited_and_cleared(self, boss, db, set_):
        answer = boss.post_form(
            f"{ROOT}/assets/{set_.id}/limits/battery_v",
            {"warning_low": "23", "warning_high": "29", "note": "24 V set 说明书"},
        )
        assert answer.status_code == 302 and "done=set" in answer.location
        limit = db.scalar(select(AssetLimit).where(AssetLimit.asset_id == set_.id))
        assert (
            limit.warning == [23, 29] and limit.critical is None and limit.note == "24 V set 说明书"
        )
        assert audited(db, "set_limits", limit)
        page = boss.get(answer.location).text
        assert "below 23 V or above 29 V" in page and 'value="24 V set 说明书"' in page
        answer = boss.post_form(f"{ROOT}/assets/{set_.id}/limits/battery_v/clear")
        assert answer.status_code == 302 and "done=cleared" in answer.location
        assert db.scalar(select(AssetLimit).where(AssetLimit.asset_id == set_.id)) is None
        assert audited(db, "clear_limits", limit)

    def test_a_bad_limit_is_refused_with_what_was_typed(self, boss, db, set_):
        answer = boss.post_form(
            f"{ROOT}/assets/{set_.id}/limits/battery_v",
            {"warning_low": "29", "warning_high": "23", "note": "oops"},
        )
        assert answer.status_code == 422
        assert "the low limit is above the high one" in answer.text
        assert 'name="warning_low" value="29"' in answer.text and 'value="oops"' in answer.text
        assert db.scalar(select(AssetLimit).where(AssetLimit.asset_id == set_.id)) is None

    def test_a_check_item_takes_no_limits(self, boss, set_):
        answer = boss.post_form(f"{ROOT}/assets/{set_.id}/limits/charger_ok", {"warning_low": "1"})
        assert answer.status_code == 422 and "limits are for readings" in answer.text


class TestSchedules:
    @pytest.fixture
    def set_(self, make, site):
        return make.asset(site, kind=Kind.GENERATOR, name="发电机 G7")

    def post(self, boss, site, **form):
        return boss.post_form(f"{ROOT}/schedules?site_id={site.id}", form)

    def test_a_spaced_schedule_is_made_and_said_in_words(self, boss, db, site, set_, generator):
        answer = self.post(
            boss, site, asset_id=set_.id, template_id=generator.id, least="20", most="40",
            spacing_unit="days",
        )  # fmt: skip
        assert answer.status_code == 302, answer.text
        made = db.scalar(select(InspectionSchedule).where(InspectionSchedule.asset_id == set_.id))
        assert (made.min_days, made.max_days, made.rrule) == (20, 40, None)
        assert audited(db, "create", made)
        page = boss.get(answer.location).text
        assert "Due 40 days after the last inspection of the asset." in page
        assert "less than 20 days after the one before is flagged as too soon" in page
        chinese = boss.get(answer.location, headers=ZH).text
        assert "发电机 G7" in chinese and "上次巡检后 40 天到期" in chinese

    def test_a_weekly_calendar_and_hours(self, boss, db, site, set_, generator):
        answer = self.post(
            boss, site, asset_id=set_.id, template_id=generator.id, repeat="weekly",
            weekday="TH", start_local="2026-03-05T08:30", least="20", spacing_unit="hours",
            grace_hours="6",
        )  # fmt: skip
        assert answer.status_code == 302, answer.text
        made = db.scalar(select(InspectionSchedule).where(InspectionSchedule.asset_id == set_.id))
        assert (made.rrule, made.min_hours, made.grace_hours) == ("FREQ=WEEKLY;BYDAY=TH", 20, 6)
        page = boss.get(answer.location).text
        assert "Every Thursday at 08:30 (site time)." in page
        assert "less than 20 hours after the one before" in page

    def test_neither_calendar_nor_spacing_is_refused_and_the_form_kept(
        self, boss, site, set_, generator
    ):
        answer = self.post(boss, site, asset_id=set_.id, template_id=generator.id, least="3")
        assert answer.status_code == 422
        assert (
            'id="repeat-error"' in answer.text
            and 'name="least" type="number" value="3"' in answer.text
        )

    def test_an_assignee_of_another_site_is_refused(self, boss, make, org, site, set_, generator):
        elsewhere = make.user(org, Role.ENGINEER, [make.site(org)])
        answer = self.post(
            boss, site, asset_id=set_.id, template_id=generator.id, most="7",
            assignee_id=str(elsewhere.id),
        )  # fmt: skip
        assert answer.status_code == 422 and 'id="assignee_id-error"' in answer.text

    def test_change_then_pause_and_resume(self, boss, db, make, site, set_, generator):
        made = make.inspection_schedule(set_, generator, max_days=30)
        answer = boss.post_form(
            f"{ROOT}/schedules/{made.id}", {"most": "36", "spacing_unit": "hours", "active": "true"}
        )
        assert answer.status_code == 302, answer.text
        db.expire_all()
        assert (made.max_days, made.max_hours) == (None, 36)
        boss.post_form(f"{ROOT}/schedules/{made.id}/pause", {"paused": "true"})
        db.expire_all()
        assert made.paused is True and audited(db, "update", made)
        page = boss.get(f"{ROOT}/schedules?site_id={site.id}").text
        assert "Paused" in page and "Resume" in page
        boss.post_form(f"{ROOT}/schedules/{made.id}/pause", {"paused": "false"})
        db.expire_all()
        assert made.paused is False

    def test_a_supervisor_sees_only_their_sites(self, console_as, make, org, site):
        elsewhere = make.site(org, name="别处")
        sup = console_as(make.user(org, Role.SUPERVISOR, [site]))
        assert sup.get(f"{ROOT}/schedules?site_id={elsewhere.id}").status_code == 404
        assert "别处" not in sup.get(f"{ROOT}/schedules").text


def test_every_kind_and_level_has_its_words():
    from server.domain.inspection.definition import ITEM_TYPES, LEVELS

    assert set(names.ITEM_TYPE) == set(ITEM_TYPES) and set(names.LEVEL) == set(LEVELS)
    assert set(names.ASSET_KIND) == {k.value for k in AssetKind}
