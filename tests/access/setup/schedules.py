"""Console access rows: schedules."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/schedules", MANAGERS, fixed("/console/schedules")),
]
