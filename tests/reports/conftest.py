"""Fixtures of the report tests."""

import pytest

from tests.reports.night_shift import Shift, build_shift


@pytest.fixture
def shift(db, client, make) -> Shift:
    """The night of 2026-11-20 at 湖畔花园 (tests/reports/night_shift.py)."""
    return build_shift(db, client, make)
