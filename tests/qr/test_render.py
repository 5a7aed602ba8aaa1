"""One tag as PNG and SVG: the right size, and a real decoder reads it back."""

import re

import pytest

from qr import payload, render
from tests.decoding import needs_cairo, needs_zbar, png_image, svg_image, zbar

TEXT = payload.build(payload.TagRef(payload.TagKind.CHECKPOINT, 3, 77, 1), b"k" * 32)


@needs_zbar
@pytest.mark.parametrize("dpi", [150, 300, 600])
def test_png_decodes_at_each_dpi(dpi):
    assert zbar(png_image(render.png(TEXT, size_mm=25, dpi=dpi))) == [TEXT]


def test_png_is_the_requested_width_at_the_requested_dpi():
    image = png_image(render.png(TEXT, size_mm=30, dpi=300))
    expected = 30 / 25.4 * 300  # 354 px
    assert abs(image.width - expected) / expected < 0.1
    assert round(image.info["dpi"][0]) == 300


def test_png_keeps_a_quiet_zone_of_four_modules():
    image = png_image(render.png(TEXT, size_mm=30, dpi=300)).convert("L")
    modules = render.make_qr(TEXT).modules_count + 2 * render.QUIET_ZONE
    border = image.width * render.QUIET_ZONE // modules
    strips = [(0, 0, image.width, border), (0, 0, border, image.height)]
    assert all(image.crop(box).getextrema()[0] == 255 for box in strips)


def test_svg_declares_its_print_size():
    svg = render.svg(TEXT, size_mm=40).decode()
    width = float(re.search(r'width="([0-9.]+)mm"', svg).group(1))
    height = float(re.search(r'height="([0-9.]+)mm"', svg).group(1))
    assert abs(width - 40) < 0.01 and width == height


@needs_zbar
@needs_cairo
def test_svg_rasterised_decodes():
    assert zbar(svg_image(render.svg(TEXT, size_mm=30))) == [TEXT]
