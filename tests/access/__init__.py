"""The access table: every protected endpoint, who may call it, and how to aim it at a place.

One module per area of the API holds its rows; CASES joins them in the table's order.
"""

from tests.access.case import ADMIN, ENG, EVERYONE, GUARD, SUCCESS, SUP, Case
from tests.access.field_reports import FIELD_REPORTS
from tests.access.inspection import INSPECTION
from tests.access.intake import INTAKE
from tests.access.notify import NOTIFY
from tests.access.patrol import PATROL
from tests.access.registry import REGISTRY
from tests.access.reports import REPORT_CASES
from tests.access.tags import TAG_KEYS, TAGS
from tests.access.unprotected import DEVICE, DOCS, PUBLIC

CASES = [
    *REGISTRY,
    *TAGS,
    *INTAKE,
    *FIELD_REPORTS,
    *PATROL,
    *INSPECTION,
    *TAG_KEYS,
    *NOTIFY,
    *REPORT_CASES,
]
PROTECTED = {(c.method, c.rule) for c in CASES}

__all__ = [
    "ADMIN",
    "CASES",
    "DEVICE",
    "DOCS",
    "ENG",
    "EVERYONE",
    "GUARD",
    "PROTECTED",
    "PUBLIC",
    "SUCCESS",
    "SUP",
    "Case",
]
