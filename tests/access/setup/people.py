"""Console access rows: people."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/people", MANAGERS, fixed("/console/people")),
]
