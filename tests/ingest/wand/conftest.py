"""A site with three chipped checkpoints and a guard who has a person button."""

import pytest

from server.domain.actor import Role


@pytest.fixture
def checkpoints(make, site):
    found = {}
    for uid, name in (
        ("01000000AAAA0001", "北门"),
        ("01000000AAAA0002", "南门"),
        ("01000000AAAA0003", "配电房"),
    ):
        cp = make.checkpoint(site, name=name)
        make.chip(cp, uid)
        found[uid] = cp
    return found


@pytest.fixture
def guard(make, org, site):
    user = make.user(org, Role.GUARD, [site], name="张伟", login="zw1023")
    make.chip(user, "01000000BBBB0001")
    return user
