"""Fixtures for the handheld protocol tests: an HTTP client and an enrolled handheld."""

import httpx
import pytest

from device_protocol.client import Handheld
from tests.ingest.sync_helpers import new_code


@pytest.fixture
def http(app, db):
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://vigil.test") as c:
        yield c


@pytest.fixture
def handheld(http, client, supervisor, site):
    device = Handheld(http, sleep=lambda s: None)
    device.enroll(new_code(client, supervisor, site)["code"], "HT-0001", "巡更机 1")
    return device
