"""Console access rows: sites."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/sites", MANAGERS, fixed("/console/sites")),
]
