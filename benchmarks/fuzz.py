"""fuzz.cases, fuzz.failures: every operation as every role, plain and hostile, over 50,000 cases.

The quick pass of tests/api/test_fuzz.py, deep: server/testing/fuzz.py's strategies, hypothesis
derandomized (a rerun draws the same cases), on SQLite in two processes, each case in a savepoint
rolled back after it, so every case meets the same world. A request is drawn once and sent as each
role that may call the operation; each (request, role) is a case. Each distinct failure goes to
stderr, one line each. BENCH_FUZZ_EXAMPLES sets the requests drawn per operation and class (60:
some 54,000 cases, about 4 minutes on an idle 2-core machine); BENCH_FUZZ_ONLY keeps the operations
whose label contains it. Alone: `python -m benchmarks.fuzz`.
"""

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings

from benchmarks.report import emit
from server import create_app, migrate
from server.settings import TEST_OVERRIDES
from server.testing import fuzz
from server.testing.factories import Factory
from server.testing.hostile import PLAIN, kinds
from server.testing.world import build_world

EXAMPLES = int(os.environ.get("BENCH_FUZZ_EXAMPLES", "60"))
ONLY = os.environ.get("BENCH_FUZZ_ONLY", "")
WORKERS = 2
BASELINE_CALLS = 10  # after each job, so the baseline meets the same machine the fuzz did


@dataclass
class Found:
    """One distinct failure: where it happened, an example of it, and how many cases hit it."""

    label: str
    kind: str
    status: int
    headline: str
    example: str
    roles: set[str] = field(default_factory=set)
    cases: int = 0


@dataclass
class Tally:
    """What one job (an operation, one class) drew, ran as each role, and found."""

    drawn: int = 0
    cases: int = 0
    failing: int = 0
    seconds: float = 0.0
    baseline_seconds: float = 0.0  # BASELINE_CALLS plain GET /api/v1/auth/me, after the job
    found: dict[tuple[str, str, int, str], Found] = field(default_factory=dict)


def headline(problem: str) -> str:
    """What makes failures the same one: the check's title, and the exception's type for a 500."""
    parts = problem.split(": ")
    return ": ".join(parts[:2] if parts[0] == "Server error" else parts[:1])


# --- one process: a database, the world in an open transaction, the document -------------------
_state: dict[str, Any] = {}


def _app(database: Path, folder: str) -> Flask:
    config = {"DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "ERROR"}
    return create_app(config | {"PHOTO_DIR": f"{folder}/photos-{os.getpid()}"} | TEST_OVERRIDES)


def _operations(app: Flask) -> dict[str, Any]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=fuzz.CONFIG)
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


def _start(template: str, folder: str) -> None:
    """Copy the migrated database, build the world in a transaction left open, load the document."""
    path = Path(folder) / f"fuzz-{os.getpid()}.db"
    shutil.copy(template, path)
    app = _app(path, folder)
    # A 500 is a finding, listed once at the end: its exception is noted, its traceback not logged.
    app.logger.disabled = fuzz.UNHANDLED.quiet = True
    vigil = app.extensions["vigil"]
    connection = vigil.engine.connect()
    connection.begin()
    vigil.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    make = Factory(vigil.sessionmaker())
    world = build_world(make, vigil.blobs)
    operations = _operations(app)
    _state.update(
        app=app,
        connection=connection,
        operations=operations,
        real={label: fuzz.real_ids(op, world) for label, op in operations.items()},
        headers={role: fuzz.credentials(role, make, world) for role in fuzz.ROLES},
    )


