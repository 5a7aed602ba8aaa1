"""Console access rows: inspection_templates."""

from tests.access.case import MANAGERS, fixed
from tests.access.page import Page

PAGES = [
    Page("GET", "/console/inspection-templates", MANAGERS, fixed("/console/inspection-templates")),
]
