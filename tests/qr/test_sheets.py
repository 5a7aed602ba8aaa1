"""Label sheets: every code decodes from its cell at 300 dpi, Chinese names are real glyphs."""

import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont
from reportlab.lib.units import mm

from qr import payload, sheets, textfit
from qr.render import QUIET_ZONE, make_qr
from qr.textfit import ELLIPSIS
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


LONG_NAMES = [
    "3号楼地下二层配电房东侧高压开关柜 North Substation HV switchgear",
    "湖畔花园二期地下车库B区消防水泵房稳压泵控制柜",
    "Building 7 basement level 2 east stairwell fire door and emergency lights",
    "2号楼屋顶（东侧）冷却塔检修平台，Cooling tower maintenance platform",
]


def squashed(text: str) -> str:
    return "".join(text.split())


def cell_texts(pdf: bytes, paper: str, layout: str) -> list[str]:
    """The text inside each label cell, page after page, as a PDF reader would copy it."""
    document = pypdfium2.PdfDocument(pdf)
    texts = []
    for page in document:
        textpage = page.get_textpage()
        for x, y, w, h in sheets.cells(paper, layout):
            texts.append(textpage.get_text_bounded(x, y, x + w, y + h))
    return texts


def named(names: list[str]) -> list[sheets.Label]:
    return [
        sheets.Label(label.payload, name, label.site, label.code)
        for label, name in zip(labels(len(names)), names, strict=True)
    ]


@needs_zbar
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("layout", ["small", "large"])
def test_long_names_print_whole_across_lines_and_every_code_still_decodes(paper, layout):
    wanted = named(LONG_NAMES)
    pdf = sheets.render_pdf(wanted, paper, layout)
    page = pdf_pages(pdf, DPI)[0]
    grid = sheets.cells(paper, layout)
    assert [zbar(crop(page, cell)) for cell in grid[: len(wanted)]] == [
        [label.payload] for label in wanted
    ]
    for label, text in zip(wanted, cell_texts(pdf, paper, layout), strict=False):
        assert ELLIPSIS not in text
        # Every character of the name, in order, with only line breaks between them.
        assert squashed(label.name) in squashed(text), (label.name, text)
        assert len(text.strip().splitlines()) > 3  # code, the name on two or more lines, site


def longest_fitting(base: str, layout: str, lines: int) -> str:
    """The longest start of base (whole words) that wraps into `lines` at the smallest size."""
    _, _, width, _ = sheets.text_box(layout, sheets.cells("a4", layout)[0])
    pt = sheets.LAYOUTS[layout].min_pt
    best = ""
    for end in range(1, len(base) + 1):
        if end < len(base) and base[end] != " " and base[end - 1 : end + 1].isascii():
            continue  # not a word's end
        parts = [(p, textfit._width(sheets.FONT, p)) for p in textfit.pieces(base[:end])]
        if len(textfit.wrap(parts, sheets.FONT, pt, width)[0]) <= lines:
            best = base[:end].strip()
    return best


@pytest.mark.parametrize("lines", ["two", "as many as the layout gives a name"])
@pytest.mark.parametrize("layout", ["small", "large"])
def test_a_name_that_fits_two_lines_at_the_smallest_size_is_never_cut(layout, lines):
    sheets.render_pdf(labels(1))  # registers the font the widths are measured in
    bases = [
        "北区地下车库消防水泵房稳压泵控制柜及高压配电房东侧开关柜" * 3,
        "North substation high voltage switchgear and transformer room east " * 3,
        "3号楼地下二层配电房东侧高压开关柜 North Substation HV switchgear " * 3,
    ]
    most = 2 if lines == "two" else sheets.LAYOUTS[layout].name_lines
    names = [longest_fitting(base, layout, most) for base in bases]
    pdf = sheets.render_pdf(named(names), "a4", layout)
    for name, text in zip(names, cell_texts(pdf, "a4", layout), strict=False):
        assert ELLIPSIS not in text
        assert squashed(name) in squashed(text), (name, text)


def test_names_too_long_even_at_the_smallest_size_are_cut_and_stay_on_the_label():
    long = sheets.Label(labels(1)[0].payload, "超长的检查点名称" * 12, "湖畔花园", "LONG")
    for layout in ("small", "large"):
        pdf = sheets.render_pdf([long], "a4", layout)
        assert ELLIPSIS in pdf_text(pdf)
        page = pdf_pages(pdf, DPI)[0].convert("L")
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


def test_no_labels_is_refused_rather_than_a_blank_sheet():
    with pytest.raises(ValueError, match="no labels"):
        sheets.render_pdf([], "a4", "small")