def _job(label: str, kind: str, examples: int) -> Tally:
    """Fuzz one operation with one class, each case sent as every role that may call it.

    Failures are counted, never raised, so nothing shrinks and every example runs. A case is
    drawn once and judged once per role: drawing is most of a case's cost, and hypothesis,
    derandomized, would draw the very same cases for each role anyway.
    """
    app, connection, operation = _state["app"], _state["connection"], _state["operations"][label]
    roles = [role for role in fuzz.ROLES if fuzz.reachable(role, operation)]
    tally, started = Tally(), time.perf_counter()

    @given(drawn=fuzz.strategy(operation, kind, _state["real"][label]))
    @settings(
        max_examples=examples,
        phases=[Phase.generate],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(drawn: fuzz.Drawn) -> None:
        case, mutation = drawn
        tally.drawn += 1
        for role in roles:
            savepoint = connection.begin_nested()
            try:
                verdict = fuzz.probe(case, app, _state["headers"][role])
            finally:
                savepoint.rollback()
            tally.cases += 1
            tally.failing += bool(verdict.problems)
            for problem in verdict.problems:
                key = (label, mutation.kind, verdict.status, headline(problem))
                one = fuzz.Verdict(verdict.status, [problem])
                found = tally.found.setdefault(
                    key, Found(*key, fuzz.describe(case, role, mutation, one))
                )
                found.roles.add(role)
                found.cases += 1

    run()
    tally.seconds = time.perf_counter() - started
    tally.baseline_seconds = _baseline()
    return tally


def _baseline() -> float:
    """Seconds BASELINE_CALLS plain GET /api/v1/auth/me as the admin take, in this process."""
    client, headers = _state["app"].test_client(), _state["headers"]["admin"]
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    started = time.perf_counter()
    for _ in range(BASELINE_CALLS):
        client.get("/api/v1/auth/me", headers=headers)
    return time.perf_counter() - started


# --- the run --------------------------------------------------------------------------------------
def _jobs(operations: dict[str, Any]) -> Iterator[tuple[str, str, int]]:
    """(operation, class, examples): every operation, plain and each hostile class it takes."""
    for label, operation in operations.items():
        if not ONLY or ONLY in label:
            for kind in (PLAIN, *kinds(operation)):
                yield label, kind, EXAMPLES


def _merge(tallies: list[Tally]) -> dict[tuple[str, str, int, str], Found]:
    found: dict[tuple[str, str, int, str], Found] = {}
    for tally in tallies:
        for key, one in tally.found.items():
            kept = found.setdefault(key, one)
            if kept is not one:
                kept.roles |= one.roles
                kept.cases += one.cases
    return found


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "template.db"
        migrate.upgrade(f"sqlite:///{template}")
        app = _app(template, folder)
        jobs = list(_jobs(_operations(app)))
        app.extensions["vigil"].engine.dispose()
        started = time.perf_counter()
        spawn = get_context("spawn")
        with ProcessPoolExecutor(WORKERS, spawn, _start, (str(template), folder)) as pool:
            tallies = list(pool.map(_job, *zip(*jobs, strict=True)))
        wall = time.perf_counter() - started
    drawn, cases = sum(t.drawn for t in tallies), sum(t.cases for t in tallies)
    failing, busy = sum(t.failing for t in tallies), sum(t.seconds for t in tallies)
    per_request = sum(t.baseline_seconds for t in tallies) / (BASELINE_CALLS * len(tallies))
    baseline = busy / per_request
    found = _merge(tallies)
    for one in sorted(found.values(), key=lambda f: (f.label, f.kind, f.status, f.headline)):
        print(
            f"fuzz failure: {one.label} [{one.kind}] {one.status} {one.headline} "
            f"({one.cases} cases; {', '.join(sorted(one.roles))}); e.g. {one.example}",
            file=sys.stderr,
        )
    emit(
        "fuzz.cases",
        cases,
        "cases",
        baseline,
        f"{len(jobs)} jobs (operation x class: schemathesis' own, surrogate, instant, bigint), up "
        f"to {EXAMPLES} examples each, {drawn} requests drawn, each sent as every role that may "
        f"call it; {WORKERS} processes on SQLite, {wall:.0f} s wall, {cases / wall:.0f} cases/s; "
        f"baseline: plain GET /api/v1/auth/me requests the same processes serve in the same "
        f"seconds ({1 / per_request:.0f}/s per process, timed after each job), so ratio is a "
        "case's cost over a plain "
        "request's",
        ratio=baseline / max(cases, 1),
    )
    emit(
        "fuzz.failures",
        failing,
        "cases",
        cases,
        f"cases answered 5xx or off the OpenAPI document, of all cases; {len(found)} distinct "
        "failures (operation, class, status, check), each listed on stderr. ratio 0 = none",
        ratio=failing / max(cases, 1),
    )


if __name__ == "__main__":
    run()
