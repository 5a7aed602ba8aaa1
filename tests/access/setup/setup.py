"""Console access rows: setup."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/setup", MANAGERS, fixed("/console/setup")),
]
