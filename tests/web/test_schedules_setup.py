"""The schedule pages as a test client sees them: the list in words, the builder writing the
rule the domain stores, the preview naming clock changes in words, refusals kept in the page,
pause, resume, end, and every change in the audit trail."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.clock import set_clock
from server.domain.models import AuditEvent, Schedule
from server.domain.patrol import rounds_ahead

NEW_YORK = "America/New_York"


@pytest.fixture
def site(make, org):
    return make.site(org, name="纽约 <b>大厦</b>", timezone=NEW_YORK)


@pytest.fixture
def route(make, site):
    return make.route([make.checkpoint(site)], name="夜巡 <i>Night</i>")


@pytest.fixture
def boss(console_as, make, org, site):
    """A supervisor of the New York site, on 1 March 2027 (two weeks before summer time)."""
    set_clock(lambda: datetime(2027, 3, 1, 12, tzinfo=UTC))
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def night(site, route, **more):
    """The builder's form for a night patrol at 22:00, 00:00, 02:00 and 04:00."""
    return {
        "site_id": str(site.id),
        "name": "夜间巡逻 <script>",
        "route_id": str(route.id),
        "shape": "daily",
        "hours": ["22", "0", "2", "4"],
        "minute": "0",
        "starts": "2027-03-01",
        "gap_policy": "shift",
        "window_min": "45",
        "early_min": "5",
        "late_min": "10",
        "grace_min": "20",
    } | more


