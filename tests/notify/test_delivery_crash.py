"""A killed deliverer loses nothing and doubles nothing; two deliverers share the work."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from server.domain.models import NotificationAttempt
from server.domain.models import NotificationState as State
from server.domain.notify import outbox
from server.notify import delivery
from server.settings import ROOT
from tests.notify.outbox import PUBLIC_URL, endpoint, found, new_secret, notifications, verifying
from tests.notify.servers import Reply

NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
# A deliverer in a process of its own, to be killed while a receiver holds its request.
DOOMED = """
import sys
from datetime import datetime
import httpx
from server.db import make_engine, make_sessionmaker
from server.notify import delivery
sessions = make_sessionmaker(make_engine(sys.argv[1]))
with httpx.Client(trust_env=False) as client:
    delivery.deliver(sessions, delivery.channels(client), datetime.fromisoformat(sys.argv[2]),
                     "doomed", public_url=sys.argv[3])
"""


def planned(vigil, make, url, secret, alerts):
    """alerts alerts, each at a site of its own (so each is a message of its own rather than
    one group), planned for one webhook, committed."""
    with vigil.sessionmaker() as session:
        org = make(session).org()
        endpoint(session, org, url, secrets=[secret])
        for n in range(alerts):
            found(session, make(session).site(org), n)
        assert outbox.plan(session, NOW) == alerts
        session.commit()


def wait_for(condition, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_deliverer_killed_mid_send_loses_and_doubles_nothing(committed, receiver, client):
    vigil, make = committed
    secret = new_secret()
    server = receiver(verifying(secret))
    server.script(Reply(), Reply(delay=60), Reply())  # the second hangs until the kill
    planned(vigil, make, server.url, secret, 3)
    url = vigil.engine.url.render_as_string(hide_password=False)
    doomed = subprocess.Popen(
        [sys.executable, "-c", DOOMED, url, NOW.isoformat(), PUBLIC_URL], cwd=ROOT
    )
    try:
        # One receiver gets one request at a time: the first is answered, the second hangs.
        wait_for(lambda: len(server.received) == 2)
        os.kill(doomed.pid, signal.SIGKILL)
    finally:
        doomed.wait(10)
    with vigil.sessionmaker() as session:
        held = notifications(session)
        # Every row the dead worker claimed is still its own, until the lease runs out.
        assert [(n.state, n.claimed_by, n.attempts) for n in held] == [
            (State.SENDING, "doomed", 1)
        ] * 3

    def again(now):
        sessions = vigil.sessionmaker
        return delivery.deliver(
            sessions, delivery.channels(client), now, "w2", public_url=PUBLIC_URL
        )

    assert again(NOW + timedelta(minutes=1)) == 0  # the lease still holds
    assert again(NOW + delivery.LEASE + timedelta(seconds=1)) == 3
    with vigil.sessionmaker() as session:
        assert {n.state for n in notifications(session)} == {State.DELIVERED}
        keys = {f"vigil-n{n.id}" for n in notifications(session)}
    seen = Counter(r.headers["webhook-id"] for r in server.received)
    assert set(seen) == keys
    # The dead worker recorded nothing of its claim (a claim is recorded when its sends are
    # done), so each went again, under the same webhook-id: a receiver de-duplicating by it
    # takes each once. At least once, never under a new key; the third was never out.
    assert sorted(seen.values()) == [1, 2, 2]
    assert not server.rejections


def test_two_deliverers_at_once_send_each_notification_once(committed, receiver):
    vigil, make = committed
    secret = new_secret()
    server = receiver(verifying(secret))
    server.script(Reply(delay=0.01))
    planned(vigil, make, server.url, secret, 30)
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(worker_id):
        try:
            with httpx.Client(trust_env=False) as client:
                start.wait()
                sent, more = 0, 1
                while more:  # passes of ten, as busy workers take turns with a backlog
                    more = delivery.deliver(
                        vigil.sessionmaker,
                        delivery.channels(client),
                        NOW,
                        worker_id,
                        limit=10,
                        public_url=PUBLIC_URL,
                    )
                    sent += more
                results.append(sent)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert sum(results) == 30
    if vigil.engine.dialect.name == "postgresql":
        assert all(results), "both deliverers took a share"
    seen = Counter(r.headers["webhook-id"] for r in server.received)
    assert len(seen) == 30 and set(seen.values()) == {1}
    with vigil.sessionmaker() as session:
        assert {n.state for n in notifications(session)} == {State.DELIVERED}
        assert session.scalar(select(func.count()).select_from(NotificationAttempt)) == 30
