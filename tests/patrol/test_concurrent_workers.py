"""Two evaluators sweeping the same database at once: no duplicate round, no duplicate alert."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server import migrate, worker
from server.domain.clock import reset_clock, set_clock
from server.domain.models import Alert, Round
from server.testing.factories import Factory
from tests.conftest import make_test_app

START = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def busy_site(fresh_database_url):
    """Five hourly schedules on one site, committed, on a database of its own."""
    migrate.upgrade(fresh_database_url)
    app = make_test_app(fresh_database_url)
    with app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        org = make.org()
        site = make.site(org, inactivity_min=30)
        for n in range(5):
            route = make.route([make.checkpoint(site) for _ in range(3)])
            make.schedule(
                route,
                rrule="FREQ=HOURLY",
                start_local=f"2026-11-01T00:{n * 10:02d}",
                window_min=20,
                effective_from=START,
            )
        # Four guards clock in at the start and each sends one handover 40 minutes later, which
        # reaches the server 20 minutes after that: each then falls silent for good.
        for _ in range(4):
            device = make.device(org, [site])
            for kind, at, received in (
                ("clock_in", START, START),
                ("handover", START + 40 * MINUTE, START + 60 * MINUTE),
            ):
                make.event(device, site, "shift", at, received, data={"kind": kind, "note": ""})
        session.commit()
    yield app
    app.extensions["vigil"].engine.dispose()


def test_two_workers_sweeping_together_make_and_flag_everything_once(busy_site):
    vigil = busy_site.extensions["vigil"]
    instants = [START + timedelta(minutes=17 * n) for n in range(12)]
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep_all():
        ready.wait()
        try:
            for at in instants:
                set_clock(lambda at=at: at)
                worker.run_once(vigil)
        except BaseException as error:
            errors.append(error)
        finally:
            reset_clock()

    threads = [threading.Thread(target=sweep_all) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with vigil.sessionmaker() as session:
        rounds = session.scalar(select(func.count()).select_from(Round))
        keys = session.scalar(select(func.count(func.distinct(Round.due_at))))
        # Five hourly schedules over 48 h ahead of the last sweep: each occurrence once.
        assert rounds == session.scalar(
            select(func.count()).select_from(
                select(Round.schedule_id, Round.due_at).distinct().subquery()
            )
        )
        assert rounds >= 5 * 48 and keys >= 48
        missed = session.scalars(select(Alert.key).where(Alert.kind == "round_missed")).all()
        assert len(missed) == len(set(missed)) > 0
        judged = session.scalar(
            select(func.count()).select_from(Round).where(Round.status == "missed")
        )
        assert judged == len(missed)
        # Each guard: the first silence (raised, then ended by the late handover), the second.
        silences = session.execute(
            select(Alert.key, Alert.severity).where(Alert.kind == "guard_inactive")
        ).all()
        assert len(silences) == len({k for k, _ in silences}) == 8
        assert sorted(s.value for _, s in silences) == ["critical"] * 4 + ["medium"] * 4
