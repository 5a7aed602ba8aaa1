"""Detection truth: simulated weeks with known faults, replayed, the alerts scored.

generate.py makes a seeded scenario (estate.py, patrols.py, faults.py, plant.py; sanity.py
checks the generator kept its word), replay.py plays it through the HTTP endpoints and the
evaluator on an injectable clock, score.py matches what was raised to what was expected.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from server.testing.truth.generate import SWEEP_EVERY, generate
from server.testing.truth.model import Scenario
from server.testing.truth.replay import Run, replay
from server.testing.truth.score import Score, match

__all__ = ["Outcome", "Run", "Scenario", "Score", "evaluate", "generate", "replay"]


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    run: Run
    score: Score

    def report(self) -> str:
        """The scenario in brief, the per-kind table, and the differences."""
        s = self.scenario
        faults = "\n".join(f"  {f.at:%Y-%m-%d %H:%M}Z  {f.name:14} {f.where}" for f in s.faults)
        return (
            f"seed {s.seed}, {s.start:%Y-%m-%d %H:%M}Z to {s.end:%Y-%m-%d %H:%M}Z; "
            f"DST nights: {', '.join(s.dst_nights) or 'none'}\n"
            f"{self.run.syncs} syncs ({self.run.events} events, {self.run.sync_seconds:.1f} s), "
            f"{self.run.sweeps} sweeps ({self.run.sweep_seconds:.1f} s), {self.run.resolved} "
            f"alerts resolved by the supervisor; {self.run.seconds:.1f} s in all\n"
            f"flags seen: {self.run.flags}\n"
            f"faults:\n{faults}\n\n{self.score.table()}\n\n{self.score.diff()}"
        )


def evaluate(
    app: Flask,
    session: Session,
    seed: int,
    start: datetime,
    days: int,
    sweep_every: timedelta = SWEEP_EVERY,
) -> Outcome:
    """Generate a scenario, replay it against app on session's database, score it."""
    scenario = generate(seed, start, days, sweep_every)
    run = replay(app, session, scenario)
    return Outcome(scenario, run, match(scenario.expected, run.raised))
