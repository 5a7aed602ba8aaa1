"""Console access rows: routes."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/routes", MANAGERS, fixed("/console/routes")),
]
