"""Console access rows: checkpoints."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/checkpoints", MANAGERS, fixed("/console/checkpoints")),
]
