"""Label sheets: every code decodes from its cell at 300 dpi, Chinese names are real glyphs."""

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont
from reportlab.lib.units import mm

from qr import payload, sheets
from qr.render import QUIET_ZONE, make_qr
from tests.decoding import needs_zbar, pdf_pages, pdf_text, zbar

DPI = 300
KEY = b"k" * 32
NAMES = [
    "配电房",
    "高压配电室 HV switch room",
    "1号楼消防楼梯 Building 1 fire stairs",
    "North gate",
]


def labels(count: int) -> list[sheets.Label]:
    return [
        sheets.Label(
            payload.build(payload.TagRef(payload.TagKind.CHECKPOINT, 1, n, 1), KEY),
            NAMES[n % len(NAMES)],
            "湖畔花园 Lakeside Gardens",
            f"CP-{n}",
        )
        for n in range(1, count + 1)
    ]


def crop(page: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    """Crop a rectangle given in PDF points (origin bottom left) from a page rendered at DPI."""
    x, y, w, h = (v * DPI / 72 for v in box)
    return page.crop((round(x), round(page.height - y - h), round(x + w), round(page.height - y)))


@needs_zbar
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("layout", ["small", "large"])
def test_every_code_on_every_page_decodes_from_its_cell(paper, layout):
    grid = sheets.cells(paper, layout)
    wanted = labels(len(grid) + 3)  # a full page and part of a second
    pages = pdf_pages(sheets.render_pdf(wanted, paper, layout), DPI)
    assert len(pages) == 2
    found = [zbar(crop(page, cell)) for page in pages for cell in grid][: len(wanted)]
    assert found == [[label.payload] for label in wanted]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_small_labels_keep_codes_at_least_20_mm_wide(paper):
    for version in (1, 2, 3):
        modules = 17 + 4 * version
        assert sheets.symbol_width_mm(paper, "small", modules) >= 20.0


@pytest.mark.parametrize("layout", ["small", "large"])
def test_nothing_is_drawn_in_the_quiet_zone(layout):
    page = pdf_pages(sheets.render_pdf(labels(1), "a4", layout), DPI)[0].convert("L")
    x, y, size = sheets.code_box(layout, sheets.cells("a4", layout)[0])
    modules = make_qr(labels(1)[0].payload).modules_count + 2 * QUIET_ZONE
    zone = size * QUIET_ZONE / modules * 0.9  # stay clear of antialiased module edges
    code = crop(page, (x, y, size, size))
    z = round(zone * DPI / 72)
    for strip in [
        (0, 0, code.width, z),
        (0, code.height - z, code.width, code.height),
        (0, 0, z, code.height),
        (code.width - z, 0, code.width, code.height),
    ]:
        assert code.crop(strip).getextrema()[0] > 200, strip


def test_chinese_names_are_in_the_pdf_as_text():
    text = pdf_text(sheets.render_pdf(labels(4), "a4", "small"))
    for name in ("配电房", "高压配电室", "湖畔花园", "CP-1"):
        assert name in text


def glyph(font: ImageFont.FreeTypeFont, char: str) -> Image.Image:
    image = Image.new("L", (64, 64), 255)
    ImageDraw.Draw(image).text((8, 4), char, font=font, fill=0)
    return image


def test_the_embedded_font_draws_real_glyphs_not_boxes():
    font = ImageFont.truetype(str(sheets.FONT_FILE), 48, index=0)
    missing = glyph(font, "\ue000")  # private use: the font's 'not defined' box
    shapes = [glyph(font, c) for c in "配电房湖A"]
    for shape in shapes:
        assert ImageChops.difference(shape, missing).getbbox() is not None
        assert ImageChops.invert(shape).getbbox() is not None  # some ink
    for a in range(len(shapes)):
        for b in range(a + 1, len(shapes)):
            assert ImageChops.difference(shapes[a], shapes[b]).getbbox() is not None


def test_long_names_wrap_and_never_overflow_the_label():
    long = sheets.Label(labels(1)[0].payload, "超长的检查点名称" * 6, "湖畔花园", "LONG")
    for layout in ("small", "large"):
        page = pdf_pages(sheets.render_pdf([long], "a4", layout), DPI)[0].convert("L")
        x, y, w, h = sheets.cells("a4", layout)[0]
        # Blank the label itself (and its outline's width); nothing may remain on the page.
        edge = 0.5 * mm
        label = crop(page, (x - edge, y - edge, w + 2 * edge, h + 2 * edge))
        left, top = round((x - edge) * DPI / 72), round(page.height - (y + h + edge) * DPI / 72)
        page.paste(255, (left, top, left + label.width, top + label.height))
        assert page.getextrema()[0] == 255, layout


def test_unknown_paper_or_layout_is_refused():
    with pytest.raises(ValueError, match="paper"):
        sheets.render_pdf(labels(1), "a3", "small")


def test_an_empty_selection_is_still_a_valid_pdf():
    assert len(pdf_pages(sheets.render_pdf([], "a4", "small"), 72)) == 1
