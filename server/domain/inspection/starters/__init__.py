"""The inspection templates Vigil ships with, in English and Chinese.

Ranges are defaults for a typical asset; a maker's own limits go on the asset (asset limits).
Sources are in ../shared/domain/reference.md, cited beside each number.
"""

from server.domain.inspection.starters.audit import SUPERVISORY_AUDIT
from server.domain.inspection.starters.generator import (
    GENERATOR_MONTHLY_LOAD,
    GENERATOR_NO_LOAD,
    GENERATOR_WEEKLY,
)
from server.domain.inspection.starters.substation import SUBSTATION_DAILY

STARTERS = (
    GENERATOR_WEEKLY,
    GENERATOR_MONTHLY_LOAD,
    GENERATOR_NO_LOAD,
    SUBSTATION_DAILY,
    SUPERVISORY_AUDIT,
)

__all__ = [
    "GENERATOR_MONTHLY_LOAD",
    "GENERATOR_NO_LOAD",
    "GENERATOR_WEEKLY",
    "STARTERS",
    "SUBSTATION_DAILY",
    "SUPERVISORY_AUDIT",
]
