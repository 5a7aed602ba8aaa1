"""The audit trail page as a test client sees it: changes before and after, filters by who,
what, when and where, keyset pages, secrets withheld, a supervisor's sites only."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.clock import reset_clock, set_clock
from server.domain.models import AuditEvent
from server.web.audit import words


@pytest.fixture
def boss(make, org):
    return make.user(org, Role.ADMIN, name="王经理", login="wang")


@pytest.fixture
def api(client, make, boss):
    """Make changes through the API, as the admin: they reach the trail as any change does."""
    headers = make.auth(boss)

    def call(method, path, body):
        answer = client.open(path, method=method, json=body, headers=headers)
        assert answer.status_code < 300, answer.json
        return answer.json

    return call


@pytest.fixture
def renamed(api, site):
    """A checkpoint created, then renamed to a name holding markup."""
    made = api("POST", "/api/v1/checkpoints", {"site_id": site.id, "name": "北门", "code": "N1"})
    api("PATCH", f"/api/v1/checkpoints/{made['id']}", {"name": "北门 <b>North</b>"})
    return made


def events_shown(page: str) -> list[str]:
    return page.split('<li class="event card">')[1:]


def test_a_change_shows_each_field_before_and_after_newest_first(console_as, boss, renamed, site):
    page = console_as(boss).get("/console/audit").text
    update_, create = events_shown(page)[:2]
    assert "Changed: Checkpoint" in update_ and "Created: Checkpoint" in create
    row = re.search(r"<tr class=\"changed\">.*?</tr>", update_, re.S).group(0)
    assert "<code>name</code>" in row and "→</span> changed" in row
    # Before, then after; a name is text, never markup.
    assert row.index("北门</td>") < row.index("北门 &lt;b&gt;North&lt;/b&gt;</td>")
    assert "<b>North</b>" not in page
    assert '<span aria-hidden="true">+</span> added' in create
    assert "王经理 (wang)" in update_ and "湖畔花园" in update_
    # The object is linked where the console shows it.
    assert f'href="/console/checkpoints/{renamed["id"]}"' in update_


def test_filters_narrow_by_who_what_and_done(console_as, make, org, boss, renamed, api, site):
    other = make.user(org, Role.ADMIN, name="赵六")
    client = console_as(boss)
    mine = client.get(f"/console/audit?actor_id={boss.id}&object_type=checkpoint").text
    assert len(events_shown(mine)) == 2
    assert len(events_shown(client.get(f"/console/audit?actor_id={other.id}").text)) == 0
    changed = client.get("/console/audit?object_type=checkpoint&action=update").text
    assert len(events_shown(changed)) == 1 and "Changed: Checkpoint" in changed
    assert 'value="update" selected' in changed  # the form shows what was chosen
    history = client.get(f"/console/audit?object_type=checkpoint&object_id={renamed['id']}")
    assert len(events_shown(history.text)) == 2


def test_days_are_the_chosen_sites_days_or_utc(console_as, boss, api, site):
    # 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai.
    set_clock(lambda: datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    made = api("POST", "/api/v1/checkpoints", {"site_id": site.id, "name": "北门", "code": "N1"})
    api("PATCH", f"/api/v1/checkpoints/{made['id']}", {"name": "南门"})
    reset_clock()
    client = console_as(boss)
    in_site = f"/console/audit?site_id={site.id}&since=2026-03-02&until=2026-03-02"
    page = client.get(in_site).text
    assert len(events_shown(page)) == 2 and "Asia/Shanghai" in page
    assert "2026-03-02 07:30 +08:00" in page
    utc = client.get("/console/audit?since=2026-03-01&until=2026-03-01").text
    assert len(events_shown(utc)) == 2 and "days in UTC" in utc
    assert len(events_shown(client.get("/console/audit?since=2026-03-02").text)) == 0


def test_secrets_never_show(console_as, boss, api, org, db, site):
    made = api(
        "POST",
        "/api/v1/users",
        {"name": "新保安", "login": "guard1", "role": "guard", "password": "hunter2hunter2"},
    )
    api("PATCH", f"/api/v1/users/{made['id']}", {"password": "another-secret-1"})
    # A row holding a hash, as an older writer might have left: its values stay hidden.
    db.add(
        AuditEvent(
            org_id=org.id,
            site_id=site.id,
            actor_label="old",
            action="update",
            object_type="device",
            object_id=1,
            changes={"token_hash": ["abc123hash", "def456hash"], "label": ["a", "b"]},
        )
    )
    db.flush()
    page = console_as(boss).get("/console/audit").text
    for secret in ("hunter2", "another-secret", "argon2", "abc123hash", "def456hash"):
        assert secret not in page
    assert "<code>password</code>" in page and "(hidden)" in page
    assert "<code>token_hash</code>" in page


def test_a_supervisor_sees_only_their_sites(console_as, make, org, boss, api, site):
    theirs = make.site(org, name="别的项目")
    for where, code in ((site, "M1"), (theirs, "T1")):
        api("POST", "/api/v1/checkpoints", {"site_id": where.id, "name": code, "code": code})
    guard = {"name": "N", "login": "newguard", "role": "guard", "password": "x" * 12}
    api("POST", "/api/v1/users", guard)
    client = console_as(make.user(org, Role.SUPERVISOR, [site], name="李主管"))
    page = client.get("/console/audit").text
    shown = events_shown(page)
    assert len(shown) == 1 and "M1" in shown[0]
    assert "别的项目" not in page  # nor offered as a site
    assert client.get(f"/console/audit?site_id={theirs.id}").status_code == 404
    # The admin who made the change is not among the supervisor's people, but their link
    # filters by them all the same, and the filter names them.
    by_boss = client.get(f"/console/audit?actor_id={boss.id}").text
    assert len(events_shown(by_boss)) == 1 and f'value="{boss.id}" selected>王经理' in by_boss


def test_pages_are_found_by_event_not_by_counting(console_as, boss, org, site, db):
    for n in range(60):
        db.add(
            AuditEvent(
                org_id=org.id,
                site_id=site.id,
                actor_label="bulk",
                action="update",
                object_type="checkpoint",
                object_id=n + 1,
                changes={"name": [f"old {n}", f"new {n}"]},
            )
        )
    db.flush()
    ids = db.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc())).all()
    client = console_as(boss)
    first = client.get("/console/audit").text
    assert len(events_shown(first)) == 50 and "Newer" not in first
    older = re.search(r'href="([^"]*before=\d+[^"]*)"', first).group(1).replace("&amp;", "&")
    assert f"before={ids[49]}" in older
    second = client.get(older).text
    assert len(events_shown(second)) == 10 and "Older" not in second
    newer = re.search(r'href="([^"]*after=\d+[^"]*)"', second).group(1).replace("&amp;", "&")
    back = client.get(newer).text
    assert len(events_shown(back)) == 50 and "new 59" in back and "new 10" in back


def test_htmx_gets_only_the_trail(console_as, boss, renamed):
    part = console_as(boss).get("/console/audit", headers={"HX-Request": "true"}).text
    assert "<html" not in part and "Changed: Checkpoint" in part


@pytest.mark.parametrize(
    "query", ["site_id=abc", "actor_id=0", "since=yesterday", "before=x", "until=9999-12-31"]
)
def test_a_bad_filter_is_a_page_saying_so(console_as, boss, query):
    answer = console_as(boss).get(f"/console/audit?{query}")
    assert answer.status_code == 422
    assert "Please check" in answer.text


def test_an_alert_handled_in_the_console_is_in_the_trail_linked_to_it(console_as, make, org, site):
    alert = make.alert(make.round(make.schedule(make.route([make.checkpoint(site)]))))
    client = console_as(make.user(org, Role.SUPERVISOR, [site]))
    client.post_form(f"/console/alerts/{alert.id}/acknowledge", {"note": "夜班在处理"})
    page = client.get("/console/audit?object_type=alert").text
    assert "Acknowledged: Alert" in page and f'href="/console/alerts/{alert.id}"' in page
    assert "夜班在处理" in page


def test_every_link_in_the_table_is_a_console_page_taking_that_id(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    for endpoint, argument in words.LINKS.values():
        assert argument in rules[endpoint].arguments, endpoint
    for endpoint in words.ON_SITE.values():
        assert endpoint in rules, endpoint
    assert set(words.LINKS) | set(words.ON_SITE) <= set(words.OBJECT_TYPES)
