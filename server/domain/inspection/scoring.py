"""The supervisory audit's score and grade, as the reference manual (seed 002) defines them."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from server.domain.inspection.definition import Definition

# 79 or less fails, 80 to 90 is good, 91 to 100 excellent (seed 002, 检查验收阶段 3).
GRADES = ((91, "excellent", "优秀"), (80, "good", "良好"), (0, "fail", "不及格"))


@dataclass(frozen=True)
class Score:
    """Points out of 100 and the grade they earn."""

    points: float
    grade: str
    grade_zh: str
    by_item: dict[str, float]


def score(definition: Definition, values: dict[str, Any]) -> Score | None:
    """Each item's points less the deductions taken for its missing requirements, out of 100.

    None unless every scored item was assessed: a partial audit has no score.
    """
    audit = [i for i in definition.items if i.type == "audit"]
    if not audit or any(i.key not in values for i in audit):
        return None
    by_item = {i.key: max(0.0, i.points - sum(values[i.key]["missing"].values())) for i in audit}
    possible = sum(i.points for i in audit)
    points = round(sum(by_item.values()) / possible * 100, 1)
    # Deductions come in tenths; the bands are whole points, so grade the rounded score.
    whole = int(Decimal(str(points)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    _, grade, grade_zh = next(g for g in GRADES if whole >= g[0])
    return Score(points, grade, grade_zh, by_item)
