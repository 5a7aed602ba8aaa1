"""Timing helpers and the one-JSON-object-per-line report format."""

import json
import statistics
import time
from collections.abc import Callable


def per_call_seconds(func: Callable[[], object], calls: int, repeats: int = 5) -> float:
    """Median over repeats of the mean time of one call."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def interleaved(
    ours: Callable[[], object], baseline: Callable[[], object], calls: int, rounds: int = 5
) -> tuple[float, float]:
    """Median per-call seconds of both, measured in alternating rounds so drift hits both alike."""
    a, b = [], []
    for _ in range(rounds):
        a.append(per_call_seconds(ours, calls, repeats=1))
        b.append(per_call_seconds(baseline, calls, repeats=1))
    return statistics.median(a), statistics.median(b)


def emit(
    name: str, value: float, unit: str, baseline: float, note: str, ratio: float | None = None
) -> None:
    """Print one figure: ratio is our cost over the baseline's (lower is better).

    For rates (higher is better) pass ratio=baseline/value so it still measures cost.
    """
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 4),
                "unit": unit,
                "baseline": round(baseline, 4),
                "ratio": round(ratio if ratio is not None else value / baseline, 2),
                "note": note,
            },
            ensure_ascii=False,
        ),
        flush=True,
    )
