"""Console access rows: audit."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/audit", MANAGERS, fixed("/console/audit")),
]
