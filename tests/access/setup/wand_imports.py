"""Console access rows: wand_imports."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/wand-imports", MANAGERS, fixed("/console/wand-imports")),
]
