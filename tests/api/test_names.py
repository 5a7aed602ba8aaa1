"""Responses name people and handhelds beside their ids, in one query per kind for a page."""

from sqlalchemy import event

from server.domain.actor import Role


def test_alerts_name_the_guard_the_handheld_and_who_resolved(client, make, org, site, supervisor):
    patrol_round = make.round(make.schedule(make.route([make.checkpoint(site)])))
    guard = make.user(org, Role.GUARD, [site], name="张伟")
    handheld = make.device(org, [site], label="北门手持机")
    unlabelled = make.device(org, [site])
    make.alert(patrol_round, user_id=guard.id, device_id=handheld.id)
    make.alert(patrol_round, key="other", device_id=unlabelled.id)
    listed = client.get("/api/v1/alerts", headers=supervisor).json
    named = {(a["user_id"], a["user_name"], a["device_id"], a["device_name"]) for a in listed}
    assert named == {
        (guard.id, "张伟", handheld.id, "北门手持机"),
        (None, None, unlabelled.id, unlabelled.serial),  # no label: its serial
    }


def test_a_page_of_many_names_its_people_in_one_query(app, client, make, org, site, supervisor):
    patrol_round = make.round(make.schedule(make.route([make.checkpoint(site)])))
    guards = [make.user(org, Role.GUARD, [site], name=f"保安{n}") for n in range(12)]
    for n, guard in enumerate(guards):
        make.alert(patrol_round, key=f"k{n}", user_id=guard.id)
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.extensions["vigil"].engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        listed = client.get("/api/v1/alerts", headers=supervisor).json
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert {a["user_name"] for a in listed} == {g.name for g in guards}
    lookups = [s for s in statements if "FROM users" in s and "users.name" in s]
    assert len(lookups) == 1, lookups


def test_names_of_another_tenant_are_never_shown(client, make, org, site, supervisor):
    other = make.org("Other tenant")
    stranger = make.user(other, Role.GUARD, [make.site(other)], name="外人")
    patrol_round = make.round(make.schedule(make.route([make.checkpoint(site)])))
    make.alert(patrol_round, user_id=stranger.id)  # a corrupt row pointing across tenants
    (alert,) = client.get("/api/v1/alerts", headers=supervisor).json
    assert alert["user_id"] == stranger.id and alert["user_name"] is None