def text(page: str) -> str:
    """The page's words, tags removed, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def version(page: str) -> str:  # of the schedule the edit form was filled from
    return re.search(r'name="version" value="([^"]*)"', page).group(1)


def audited(db, schedule_id: int) -> list[AuditEvent]:
    found = select(AuditEvent).where(
        AuditEvent.object_type == "schedule", AuditEvent.object_id == schedule_id
    )
    return list(db.scalars(found.order_by(AuditEvent.id)))


class TestList:
    def test_the_sites_schedules_in_words_with_state_and_next_round(self, boss, make, route, org):
        guard = make.user(org, Role.GUARD, [], name="王伟 <u>Wang</u>")
        make.schedule(
            route,
            name="夜巡 <b>A</b>",
            rrule="FREQ=DAILY;BYHOUR=0,2,4,22;BYMINUTE=0",
            start_local="2027-01-01T22:00",
            assignee_id=guard.id,
        )
        make.schedule(route, name="Paused one", paused=True)
        page = boss.get(f"/console/schedules?site_id={route.site_id}").text
        words = text(page)
        assert "夜巡 &lt;b&gt;A&lt;/b&gt;" in page and "<b>A</b>" not in page
        assert "纽约 &lt;b&gt;大厦&lt;/b&gt;" in page and "夜巡 &lt;i&gt;Night&lt;/i&gt;" in page
        assert "王伟 &lt;u&gt;Wang&lt;/u&gt;" in page
        assert "Every day at 22:00, 00:00, 02:00, and 04:00" in words
        assert "2027-03-01 22:00 -05:00" in words  # the next round, in the site's time
        assert "‖ Paused" in words and "● Active" in words

    def test_another_sites_schedules_are_not_listed(self, boss, make, org, route):
        elsewhere = make.site(org, name="Elsewhere")
        make.schedule(make.route([make.checkpoint(elsewhere)]), name="Not mine")
        assert "Not mine" not in boss.get("/console/schedules").text
        assert boss.get(f"/console/schedules?site_id={elsewhere.id}").status_code == 404

    def test_a_site_without_routes_says_to_add_one(self, boss, site):
        words = text(boss.get(f"/console/schedules?site_id={site.id}").text)
        assert "This site has no route yet" in words and "Add a route" in words

    def test_chinese_pages_say_the_rule_in_chinese(self, boss, make, route):
        make.schedule(
            route, rrule="FREQ=DAILY;BYHOUR=8,20;BYMINUTE=0", start_local="2027-01-01T08:00"
        )
        boss.set_cookie("vigil_lang", "zh", path="/")
        words = text(boss.get(f"/console/schedules?site_id={route.site_id}").text)
        assert "每天 08:00和20:00" in words and "排班计划" in words


class TestCreate:
    def test_the_builder_writes_the_rule_the_domain_stores_and_audits(self, boss, db, site, route):
        answer = boss.post_form("/console/schedules", night(site, route))
        assert answer.status_code == 302
        schedule = db.scalar(select(Schedule).where(Schedule.route_id == route.id))
        assert answer.location == f"/console/schedules/{schedule.id}?done=created"
        assert (schedule.rrule, schedule.start_local) == (
            "FREQ=DAILY;BYHOUR=22,0,2,4;BYMINUTE=0",
            "2027-03-01T22:00",
        )
        assert (schedule.window_min, schedule.early_min, schedule.late_min) == (45, 5, 10)
        assert schedule.grace_min == 20 and schedule.name == "夜间巡逻 <script>"
        assert [a.action for a in audited(db, schedule.id)] == ["create"]
        shown = boss.get(answer.location).text
        assert "Schedule saved" in shown and "夜间巡逻 &lt;script&gt;" in shown

    def test_every_n_hours_between_two_times_becomes_the_hours_across_midnight(
        self, boss, db, site, route
    ):
        form = night(site, route, shape="every", every="3", from_time="21:30", to_time="05:00")
        assert boss.post_form("/console/schedules", form).status_code == 302
        schedule = db.scalar(select(Schedule).where(Schedule.route_id == route.id))
        assert schedule.rrule == "FREQ=DAILY;BYHOUR=21,0,3;BYMINUTE=30"
        assert schedule.start_local == "2027-03-01T21:30"

    def test_weekdays_with_a_last_day(self, boss, db, site, route):
        form = night(site, route, shape="weekdays", hours=["9"], until="2027-06-30")
        assert boss.post_form("/console/schedules", form).status_code == 302
        schedule = db.scalar(select(Schedule).where(Schedule.route_id == route.id))
        assert (
            schedule.rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0;UNTIL=20270630"
        )

    def test_an_experts_raw_rule_wins_over_the_pattern(self, boss, db, site, route):
        form = night(site, route, rrule="FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=7", start_time="07:00")
        assert boss.post_form("/console/schedules", form).status_code == 302
        schedule = db.scalar(select(Schedule).where(Schedule.route_id == route.id))
        assert (schedule.rrule, schedule.start_local) == (
            "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=7",
            "2027-03-01T07:00",
        )

    def test_empty_grace_takes_the_sites_default(self, boss, db, site, route):
        site.default_grace_min = 25
        db.flush()
        assert (
            boss.post_form("/console/schedules", night(site, route, grace_min="")).status_code
            == 302
        )
        assert db.scalar(select(Schedule.grace_min).where(Schedule.route_id == route.id)) == 25

    def test_a_rule_the_domain_refuses_comes_back_with_what_was_typed(self, boss, db, site, route):
        form = night(site, route, rrule="FREQ=MINUTELY", window_min="30")
        answer = boss.post_form("/console/schedules", form)
        assert answer.status_code == 422
        assert "FREQ=HOURLY or coarser" in answer.text  # beside the raw rule
        assert 'value="FREQ=MINUTELY"' in answer.text and 'value="30"' in answer.text
        assert 'value="夜间巡逻 &lt;script&gt;"' in answer.text
        assert db.scalar(select(Schedule).where(Schedule.route_id == route.id)) is None

    def test_the_builders_and_the_schemas_problems_are_said_together(self, boss, site, route):
        form = night(site, route, hours=[], window_min="0", name="")
        answer = boss.post_form("/console/schedules", form)
        assert answer.status_code == 422
        words = text(answer.text)
        assert "Fields to correct: Hours, Name, Window (minutes)" in words
        assert "Tick at least one hour." in words
        assert 'name="hours" value="22" checked' not in answer.text  # the boxes as they were

    def test_an_assignee_not_on_the_site_is_refused_beside_the_field(
        self, boss, make, org, site, route
    ):
        stranger = make.user(org, Role.GUARD, [make.site(org)])
        answer = boss.post_form("/console/schedules", night(site, route, assignee_id=stranger.id))
        assert answer.status_code == 422
        assert 'id="assignee_id-error">an active user of this site' in answer.text

    def test_the_preview_button_shows_the_preview_and_saves_nothing(self, boss, db, site, route):
        answer = boss.post_form("/console/schedules", night(site, route, do="preview"))
        assert answer.status_code == 200 and "<html" in answer.text
        assert "02:00 does not exist on March 14, 2027" in text(answer.text)
        assert db.scalar(select(Schedule).where(Schedule.route_id == route.id)) is None


class TestPreview:
    def part(self, boss, site, route, **more):
        return boss.post_form(
            "/console/schedules/preview", night(site, route, **more), headers={"HX-Request": "true"}
        )

    def test_the_next_rounds_in_site_time_and_the_clock_change_in_words(self, boss, site, route):
        answer = self.part(boss, site, route)
        assert answer.status_code == 200 and "<html" not in answer.text
        words = text(answer.text)
        assert "Every day at 22:00, 00:00, 02:00, and 04:00" in words
        assert words.count("UTC-05:00") >= 10  # the next ten rounds, winter time
        assert (
            "On March 14, 2027 at 02:00 the clocks in America/New_York go forward to 03:00 "
            "(UTC-05:00 to UTC-04:00)." in words
        )
        # Beyond the ten listed: the rounds around the change, as the domain placed them.
        assert (
            "02:00 does not exist on March 14, 2027 in America/New_York (the clocks go forward): "
            "the round is at 03:00 UTC-04:00." in words
        )

    def test_skipping_says_so_and_lists_no_moved_round(self, boss, site, route):
        words = text(self.part(boss, site, route, gap_policy="skip").text)
        assert "This schedule skips rounds planned in the hour that does not exist." in words
        assert "does not exist on" not in words and "Sun 2027-03-14 03:00" not in words

    def test_the_repeated_hour_in_autumn_is_explained(self, console_as, make, org, site, route):
        set_clock(lambda: datetime(2027, 11, 5, 12, tzinfo=UTC))
        admin = console_as(make.user(org, Role.ADMIN))
        words = text(self.part(admin, site, route, hours=["1"], minute="30").text)
        assert (
            "01:30 comes twice on November 7, 2027 in America/New_York (the clocks go back): "
            "the round is at the first one, 01:30 UTC-04:00." in words
        )

    def test_a_zone_without_summer_time_says_so(self, console_as, boss, make, org):
        shanghai = make.site(org, name="上海")
        admin = console_as(make.user(org, Role.ADMIN))
        form = night(shanghai, make.route([make.checkpoint(shanghai)]))
        answer = admin.post_form("/console/schedules/preview", form)
        words = text(answer.text)
        assert "Asia/Shanghai does not change its clocks in the coming year." in words
        assert "UTC+08:00" in words
        # A supervisor of another site previews nothing there.
        assert boss.post_form("/console/schedules/preview", form).status_code == 404

    def test_in_chinese(self, boss, site, route):
        boss.set_cookie("vigil_lang", "zh", path="/")
        words = text(self.part(boss, site, route).text)
        assert "每天 22:00、00:00、02:00和04:00" in words
        assert "2027年3月14日 America/New_York 没有 02:00 这一时刻（时钟拨快）" in words

    def test_a_rule_that_cannot_be_previewed_says_why_in_the_part(self, boss, site, route):
        answer = self.part(boss, site, route, starts="2027-03-01", until="2027-02-01")
        assert answer.status_code == 200  # htmx swaps it in
        words = text(answer.text)
        assert "This rule cannot be previewed" in words
        assert "The last day comes before the first." in words

    def test_a_rule_that_ends_says_its_last_round(self, boss, site, route):
        words = text(self.part(boss, site, route, hours=["22"], until="2027-03-03").text)
        assert "The rule ends: its last round is at 2027-03-03 22:00 -05:00." in words


class TestEdit:
    @pytest.fixture
    def schedule(self, make, route):
        return make.schedule(
            route,
            name="夜巡",
            rrule="FREQ=DAILY;BYHOUR=0,2,4,22;BYMINUTE=0",
            start_local="2027-01-01T22:00",
            exdates=["2027-03-20"],
        )

    def test_a_stored_pattern_is_shown_in_the_builder(self, boss, schedule):
        page = boss.get(f"/console/schedules/{schedule.id}").text
        for hour in (22, 0, 2, 4):
            assert f'name="hours" value="{hour}" checked' in page
        assert 'name="starts" type="date" value="2027-01-01"' in page
        assert '<details class="expert">' in page  # closed: no raw rule
        assert 'name="exdates" value="2027-03-20"' in page

    def test_a_rule_no_pattern_writes_is_shown_raw(self, boss, make, route):
        raw = make.schedule(route, rrule="FREQ=DAILY;INTERVAL=2", start_local="2027-01-01T06:15")
        page = boss.get(f"/console/schedules/{raw.id}").text
        assert '<details class="expert" open>' in page
        assert 'value="FREQ=DAILY;INTERVAL=2"' in page and 'value="06:15"' in page
        assert "Custom rule: FREQ=DAILY;INTERVAL=2 from 2027-01-01T06:15" in text(page)

    def test_saving_unchanged_keeps_the_rule_as_stored(self, boss, db, schedule, site, route):
        form = night(site, route, starts="2027-01-01", name="夜巡 改")
        assert boss.post_form(f"/console/schedules/{schedule.id}", form).status_code == 302
        db.refresh(schedule)
        assert schedule.rrule == "FREQ=DAILY;BYHOUR=0,2,4,22;BYMINUTE=0"  # not rewritten
        assert schedule.name == "夜巡 改" and schedule.window_min == 45
        changed = audited(db, schedule.id)[-1]
        assert changed.action == "update" and "rrule" not in changed.changes

    def test_an_edit_changes_the_rule_and_is_audited(self, boss, db, schedule, site, route):
        form = night(site, route, starts="2027-01-01", hours=["23", "3"], minute="30")
        answer = boss.post_form(f"/console/schedules/{schedule.id}", form)
        assert answer.location == f"/console/schedules/{schedule.id}?done=saved"
        db.refresh(schedule)
        assert schedule.rrule == "FREQ=DAILY;BYHOUR=23,3;BYMINUTE=30"
        assert schedule.start_local == "2027-01-01T23:30"
        assert audited(db, schedule.id)[-1].changes["rrule"][1] == schedule.rrule

    def test_a_refused_edit_keeps_what_was_typed(self, boss, db, schedule, site, route):
        form = night(site, route, window_min="5000", name="新名字")
        answer = boss.post_form(f"/console/schedules/{schedule.id}", form)
        assert answer.status_code == 422
        assert 'value="5000"' in answer.text and 'value="新名字"' in answer.text
        db.refresh(schedule)
        assert schedule.name == "夜巡"

    def test_a_save_with_the_version_opened_is_saved(self, boss, db, schedule, site, route):
        path = f"/console/schedules/{schedule.id}"
        seen = version(boss.get(path).text)
        answer = boss.post_form(path, night(site, route, starts="2027-01-01", version=seen))
        assert answer.status_code == 302 and answer.location == f"{path}?done=saved"
        db.refresh(schedule)
        assert schedule.name == "夜间巡逻 <script>" and schedule.window_min == 45
        assert version(boss.get(path).text) != seen  # the page now carries the new version

    def test_two_people_editing_at_once_do_not_overwrite_each_other(
        self, boss, console_as, make, org, db, schedule, site, route
    ):
        path = f"/console/schedules/{schedule.id}"
        mine = version(boss.get(path).text)
        colleague = console_as(make.user(org, Role.ADMIN))
        theirs = night(site, route, starts="2027-01-01", name="Theirs", window_min="30")
        theirs["version"] = version(colleague.get(path).text)
        assert colleague.post_form(path, theirs).status_code == 302
        before = len(audited(db, schedule.id))
        typed = night(site, route, starts="2027-01-01", name="Mine", window_min="77", hours=["5"])
        answer = boss.post_form(path, typed | {"version": mine})
        assert answer.status_code == 409
        assert "Someone changed this schedule after you opened it" in text(answer.text)
        assert 'value="Mine"' in answer.text and 'value="77"' in answer.text  # as typed
        assert 'value="5" checked' in answer.text and 'value="22" checked' not in answer.text
        assert version(answer.text) == mine  # saving again is refused again: open it anew
        db.refresh(schedule)
        assert (schedule.name, schedule.window_min) == ("Theirs", 30)
        assert len(audited(db, schedule.id)) == before
        boss.set_cookie("vigil_lang", "zh", path="/")
        assert "在您打开此排班计划之后" in boss.post_form(path, typed | {"version": mine}).text

    def test_a_pause_or_the_worker_keep_the_form_current(self, boss, db, schedule, site, route):
        path = f"/console/schedules/{schedule.id}"
        seen = version(boss.get(path).text)
        stamp, later = schedule.updated_at, datetime(2027, 3, 1, 12, 10, tzinfo=UTC)
        set_clock(lambda: later)
        rounds_ahead.materialise(db, later)  # the worker, which moves updated_at
        db.flush()
        assert schedule.updated_at != stamp and schedule.materialised_until is not None
        assert boss.post_form(f"{path}/pause").location == f"{path}?done=paused"  # no version
        answer = boss.post_form(path, night(site, route, starts="2027-01-01", version=seen))
        assert answer.location == f"{path}?done=saved"
        db.refresh(schedule)
        assert schedule.paused and schedule.window_min == 45  # the pause and the edit both stay

    def test_pause_resume_end_and_start_again_each_leave_an_audit_row(self, boss, db, schedule):
        path = f"/console/schedules/{schedule.id}"
        for action, paused, active in (
            ("pause", True, True),
            ("resume", False, True),
            ("end", False, False),
            ("restore", False, True),
        ):
            answer = boss.post_form(f"{path}/{action}")
            assert answer.status_code == 302, action
            db.refresh(schedule)
            assert (schedule.paused, schedule.active) == (paused, active), action
        rows = audited(db, schedule.id)
        assert [list(r.changes) for r in rows] == [["paused"], ["paused"], ["active"], ["active"]]

    def test_the_page_offers_only_what_the_state_allows(self, boss, db, schedule):
        path = f"/console/schedules/{schedule.id}"
        assert "Pause" in text(boss.get(path).text) and "Resume" not in text(boss.get(path).text)
        boss.post_form(f"{path}/pause")
        words = text(boss.get(f"{path}?done=paused").text)
        assert "Paused: no rounds are made until it is resumed." in words
        assert "‖ Paused" in words and ">Pause<" not in boss.get(path).text
        boss.post_form(f"{path}/end")
        words = text(boss.get(path).text)
        assert "■ Ended" in words and "Start again" in words and "End this schedule" not in words

    def test_a_refused_pause_is_said_in_the_page(self, boss, db, make, route):
        broken = make.schedule(route, rrule="FREQ=SECONDLY")  # stored before rules were checked
        answer = boss.post_form(f"/console/schedules/{broken.id}/pause")
        assert answer.status_code == 422
        words = text(answer.text)
        assert "rrule frequency must be HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY" in words
        assert "This rule cannot be previewed" in words
        db.refresh(broken)
        assert not broken.paused
        assert boss.get(f"/console/schedules?site_id={route.site_id}").status_code == 200

    def test_a_guard_and_another_tenant_cannot(self, console_as, make, org, schedule):
        guard = console_as(make.user(org, Role.GUARD, []))
        assert guard.post_form(f"/console/schedules/{schedule.id}/pause").status_code == 403
        other = console_as(make.user(make.org(), Role.ADMIN))
        assert other.get(f"/console/schedules/{schedule.id}").status_code == 404
        assert other.post_form(f"/console/schedules/{schedule.id}/end").status_code == 404
