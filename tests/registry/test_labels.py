"""A label sheet as the API and the console both print it: its pages and its file's name."""

import pytest

from qr import sheets
from server.domain.registry.labels import LabelSheet
from tests.qr.test_sheets import labels


@pytest.mark.parametrize(
    "site,name",
    [
        ("湖畔花园", "vigil-tags-湖畔花园-small-a4.pdf"),
        ("Lakeside / Gardens: Phase 2", "vigil-tags-Lakeside-Gardens-Phase-2-small-a4.pdf"),
        ("../..", "vigil-tags-..-..-small-a4.pdf"),
        ("///", "vigil-tags-tag-small-a4.pdf"),
    ],
)
def test_the_file_is_named_by_the_first_labels_site_safely(site, name):
    first = labels(1)[0]
    sheet = LabelSheet((sheets.Label(first.payload, first.name, site, first.code),), "a4", "small")
    assert sheet.filename == name


@pytest.mark.parametrize("count,pages", [(1, 1), (21, 1), (22, 2)])
def test_pages_are_counted_from_the_layouts_grid(count, pages):
    sheet = LabelSheet(tuple(labels(count)), "a4", "small")
    assert (sheet.per_page, sheet.pages) == (21, pages)
    assert sheet.pdf().startswith(b"%PDF") and sheet.first_page_png().startswith(b"\x89PNG")
