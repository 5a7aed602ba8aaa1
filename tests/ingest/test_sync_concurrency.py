"""Two copies of one batch at the same moment (a retry racing its original): stored once."""

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from server import migrate
from server.domain.models import DeviceEvent
from server.ingest import sync
from server.testing.factories import Factory
from tests.conftest import make_test_app


@pytest.fixture
def handheld_app(fresh_database_url):
    """An app on its own database (real commits, real concurrency) and a device's headers."""
    migrate.upgrade(fresh_database_url)
    app = make_test_app(fresh_database_url)
    with app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        org = make.org()
        headers = make.device_auth(make.device(org, [make.site(org)]))
        session.commit()
    yield app, headers
    app.extensions["vigil"].engine.dispose()


def test_a_batch_and_its_concurrent_resend_store_every_event_once(handheld_app):
    app, headers = handheld_app
    now = datetime.now(UTC).isoformat()
    events = [
        {
            "uuid": str(uuid.uuid4()),
            "type": "shift",
            "kind": "handover",
            "note": f"n{n}",
            "device_time": now,
        }
        for n in range(200)
    ]
    body = {"sent_at": now, "events": events}
    start = threading.Barrier(2)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        answers.append(client.post("/api/v1/device/sync", json=body, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200, 200], [a.json for a in answers]
    statuses = [[r["status"] for r in a.json["results"]] for a in answers]
    # Each event is accepted by exactly one of the two requests and a duplicate in the other.
    for first, second in zip(*statuses, strict=True):
        assert sorted([first, second]) == ["accepted", "duplicate"]
    with app.extensions["vigil"].sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(DeviceEvent)) == len(events)


def test_rows_stored_by_a_rival_after_the_pre_check_come_back_as_duplicates(
    handheld_app, monkeypatch
):
    """The race window: the SELECT saw nothing, then the rival committed before our INSERT."""
    app, headers = handheld_app
    now = datetime.now(UTC).isoformat()
    body = {
        "sent_at": now,
        "events": [
            {"uuid": str(uuid.uuid4()), "type": "shift", "kind": "clock_in", "device_time": now}
        ],
    }
    client = app.test_client()
    assert (
        client.post("/api/v1/device/sync", json=body, headers=headers).json["results"][0]["status"]
        == "accepted"
    )
    monkeypatch.setattr(sync, "_stored", lambda *args: {})
    again = client.post("/api/v1/device/sync", json=body, headers=headers)
    assert again.status_code == 200
    assert again.json["results"][0]["status"] == "duplicate"
    # Its copy was not found, so its id is not known: said as null rather than guessed.
    assert again.json["results"][0]["event_id"] is None
