"""Console access rows: handhelds."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/handhelds", MANAGERS, fixed("/console/handhelds")),
]
