"""The evaluator's pass: each stage in its own transaction, so one failure costs only itself."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from server import migrate, worker
from server.domain.models import Alert, DeviceEvent, Round
from server.testing.factories import Factory
from server.worker import Stage
from tests.conftest import make_test_app

START = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


@pytest.fixture
def estate(fresh_database_url):
    """An hourly schedule and an overdue generator check, committed on a database of its own."""
    migrate.upgrade(fresh_database_url)
    app = make_test_app(fresh_database_url)
    with app.extensions["vigil"].sessionmaker() as session:
        make = Factory(session)
        org = make.org()
        site = make.site(org)
        route = make.route([make.checkpoint(site) for _ in range(2)])
        make.schedule(
            route, rrule="FREQ=HOURLY", start_local="2026-11-19T00:00", effective_from=START
        )
        device = make.device(org, [site])
        make.event(device, site, "shift", START, data={"kind": "handover", "note": ""})
        asset = make.asset(site)
        template = make.template(org)
        make.inspection_schedule(asset, template, max_days=7, effective_from=START)
        session.commit()
    yield app
    app.extensions["vigil"].engine.dispose()


def _failing(session, now):
    # It writes first, then fails: its write must not survive the rollback.
    session.execute(update(DeviceEvent).values(evaluated_at=now))
    raise RuntimeError("stage broke")


def test_a_failing_stage_is_rolled_back_logged_and_counted_and_the_others_commit(
    estate, monkeypatch, caplog
):
    stages = tuple(Stage(s.name, _failing) if s.name == "events" else s for s in worker.STAGES)
    monkeypatch.setattr(worker, "STAGES", stages)
    vigil = estate.extensions["vigil"]
    now = START + timedelta(days=10)
    with caplog.at_level(logging.ERROR, logger="vigil.worker"), vigil.sessionmaker() as session:
        counts = worker.sweep(session, now)
    assert counts.failed == ["events"]
    assert counts.rounds_made > 0 and counts.rounds_judged > 0
    assert counts.inspections_overdue == 1
    failures = [r for r in caplog.records if r.getMessage() == "stage failed"]
    assert [r.stage for r in failures] == ["events"]
    assert failures[0].exc_info is not None
    # Read back from a new session: what was committed is what the next process sees.
    with vigil.sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(Round)) == counts.rounds_made
        assert session.scalar(
            select(func.count()).select_from(Round).where(Round.evaluated_at.is_not(None))
        )
        assert (
            session.scalar(
                select(func.count()).select_from(Alert).where(Alert.kind == "inspection_overdue")
            )
            == 1
        )
        assert (
            session.scalar(
                select(func.count())
                .select_from(DeviceEvent)
                .where(DeviceEvent.evaluated_at.is_not(None))
            )
            == 0
        )


def test_the_failed_stage_runs_again_on_the_next_pass(estate, monkeypatch):
    vigil = estate.extensions["vigil"]
    now = START + timedelta(days=10)
    broken = tuple(Stage(s.name, _failing) if s.name == "events" else s for s in worker.STAGES)
    monkeypatch.setattr(worker, "STAGES", broken)
    with vigil.sessionmaker() as session:
        worker.sweep(session, now)
    monkeypatch.undo()
    with vigil.sessionmaker() as session:
        counts = worker.sweep(session, now)
    assert counts.failed == [] and counts.events == 1
    with vigil.sessionmaker() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(DeviceEvent).where(DeviceEvent.evaluated_at == now)
            )
            == 1
        )


def test_a_saved_rule_that_no_longer_reads_skips_its_schedule_not_the_stage(db, make, caplog):
    site = make.site(make.org())
    good = make.schedule(make.route([make.checkpoint(site)]), effective_from=START)
    # Saved before UNTIL with an offset was refused: the API would not take it today.
    bad = make.schedule(
        make.route([make.checkpoint(site)]),
        rrule="FREQ=DAILY;UNTIL=20261130T140000+0800",
        effective_from=START,
    )
    with caplog.at_level(logging.WARNING, logger="vigil.worker"):
        counts = worker.sweep(db, START + timedelta(hours=1))
    assert counts.failed == []
    made = db.scalars(select(Round.schedule_id)).all()
    assert set(made) == {good.id}
    (warning,) = [r for r in caplog.records if r.getMessage() == "schedule rule unreadable"]
    assert warning.schedule_id == bad.id
