"""Database behaviour Vigil relies on, on whichever engine the suite runs against."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from server.db import make_engine
from server.domain.models import LoginFailure, Site

SHANGHAI = timezone(timedelta(hours=8))


def test_timestamps_come_back_as_the_same_instant_in_utc(db):
    local = datetime(2026, 3, 29, 2, 30, tzinfo=SHANGHAI)
    row = LoginFailure(login="x", remote_addr="127.0.0.1", at=local)
    db.add(row)
    db.flush()
    db.expire_all()
    stored = db.scalar(select(LoginFailure.at).where(LoginFailure.id == row.id))
    assert stored == local
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored.hour == 18 and stored.day == 28


def test_comparisons_use_the_instant_not_the_wall_clock(db):
    db.add(LoginFailure(login="y", remote_addr="x", at=datetime(2026, 1, 1, 7, 0, tzinfo=SHANGHAI)))
    db.flush()
    # 07:00 in Shanghai is 23:00 UTC the day before: earlier than 00:00 UTC on Jan 1.
    before = select(LoginFailure).where(LoginFailure.at < datetime(2026, 1, 1, tzinfo=UTC))
    assert db.scalar(before.where(LoginFailure.login == "y")) is not None


def test_naive_timestamps_are_refused(db):
    db.add(LoginFailure(login="z", remote_addr="x", at=datetime(2026, 1, 1, 8, 0)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.flush()


def test_foreign_keys_are_enforced(db):
    db.add(Site(org_id=999_999, name="orphan", timezone="UTC"))
    with pytest.raises(IntegrityError):
        db.flush()


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()
