"""Console access rows: tags."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/tags", MANAGERS, fixed("/console/tags")),
]
