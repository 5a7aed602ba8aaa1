"""The first-page preview: the PDF's first page as a picture, code for code, cell for cell."""

import pytest
from PIL import Image

from qr import preview, sheets
from tests.decoding import needs_zbar, pdf_pages, png_image, zbar
from tests.qr.test_sheets import labels


def codes(page: Image.Image, paper: str, layout: str, dpi: int) -> list[list[str]]:
    """What each label's cell of a page rendered at dpi holds."""
    found = []
    for cell in sheets.cells(paper, layout):
        x, y, w, h = (v * dpi / 72 for v in cell)
        found.append(zbar(page.crop((x, page.height - y - h, x + w, page.height - y))))
    return found


@needs_zbar
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("layout", ["small", "large"])
def test_the_preview_holds_the_pdfs_first_page_cell_for_cell(paper, layout):
    wanted = labels(len(sheets.cells(paper, layout)) + 2)  # the second page is not shown
    picture = png_image(preview.first_page_png(wanted, paper, layout))
    width, height = sheets.PAPERS[paper]
    assert picture.size == (round(width * 100 / 72), round(height * 100 / 72))
    first = pdf_pages(sheets.render_pdf(wanted, paper, layout), 300)[0]
    shown = codes(picture, paper, layout, preview.PREVIEW_DPI)
    assert shown == codes(first, paper, layout, 300)
    assert shown == [[label.payload] for label in wanted[: len(shown)]]


def test_the_same_choices_are_refused_as_for_the_pdf():
    with pytest.raises(ValueError):
        preview.first_page_png(labels(1), "a3", "small")
    with pytest.raises(ValueError):
        preview.first_page_png([], "a4", "small")
