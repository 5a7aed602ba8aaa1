"""detect.precision, detect.recall: a generated month replayed through sync and the evaluator.

Three sites (Asia/Shanghai, Europe/Berlin, America/New_York) over March 2026, which holds both
spring-forward nights; handhelds with skewed clocks syncing late from basements; faults injected
with the alerts they must raise (server/testing/truth). Every alert raised is matched to an
expected one by kind, subject and end state. The baseline is 1.0, what a correct system scores;
the note gives the counts, and on any difference the diff is printed to stderr.
"""

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta

from benchmarks.report import emit
from server import create_app, migrate, serving
from server.settings import TEST_OVERRIDES
from server.testing.truth import evaluate

SEED = 2026
MONTH = datetime(2026, 3, 1, 12, tzinfo=UTC)  # New York springs forward on the 8th, Berlin the 29th
DAYS = 30
# The suite's week sweeps every five minutes; a month of that is 8,640 passes (about 90 s on
# SQLite), so the month sweeps every ten. The generator keeps every expectation clear of that.
SWEEP_EVERY = timedelta(minutes=10)


def run() -> None:
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{os.path.join(folder, 'truth.db')}"
    migrate.upgrade(url)
    # Cheap password hashing: the supervisor logs in every morning, and that is not measured.
    app = create_app(
        {"DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PHOTO_DIR": folder} | TEST_OVERRIDES
    )
    serving.settle()
    vigil = app.extensions["vigil"]
    with vigil.sessionmaker() as session:
        outcome = evaluate(app, session, SEED, MONTH, DAYS, SWEEP_EVERY)
    vigil.engine.dispose()
    score, replayed = outcome.score, outcome.run
    if not score.perfect:
        print(outcome.report(), file=sys.stderr)
    counts = (
        f"{len(score.expected)} alerts expected, {len(score.raised)} raised, {len(score.matched)} "
        f"matched; {len(outcome.scenario.faults)} faults over {DAYS} days at 3 sites "
        f"({replayed.syncs} syncs, {replayed.sweeps} evaluator passes 10 min apart, "
        f"{replayed.seconds:.0f} s)"
    )
    precision, recall = score.precision(), score.recall()
    emit(
        "detect.precision",
        precision,
        "ratio",
        1.0,
        f"alerts raised that were expected (kind, subject, end state); {counts}; baseline: "
        "a correct system, 1.0",
        ratio=1.0 / precision if precision else float("inf"),
    )
    emit(
        "detect.recall",
        recall,
        "ratio",
        1.0,
        f"expected alerts that were raised; {counts}; baseline: a correct system, 1.0",
        ratio=1.0 / recall if recall else float("inf"),
    )
