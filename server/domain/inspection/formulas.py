"""Values computed from other readings of the same record."""

from collections.abc import Callable, Sequence


def imbalance_pct(values: Sequence[float]) -> float:
    """Three-phase imbalance as Chinese practice states it: (max - min) / max x 100."""
    top = max(values)
    return 0.0 if top == 0 else (top - min(values)) / top * 100


def difference(values: Sequence[float]) -> float:
    """The first less the second: a meter's reading after a run less the one before."""
    return values[0] - values[1]


def mean(values: Sequence[float]) -> float:
    """The average, e.g. of three phase voltages."""
    return sum(values) / len(values)


FORMULAS: dict[str, Callable[[Sequence[float]], float]] = {
    "imbalance_pct": imbalance_pct,
    "difference": difference,
    "mean": mean,
    "max": max,
    "min": min,
}
# How many inputs each takes: an exact count, or (least, most).
ARITY: dict[str, int | tuple[int, int]] = {
    "imbalance_pct": (2, 3),
    "difference": 2,
    "mean": (2, 12),
    "max": (2, 12),
    "min": (2, 12),
}


def accepts(formula: str, count: int) -> bool:
    """Whether the formula takes this many inputs."""
    arity = ARITY[formula]
    if isinstance(arity, int):
        return count == arity
    return arity[0] <= count <= arity[1]
