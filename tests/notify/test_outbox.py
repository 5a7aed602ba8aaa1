"""Planning: alert changes that matter become one outbox row per endpoint that wants them."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.domain import audit
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.alerts import lifecycle
from server.domain.alerts.kinds import AlertKey, AlertKind
from server.domain.errors import Forbidden, Invalid
from server.domain.models import (
    AlertEntry,
    AlertSeverity,
    AuditEvent,
    EndpointKind,
    NotificationState,
)
from server.domain.notify import endpoints, outbox
from tests.notify.outbox import as_evaluator, endpoint, found, new_secret, notifications

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
URL = "http://127.0.0.1:9/hook"


@pytest.fixture
def estate(db, make):
    """A tenant with two sites, and another tenant."""
    org = make.org()
    return org, make.site(org), make.site(org), make.site(make.org())


class TestPlanning:
    def test_a_raised_alert_reaches_each_endpoint_that_wants_it_once(self, db, estate):
        org, here, there, elsewhere = estate
        everywhere = endpoint(db, org, URL)
        this_site = endpoint(db, org, URL, site_id=here.id, min_severity=AlertSeverity.LOW)
        endpoint(db, org, URL, site_id=there.id)  # another site
        endpoint(db, org, URL, min_severity=AlertSeverity.HIGH)  # above a medium alert
        endpoint(db, org, URL, active=False)
        endpoint(db, db.get(type(org), elsewhere.org_id), URL)  # another tenant
        alert = found(db, here, severity=AlertSeverity.MEDIUM)

        assert outbox.plan(db, NOW) == 2
        made = notifications(db)
        assert {n.endpoint_id for n in made} == {everywhere.id, this_site.id}
        assert {(n.alert_id, n.change, n.step, n.state) for n in made} == {
            (alert.id, "raised", 0, NotificationState.PENDING)
        }
        # Medium news waits the grouping wait, to go with whatever else comes for the site.
        assert all(n.next_at == NOW + outbox.GROUP_WAIT for n in made)
        assert all(n.first_at == NOW and n.org_id == org.id for n in made)
        assert outbox.plan(db, NOW) == 0
        assert not db.scalars(select(AlertEntry).where(AlertEntry.to_notify)).all()

    def test_a_line_planned_again_notifies_no_one_twice(self, db, estate):
        org, here, *_ = estate
        endpoint(db, org, URL)
        found(db, here)
        assert outbox.plan(db, NOW) == 1
        db.execute(AlertEntry.__table__.update().values(to_notify=True))  # as if never cleared
        assert outbox.plan(db, NOW) == 0
        assert len(notifications(db)) == 1

    def test_a_severity_rise_notifies_again_and_a_plain_update_does_not(self, db, estate):
        org, here, *_ = estate
        endpoint(db, org, URL)
        found(db, here, severity=AlertSeverity.MEDIUM)
        outbox.plan(db, NOW)
        found(db, here, severity=AlertSeverity.MEDIUM, evidence_changed=1)  # new evidence only
        assert outbox.plan(db, NOW) == 0
        found(db, here, severity=AlertSeverity.HIGH)
        assert outbox.plan(db, NOW) == 1
        found(db, here, severity=AlertSeverity.MEDIUM)  # down again: no news
        assert outbox.plan(db, NOW) == 0
        assert [n.change for n in notifications(db)] == ["raised", "severity_up"]

    def test_clearing_and_coming_back_notify(self, db, estate):
        org, here, *_ = estate
        endpoint(db, org, URL)
        alert = found(db, here)
        with as_evaluator():
            key = AlertKey.parse(alert.key)
            assert key.kind is AlertKind.INSPECTION_OVERDUE
            lifecycle.clear(db, org.id, key, "done")
        found(db, here)
        assert outbox.plan(db, NOW) == 3
        assert [n.change for n in notifications(db)] == ["raised", "auto_resolved", "reopened"]

    def test_the_history_keeps_its_actions(self, db, estate):
        here = estate[1]
        alert = found(db, here)
        found(db, here, severity=AlertSeverity.CRITICAL)
        db.expire_all()
        lines = db.scalars(select(AlertEntry).where(AlertEntry.alert_id == alert.id)).all()
        assert [(e.action, e.to_notify) for e in lines] == [("raised", True), ("updated", True)]


class TestEndpoints:
    @pytest.fixture
    def admin(self, estate, make):
        org = estate[0]
        user = make.user(org, Role.ADMIN)
        token = set_actor(Actor(user.id, org.id, Role.ADMIN, label="admin"))
        yield org
        reset_actor(token)

    def test_an_admin_manages_endpoints_and_no_secret_reaches_the_trail(self, db, admin):
        first, second, third = new_secret(), new_secret(), new_secret()
        data = {"name": "ops", "kind": "webhook", "url": URL, "secrets": [first]}
        made = endpoints.create(db, data)
        assert (made.min_severity, made.language, made.active) == ("medium", "zh", True)
        endpoints.rotate_secret(db, made.id, second)
        endpoints.rotate_secret(db, made.id, third)
        assert made.secrets == [second, third]  # the newest two
        endpoints.update(db, made.id, {"min_severity": AlertSeverity.HIGH})
        endpoints.deactivate(db, made.id)
        db.flush()
        trail = select(AuditEvent).where(AuditEvent.object_id == made.id).order_by(AuditEvent.id)
        events = db.scalars(trail).all()
        assert [e.action for e in events if e.object_type == "notify_endpoint"] == [
            "create",
            "rotate_secret",
            "rotate_secret",
            "update",
            "deactivate",
        ]
        trail = repr([e.changes for e in events])
        assert not any(s in trail for s in (first, second, third))
        assert "secrets" not in audit.snapshot(made)

    def test_a_robots_key_in_its_address_stays_out_of_the_trail(self, db, admin):
        key = new_secret()
        url = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}"
        made = endpoints.create(db, {"name": "值班群", "kind": "wecom", "url": url})
        endpoints.update(db, made.id, {"url": url.replace(key, new_secret())})
        db.flush()
        events = db.scalars(select(AuditEvent).where(AuditEvent.object_id == made.id)).all()
        trail = repr([e.changes for e in events if e.object_type == "notify_endpoint"])
        assert key not in trail and made.secrets == []
        assert "qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" in trail  # where it points, still

    @pytest.mark.parametrize(
        "data",
        [
            {"kind": "webhook", "url": URL, "secrets": []},
            {"kind": "webhook", "url": "ftp://x", "secrets": ["k"]},
            {"kind": "wecom", "url": URL, "language": "fr"},
            {"kind": "dingtalk", "url": URL, "secrets": ["a", "b", "c"]},
            {"kind": "wecom", "url": URL, "site_id": 2**31 - 1},
        ],
    )
    def test_unusable_endpoints_are_refused(self, db, admin, data):
        with pytest.raises(Invalid):
            endpoints.create(db, {"name": "x", **data})

    def test_only_admins_manage_them(self, db, estate, make):
        org, here, *_ = estate
        user = make.user(org, Role.SUPERVISOR, [here])
        token = set_actor(Actor(user.id, org.id, Role.SUPERVISOR, frozenset({here.id}), label="s"))
        try:
            with pytest.raises(Forbidden):
                endpoints.create(db, {"name": "x", "kind": EndpointKind.WECOM, "url": URL})
        finally:
            reset_actor(token)
