"""The notification pages as a test client sees them: endpoints added, changed, deactivated,
their secrets shown once (when made or rotated) and never again, robot keys hidden, the
delivery log in site time with Redeliver; escalation policies made and changed through the
ladder editor (steps added and removed without a script), refusals beside their fields,
stale edits refused; admins only, and never another tenant's."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import (
    AuditEvent,
    EndpointKind,
    EscalationPolicy,
    NotificationAttempt,
    NotificationState,
    NotifyEndpoint,
)

ROBOT = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-ROBOT-KEY"


@pytest.fixture
def admin_user(make, org):
    return make.user(org, Role.ADMIN, name="管理员 Admin")


@pytest.fixture
def console(console_as, admin_user):
    """An admin of the tenant."""
    return console_as(admin_user)


@pytest.fixture
def alert(make, site):
    return make.alert(make.round(make.schedule(make.route([make.checkpoint(site)]))))


def once(page: str) -> str:
    return unescape(re.search(r'class="once" id="new-secret">([^<]+)<', page).group(1))


def endpoint_form(**change: str) -> dict[str, str]:
    form = {
        "name": "值班群 <b>",
        "kind": "wecom",
        "url": ROBOT,
        "site_id": "",
        "min_severity": "high",
        "language": "zh",
        "secret": "",
    }
    return form | change


def attempt(db, notification, delivered: bool, status: int | None, **kw) -> NotificationAttempt:
    row = NotificationAttempt(
        notification_id=notification.id,
        endpoint_id=notification.endpoint_id,
        delivered=delivered,
        status=status,
        latency_ms=kw.pop("latency_ms", 120),
        excerpt=kw.pop("excerpt", ""),
        **kw,
    )
    db.add(row)
    db.flush()
    return row


class TestEndpoints:
    def test_a_robot_is_added_and_listed_with_its_key_hidden(self, console, db, site):
        answer = console.post_form("/console/notify/endpoints", endpoint_form(site_id=str(site.id)))
        assert answer.status_code == 302 and "done=created" in answer.location
        endpoint = db.scalars(select(NotifyEndpoint)).one()
        assert endpoint.url == ROBOT and endpoint.kind is EndpointKind.WECOM
        assert endpoint.secrets == [] and endpoint.site_id == site.id
        page = console.get(answer.location).text
        assert "SECRET-ROBOT-KEY" not in page and "key=…" in page
        listed = console.get("/console/notify").text
        row = listed.split(f'id="endpoint-{endpoint.id}"')[1].split("</tr>")[0]
        assert "值班群 &lt;b&gt;" in row and "WeCom group robot" in row and "湖畔花园" in row
        assert "High" in row and "中文" in row and "✓ Active" in row and "None yet" in row
        assert "SECRET-ROBOT-KEY" not in listed

    def test_a_webhook_without_a_secret_gets_one_shown_once(self, console, db):
        form = endpoint_form(kind="webhook", url="https://example.com/hooks/vigil")
        answer = console.post_form("/console/notify/endpoints", form)
        assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
        assert "This secret will not be shown again." in answer.text
        secret = once(answer.text)
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{32}", secret)
        endpoint = db.scalars(select(NotifyEndpoint)).one()
        assert endpoint.secrets == [secret]
        assert secret not in console.get(f"/console/notify/endpoints/{endpoint.id}").text
        created = db.scalars(select(AuditEvent).where(AuditEvent.object_type == "notify_endpoint"))
        assert secret not in str([event.changes for event in created])

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"url": "ftp://example.com"}, "url"),
            ({"name": ""}, "name"),
            ({"kind": "pager"}, "kind"),
            ({"kind": "dingtalk", "secret": "x" * 201}, "secrets"),
        ],
    )
    def test_a_refused_endpoint_says_why_beside_the_field(self, console, db, change, field):
        answer = console.post_form("/console/notify/endpoints", endpoint_form(**change))
        assert answer.status_code == 422
        page = answer.text
        error = "secret-error" if field == "secrets" else f"{field}-error"
        assert 'id="form-problem"' in page and f'id="{error}"' in page
        assert '<details class="card add" open>' in page
        if field != "name":
            assert 'value="值班群 &lt;b&gt;"' in page
        assert "x" * 201 not in page
        assert db.scalars(select(NotifyEndpoint)).all() == []

    def test_a_change_is_saved_and_a_blank_address_keeps_the_old(self, console, make, org, db):
        endpoint = make.notify_endpoint(org, kind=EndpointKind.WECOM, url=ROBOT, secrets=[])
        page = console.get(f"/console/notify/endpoints/{endpoint.id}").text
        seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
        form = {"name": "夜班群", "url": "", "site_id": "", "min_severity": "critical"}
        answer = console.post_form(
            f"/console/notify/endpoints/{endpoint.id}/edit", form | {"language": "en", "seen": seen}
        )
        assert answer.status_code == 302 and "done=saved" in answer.location
        db.expire_all()
        saved = db.get(NotifyEndpoint, endpoint.id)
        assert saved.name == "夜班群" and saved.url == ROBOT and saved.language == "en"
        assert saved.min_severity.value == "critical"
        # The page opened before that save is now stale: its save is refused, not merged.
        stale = console.post_form(
            f"/console/notify/endpoints/{endpoint.id}/edit",
            form | {"name": "旧的", "language": "zh", "seen": seen},
        )
        assert stale.status_code == 409 and "Someone changed this" in stale.text
        assert 'value="旧的"' in stale.text
        db.expire_all()
        assert db.get(NotifyEndpoint, endpoint.id).name == "夜班群"

    def test_rotating_shows_the_new_secret_once_and_keeps_the_old_beside_it(
        self, console, make, org, db
    ):
        endpoint = make.notify_endpoint(org)
        old = endpoint.secrets[0]
        answer = console.post_form(f"/console/notify/endpoints/{endpoint.id}/rotate")
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
        secret = once(answer.text)
        assert secret != old and "New signing secret" in answer.text
        db.expire_all()
        assert db.get(NotifyEndpoint, endpoint.id).secrets == [old, secret]
        later = console.get(f"/console/notify/endpoints/{endpoint.id}").text
        assert secret not in later and old not in later and "2 in use (never shown)" in later

    def test_a_dingtalk_robot_is_rotated_to_the_secret_dingtalk_gave(self, console, make, org, db):
        robot = make.notify_endpoint(org, kind=EndpointKind.DINGTALK, secrets=[])
        refused = console.post_form(f"/console/notify/endpoints/{robot.id}/rotate", {"secret": ""})
        assert refused.status_code == 422 and 'id="secret-error"' in refused.text
        answer = console.post_form(
            f"/console/notify/endpoints/{robot.id}/rotate", {"secret": "SECabc123"}
        )
        assert answer.status_code == 200 and once(answer.text) == "SECabc123"
        db.expire_all()
        assert db.get(NotifyEndpoint, robot.id).secrets == ["SECabc123"]

    def test_deactivating_keeps_the_endpoint_listed_as_deactivated(self, console, make, org, db):
        endpoint = make.notify_endpoint(org, name="旧群")
        answer = console.post_form(f"/console/notify/endpoints/{endpoint.id}/deactivate")
        assert answer.status_code == 302 and "done=deactivated" in answer.location
        db.expire_all()
        assert not db.get(NotifyEndpoint, endpoint.id).active
        row = console.get("/console/notify").text.split(f'id="endpoint-{endpoint.id}"')[1]
        assert "✕ Deactivated" in row.split("</tr>")[0]


class TestDeliveryLog:
    def test_attempts_show_status_latency_answer_and_site_time(
        self, console, make, org, site, db, alert
    ):
        endpoint = make.notify_endpoint(org, site_id=site.id)
        dead = make.notification(alert, endpoint)
        at = datetime(2026, 12, 3, 18, 10, tzinfo=UTC)
        attempt(db, dead, False, 503, at=at, excerpt="<b>busy</b>", latency_ms=2400)
        page = console.get(f"/console/notify/endpoints/{endpoint.id}/deliveries").text
        assert "2026-12-04 02:10 +08:00" in page and "HTTP 503" in page
        assert "2400 ms" in page and "&lt;b&gt;busy&lt;/b&gt;" in page and "Given up" in page
        assert f"/console/notify/notifications/{dead.id}/redeliver" in page
        listed = console.get("/console/notify").text.split(f'id="endpoint-{endpoint.id}"')[1]
        assert "✕ Not delivered" in listed.split("</tr>")[0]

    def test_an_endpoint_of_every_site_shows_utc(self, console, make, org, db, alert):
        endpoint = make.notify_endpoint(org)
        sent = make.notification(alert, endpoint, state=NotificationState.PENDING)
        attempt(db, sent, True, 200, at=datetime(2026, 12, 3, 18, 10, tzinfo=UTC))
        page = console.get(f"/console/notify/endpoints/{endpoint.id}/deliveries").text
        assert "2026-12-03 18:10 +00:00" in page and "✓ Delivered" in page
        # Still queued: it will be sent anyway, so it is not offered again.
        assert "/redeliver" not in page

    def test_redeliver_puts_a_dead_notification_back_to_pending(
        self, console, make, org, db, alert
    ):
        endpoint = make.notify_endpoint(org)
        dead = make.notification(alert, endpoint)
        attempt(db, dead, False, 500)
        answer = console.post_form(f"/console/notify/notifications/{dead.id}/redeliver")
        assert answer.status_code == 302 and "done=redelivered" in answer.location
        db.expire_all()
        assert dead.state is NotificationState.PENDING
        page = console.get(answer.location).text
        assert "Queued to be sent again" in page and "Waiting to be sent" in page
        again = console.post_form(f"/console/notify/notifications/{dead.id}/redeliver")
        assert again.status_code == 409 and 'id="form-problem"' in again.text


def ladder_form(**change: str | list[str]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "name": "夜间升级",
        "site_id": "",
        "min_severity": "medium",
        "step": ["1", "2"],
        "s1-after_min": "0",
        "s1-roles": ["supervisor"],
        "s2-after_min": "30",
        "s2-roles": ["admin"],
        "s2-repeat": "2",
        "rectify-critical": "48",
    }
    return form | change


class TestPolicies:
    def test_a_policy_with_two_steps_is_made_and_listed(self, console, make, org, db, admin_user):
        hook = make.notify_endpoint(org)
        form = ladder_form(
            **{"s2-user_ids": [str(admin_user.id)], "s2-endpoint_ids": [str(hook.id)]}
        )
        answer = console.post_form("/console/notify/policies/new", form)
        assert answer.status_code == 302 and "done=policy_created" in answer.location
        policy = db.scalars(select(EscalationPolicy)).one()
        assert policy.steps == [
            {
                "after_min": 0,
                "roles": ["supervisor"],
                "user_ids": [],
                "endpoint_ids": [],
                "repeat": 0,
            },
            {
                "after_min": 30,
                "roles": ["admin"],
                "user_ids": [admin_user.id],
                "endpoint_ids": [hook.id],
                "repeat": 2,
            },
        ]
        assert policy.rectify_hours == {"critical": 48} and policy.site_id is None
        row = console.get("/console/notify").text.split(f'id="policy-{policy.id}"')[1]
        row = row.split("</tr>")[0]
        assert "夜间升级" in row and "All sites" in row and "at once: Supervisor" in row
        assert "after 30 minutes: Admin, 1 person, 1 endpoint; then 2 more times" in row

    def test_add_and_remove_change_the_rows_and_save_nothing(self, console, db):
        added = console.post_form("/console/notify/policies/new", ladder_form(add="1"))
        assert added.status_code == 200 and 'name="s3-after_min"' in added.text
        assert 'id="s3-after_min"' in added.text and "autofocus" in added.text
        assert 'value="30"' in added.text and "A step was added" in added.text
        removed = console.post_form("/console/notify/policies/new", ladder_form(remove="1"))
        assert 'name="s1-after_min"' not in removed.text and 'value="30"' in removed.text
        assert db.scalars(select(EscalationPolicy)).all() == []

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            ({"s2-roles": []}, 's2-error"'),  # a step telling nobody: its row says so
            ({"s1-repeat": "3"}, 's1-error"'),  # a repeat needs a wait
            ({"s2-after_min": "99999"}, 's2-error"'),
            ({"name": ""}, 'name-error"'),
            ({"rectify-low": "0"}, 'rectify_hours-error"'),
            ({"step": []}, 'steps-error"'),
        ],
    )
    def test_a_refused_policy_says_why_beside_the_field(self, console, db, change, error):
        answer = console.post_form("/console/notify/policies/new", ladder_form(**change))
        assert answer.status_code == 422, answer.text[:500]
        assert 'id="form-problem"' in answer.text and f'id="{error}' in answer.text
        if "name" not in change:
            assert 'value="夜间升级"' in answer.text
        assert db.scalars(select(EscalationPolicy)).all() == []

    def test_a_change_is_saved_and_a_stale_one_refused(self, console, make, org, site, db):
        policy = make.escalation_policy(org, site_id=site.id)
        page = console.get(f"/console/notify/policies/{policy.id}").text
        version = re.search(r'name="version" value="([^"]*)"', page).group(1)
        assert 'placeholder="240"' in page and "10 days" in page
        form = ladder_form(version=version, site_id=str(site.id))
        answer = console.post_form(f"/console/notify/policies/{policy.id}", form)
        assert answer.status_code == 302 and "done=saved" in answer.location
        db.expire_all()
        saved = db.get(EscalationPolicy, policy.id)
        assert saved.name == "夜间升级" and [s["after_min"] for s in saved.steps] == [0, 30]
        stale = console.post_form(
            f"/console/notify/policies/{policy.id}", form | {"name": "别人的"}
        )
        assert stale.status_code == 409 and "Someone changed this policy" in stale.text
        assert 'value="别人的"' in stale.text

    def test_deactivating_a_policy(self, console, make, org, db):
        policy = make.escalation_policy(org)
        answer = console.post_form(f"/console/notify/policies/{policy.id}/deactivate")
        assert answer.status_code == 302 and "done=deactivated" in answer.location
        db.expire_all()
        assert not db.get(EscalationPolicy, policy.id).active
        assert "✕ Deactivated" in console.get(answer.location).text


def test_a_supervisor_gets_403_and_is_not_shown_the_section(console_as, make, org, site):
    supervisor = console_as(make.user(org, Role.SUPERVISOR, [site]))
    endpoint, policy = make.notify_endpoint(org), make.escalation_policy(org)
    assert supervisor.get("/console/notify").status_code == 403
    assert supervisor.get(f"/console/notify/endpoints/{endpoint.id}").status_code == 403
    assert supervisor.get(f"/console/notify/policies/{policy.id}").status_code == 403
    form = endpoint_form()
    assert supervisor.post_form("/console/notify/endpoints", form).status_code == 403
    assert "/console/notify" not in supervisor.get("/console/setup").text
    assert "/console/notify" not in supervisor.get("/console/people").text


def test_another_tenants_ids_are_not_found(console_as, world):
    admin = console_as(world.actors["other_admin"])
    place = world.places["A1"]
    endpoint = f"/console/notify/endpoints/{place.notify_endpoint.id}"
    for path in (endpoint, f"{endpoint}/deliveries"):
        assert admin.get(path).status_code == 404
    for action in ("/rotate", "/deactivate"):
        assert admin.post_form(f"{endpoint}{action}").status_code == 404
    edit = {"name": "x", "url": "", "site_id": "", "min_severity": "low", "language": "zh"}
    assert admin.post_form(f"{endpoint}/edit", edit).status_code == 404
    notification = f"/console/notify/notifications/{place.notification.id}/redeliver"
    assert admin.post_form(notification).status_code == 404
    policy = f"/console/notify/policies/{place.escalation_policy.id}"
    assert admin.get(policy).status_code == 404
    assert admin.post_form(policy, ladder_form()).status_code == 404
    assert admin.post_form(f"{policy}/deactivate").status_code == 404
    # Their site is not one to choose: a create naming it is refused beside the field.
    form = endpoint_form(site_id=str(place.site.id))
    refused = admin.post_form("/console/notify/endpoints", form)
    assert refused.status_code == 422 and 'id="site_id-error"' in refused.text
    listed = admin.get("/console/notify").text
    assert place.notify_endpoint.name not in listed
    assert place.escalation_policy.name not in listed
