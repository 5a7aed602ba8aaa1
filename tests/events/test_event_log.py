"""The scan log: filters, newest first, cursor pages that neither repeat nor skip, and scope."""

import base64
from datetime import timedelta

import pytest

from server.domain.actor import Role
from server.domain.models import Organization
from tests.events.conftest import T0, newest_first

PATH = "/api/v1/events"


def listed(client, headers, **query):
    response = client.get(PATH, query_string=query, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def ids(client, headers, **query):
    return [e["id"] for e in listed(client, headers, **query)["items"]]


def walk(client, headers, between=lambda: None, **query):
    """Every page from the top, calling between() after each; the ids in order, and the pages."""
    seen, pages, cursor = [], 0, None
    while True:
        page = listed(client, headers, **query, **({"cursor": cursor} if cursor else {}))
        seen += [e["id"] for e in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, pages
        between()


class TestFilters:
    def test_unfiltered_the_admin_sees_the_whole_tenant_newest_first_by_corrected_time(
        self, client, admin, log
    ):
        # The late-synced event has the highest id but the oldest time: it comes last.
        assert ids(client, admin) == newest_first(log.events)
        assert ids(client, admin)[-1] == log.events[-1].id

    @pytest.mark.parametrize(
        "query,wanted",
        [
            (lambda log: {"site_id": log.tower.id}, lambda log: {"site_id": log.tower.id}),
            (lambda log: {"device_id": log.roamer.id}, lambda log: {"device_id": log.roamer.id}),
            (lambda log: {"user_id": log.guard.id}, lambda log: {"user_id": log.guard.id}),
            (
                lambda log: {"checkpoint_id": log.east_gate.id},
                lambda log: {"checkpoint_id": log.east_gate.id},
            ),
            (lambda log: {"type": "incident"}, lambda log: {"type": "incident"}),
            (
                lambda log: {"device_id": log.handheld.id, "user_id": log.guard.id},
                lambda log: {"device_id": log.handheld.id},
            ),
        ],
        ids=["site", "handheld", "guard", "checkpoint", "type", "handheld-and-guard"],
    )
    def test_each_filter_narrows_to_the_events_it_names(self, client, admin, log, query, wanted):
        expected = log.by(**wanted(log))
        assert expected and len(expected) < len(log.events)
        assert ids(client, admin, **query(log)) == expected

    def test_flags_match_events_carrying_any_of_them(self, client, admin, log):
        found = ids(client, admin, flags=["manual_entry", "other_site"])
        assert found == newest_first([log.events[1], log.events[2], log.events[4]])

    def test_a_flag_matches_itself_not_a_longer_flag_that_contains_it(self, client, admin, log):
        # "other_site" is a part of "user_other_site"; the event with the longer is not found.
        assert ids(client, admin, flags="other_site") == [log.events[2].id]
        assert ids(client, admin, flags="user_other_site") == [log.events[3].id]

    def test_since_is_inclusive_and_until_exclusive_on_the_corrected_time(self, client, admin, log):
        window = {
            "since": (T0 + timedelta(minutes=2)).isoformat(),
            "until": (T0 + timedelta(minutes=5)).isoformat(),
        }
        assert ids(client, admin, **window) == newest_first(log.events[1:4])

    @pytest.mark.parametrize(
        "query",
        [
            {"flags": "not_a_flag"},
            {"type": "selfie"},
            {"site_id": "0"},
            {"since": "2026-11-20T22:00:00"},  # no offset
            {"limit": "0"},
            {"limit": "201"},
            {"sit_id": "1"},
        ],
        ids=["flag", "type", "site", "naive-time", "limit-0", "limit-201", "unknown-param"],
    )
    def test_malformed_filters_are_refused(self, client, admin, log, query):
        response = client.get(PATH, query_string=query, headers=admin)
        assert response.status_code == 422, response.json


class TestEvent:
    def test_an_event_shows_its_times_place_handheld_guard_flags_and_data(self, client, admin, log):
        event = log.events[2]
        (shown,) = listed(client, admin, type="incident")["items"]
        assert shown == {
            "id": event.id,
            "uuid": event.uuid,
            "type": "incident",
            "device_time": event.device_time.isoformat(),
            "corrected_time": event.corrected_time.isoformat(),
            "time_source": "wall_clock",
            "received_at": event.received_at.isoformat(),
            "site_id": log.tower.id,
            "checkpoint_id": log.east_gate.id,
            "qr_tag_id": None,
            "device_id": log.roamer.id,
            "device_name": "巡更机 2",
            "user_id": log.other_guard.id,
            "user_name": "李娜",
            "flags": ["other_site"],
            "data": {"category": "fire", "severity": "high", "text": "烟味 smoke"},
        }


class TestPages:
    def test_pages_hold_limit_events_and_the_last_has_no_cursor(self, client, admin, log):
        first = listed(client, admin, limit=3)
        assert len(first["items"]) == 3 and first["next_cursor"]
        seen, pages = walk(client, admin, limit=3)
        assert seen == newest_first(log.events) and pages == 3
        # Exactly a page's worth left: the page that holds them says there is no more.
        assert listed(client, admin, limit=len(log.events))["next_cursor"] is None

    def test_paging_neither_repeats_nor_skips_while_new_events_arrive(
        self, client, make, admin, org, site
    ):
        handheld = make.device(org, [site])
        # Ties on the corrected time straddle page boundaries: the id settles them.
        times = [T0 + timedelta(seconds=n // 3) for n in range(20)]
        stored = [make.event(handheld, site, "scan", at=t) for t in times]
        expected = newest_first(stored)
        arriving = iter(range(1, 100))

        def meanwhile():
            # A new event at the top, and one synced late that happened before them all.
            n = next(arriving)
            make.event(handheld, site, "scan", at=T0 + timedelta(hours=1, seconds=n))
            late = make.event(handheld, site, "scan", at=T0 - timedelta(hours=1, seconds=n))
            late_ones.append(late.id)

        late_ones: list[int] = []
        seen, pages = walk(client, admin, between=meanwhile, limit=4)
        assert pages > 5
        assert len(seen) == len(set(seen)), "an event was shown twice"
        # Every event there at the start, in order; then each late one, older than them all.
        # The new ones at the top are behind the reader: they wait for the next walk.
        assert seen == expected + late_ones

    @pytest.mark.parametrize(
        "cursor",
        [
            "garbage!",
            "",
            "游标",
            base64.urlsafe_b64encode(b"1.2.3").decode(),
            base64.urlsafe_b64encode(b"999999999999999999.1").decode(),  # past year 9999
            base64.urlsafe_b64encode(b"12.9999999999999999999").decode(),
            "A" * 101,
        ],
        ids=["symbols", "empty", "chinese", "three-parts", "overflow", "huge-id", "long"],
    )
    def test_a_cursor_this_list_did_not_give_is_refused(self, client, admin, log, cursor):
        response = client.get(PATH, query_string={"cursor": cursor}, headers=admin)
        assert response.status_code == 422, response.json
        assert "cursor" in response.json["errors"]["query"]

    def test_a_cursor_is_a_place_in_time_whatever_the_filter_it_came_with(self, client, admin, log):
        cursor = listed(client, admin, limit=3)["next_cursor"]
        shown = newest_first(log.events)[:3]
        later = ids(client, admin, cursor=cursor, device_id=log.roamer.id)
        assert later == [i for i in log.by(device_id=log.roamer.id) if i not in shown]
        assert later and len(later) < len(log.by(device_id=log.roamer.id))


class TestScope:
    def test_a_supervisor_sees_only_the_events_of_their_sites(self, client, supervisor, log):
        assert ids(client, supervisor) == log.by(site_id=log.lakeside.id)
        assert ids(client, supervisor, site_id=log.tower.id) == []
        assert ids(client, supervisor, device_id=log.roamer.id) == log.by(
            device_id=log.roamer.id, site_id=log.lakeside.id
        )

    def test_events_placed_at_no_site_are_for_admins_only(self, client, admin, both_sites, log):
        siteless = log.events[5].id
        assert siteless in ids(client, admin)
        assert siteless not in ids(client, both_sites)
        assert len(ids(client, both_sites)) == len(log.events) - 1

    def test_another_tenants_events_never_show(self, client, make, admin, log):
        assert log.foreign.id not in ids(client, admin)
        assert ids(client, admin, device_id=log.foreign.device_id) == []
        assert ids(client, admin, site_id=log.foreign.site_id) == []
        other_org = make.session.get(Organization, log.foreign.org_id)
        other_admin = make.auth(make.user(other_org, Role.ADMIN))
        assert ids(client, other_admin) == [log.foreign.id]

    @pytest.mark.parametrize("role", [Role.GUARD, Role.ENGINEER])
    @pytest.mark.parametrize("path", [PATH, f"{PATH}.csv"])
    def test_guards_and_engineers_may_not_read_it(self, client, make, org, site, log, role, path):
        headers = make.auth(make.user(org, role, [site]))
        assert client.get(path, headers=headers).status_code == 403
