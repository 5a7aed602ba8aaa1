"""What a reader can pick from: their own sites, and a site's people, handhelds, checkpoints."""

import pytest

from server.domain import site_choices
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.errors import Forbidden, NotFound


@pytest.fixture
def estate(make, org, site):
    """湖畔花园 (site) and 滨江大厦 with their own staff, handhelds and checkpoints."""
    tower = make.site(org, name="滨江大厦", timezone="Asia/Shanghai")
    make.checkpoint(site, name="北门")
    make.checkpoint(site, name="东门")
    make.checkpoint(tower, name="大堂")
    make.device(org, [site], label="", serial="HT-0009")
    make.device(org, [site, tower], label="巡更机 2", serial="HT-0002")
    make.device(org, [tower], label="巡更机 3", serial="HT-0003")
    make.user(org, Role.GUARD, [site], name="张伟")
    make.user(org, Role.GUARD, [tower], name="李娜")
    other = make.org()
    make.checkpoint(make.site(other, name="别家小区"), name="别家北门")
    return site, tower


def acting(user) -> object:
    return set_actor(Actor(user.id, user.org_id, user.role, frozenset(user.site_ids)))


def test_a_site_brings_its_own_people_handhelds_and_checkpoints_by_name(db, make, org, estate):
    site, tower = estate
    token = acting(make.user(org, Role.SUPERVISOR, [site, tower], name="主管"))
    try:
        found = site_choices.at_site(db, site.id)
    finally:
        reset_actor(token)
    assert [s.name for s in found.sites] == sorted(["湖畔花园", "滨江大厦"])
    assert (found.site.id, found.site.timezone) == (site.id, site.timezone)
    assert [c.name for c in found.checkpoints] == sorted(["北门", "东门"])
    # A handheld without a label goes by its serial, as everywhere.
    assert [c.name for c in found.handhelds] == sorted(["HT-0009", "巡更机 2"])
    assert [c.name for c in found.people] == sorted(["张伟", "主管"])


def test_without_a_site_the_first_by_name(db, make, org, estate):
    site, tower = estate
    token = acting(make.user(org, Role.SUPERVISOR, [site, tower]))
    try:
        every, chosen = site_choices.sites(db, None)
    finally:
        reset_actor(token)
    assert chosen == every[0] and chosen.name == min("湖畔花园", "滨江大厦")


def test_another_site_or_tenants_is_not_found(db, make, org, estate):
    site, tower = estate
    token = acting(make.user(org, Role.SUPERVISOR, [site]))
    try:
        assert [s.id for s in site_choices.sites(db, None)[0]] == [site.id]
        with pytest.raises(NotFound):
            site_choices.at_site(db, tower.id)
    finally:
        reset_actor(token)


def test_guards_may_not_ask(db, make, org, estate):
    site, _ = estate
    token = acting(make.user(org, Role.GUARD, [site]))
    try:
        with pytest.raises(Forbidden):
            site_choices.sites(db, site.id)
    finally:
        reset_actor(token)
