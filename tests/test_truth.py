"""Detection truth: a generated week replayed through device sync and the evaluator.

Three sites in three timezones, both autumn DST nights (Berlin on 24-25 October 2026, New York
on 31 October - 1 November), handhelds with skewed clocks syncing late from basements, and one
of each fault with the alerts it must raise (server/testing/truth). Every alert raised must be
expected and every expected alert raised: on a difference the failure prints the diff.
"""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from device_protocol.client import Handheld
from server import worker
from server.domain.clock import utcnow
from server.testing.truth import evaluate, generate
from server.testing.truth.model import Expected, round_subject
from server.testing.truth.score import Raised, match

WEEK = datetime(2026, 10, 24, 12, tzinfo=UTC)
SEED = 7


def test_a_generated_week_raises_the_expected_alerts_and_nothing_else(app, db):
    outcome = evaluate(app, db, SEED, WEEK, 8)
    assert outcome.scenario.dst_nights == ["BE 2026-10-24", "NY 2026-10-31"]
    assert {f.name for f in outcome.scenario.faults} >= {"late_batch", "asleep", "fuel_drop"}
    score = outcome.score
    assert (score.precision(), score.recall()) == (1.0, 1.0), outcome.report()


def test_the_generator_is_deterministic():
    first, again = generate(SEED, WEEK, 8), generate(SEED, WEEK, 8)
    assert first.actions == again.actions
    assert first.expected == again.expected
    assert first.sent == again.sent


class TestScoring:
    SUBJECT = round_subject("SH", "SH day", WEEK)

    def _raised(self, kind: str, end: str) -> Raised:
        return Raised(1, kind, self.SUBJECT, end, "a title", {})

    def test_an_alert_raised_then_resolved_by_the_evaluator_matches_that_expectation(self):
        expected = [Expected("round_missed", self.SUBJECT, "auto_resolved", "late batch")]
        score = match(expected, [self._raised("round_missed", "auto_resolved")])
        assert (score.precision(), score.recall()) == (1.0, 1.0)

    @pytest.mark.parametrize("end", ["open", "resolved"])
    def test_the_right_alert_ending_wrongly_costs_precision_and_recall(self, end):
        expected = [Expected("round_missed", self.SUBJECT, "auto_resolved", "late batch")]
        score = match(expected, [self._raised("round_missed", end)])
        assert (score.precision(), score.recall()) == (0.0, 0.0)
        assert "WRONG END" in score.diff()

    def test_an_alert_withdrawn_later_still_counts_as_raised(self):
        score = match([], [self._raised("round_late_start", "auto_resolved")])
        assert score.precision() == 0.0
        assert "UNEXPECTED" in score.diff()

    def test_subjects_name_times_to_the_second_in_utc(self):
        later = WEEK + timedelta(microseconds=400)
        assert round_subject("SH", "SH day", later) == self.SUBJECT


class TestFoundByTheMonth:
    """What the generated month found that the rules did not do, now done."""

    def test_a_bad_sticker_read_again_after_its_alert_was_resolved_reopens_it(
        self, app, client, make, site, supervisor, db
    ):
        checkpoint = make.checkpoint(site)
        tag = client.post(
            "/api/v1/qr-tags", json={"checkpoint_id": checkpoint.id}, headers=supervisor
        ).json
        client.post(
            f"/api/v1/qr-tags/{tag['id']}/revoke", json={"reason": "missing"}, headers=supervisor
        )
        code = client.post(
            "/api/v1/enrollment-codes", json={"site_id": site.id}, headers=supervisor
        ).json["code"]
        transport = httpx.WSGITransport(app=app)
        with httpx.Client(transport=transport, base_url="http://vigil.test") as http:
            handheld = Handheld(http, sleep=lambda _: None)
            handheld.enroll(code, "HT-STORE")
            handheld.scan_qr(tag["payload"])
            handheld.sync()
            worker.sweep(db, utcnow())
            (first,) = client.get("/api/v1/alerts?kind=suspicious_tag", headers=supervisor).json
            client.post(
                f"/api/v1/alerts/{first['id']}/resolve",
                json={"note": "sticker taken down"},
                headers=supervisor,
            )
            handheld.scan_qr(tag["payload"])  # the revoked sticker is back on the door
            handheld.sync()
            worker.sweep(db, utcnow())
        found = client.get("/api/v1/alerts?kind=suspicious_tag&state=open", headers=supervisor)
        assert len(found.json) == 1
