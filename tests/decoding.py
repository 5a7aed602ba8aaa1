"""Reading codes back with real decoders: zbar for QR, pdfium for PDF pages, cairo for SVG."""

import io

import pytest
from PIL import Image

try:
    from pyzbar.pyzbar import ZBarSymbol
    from pyzbar.pyzbar import decode as _zbar_decode
except ImportError:  # pyzbar raises this when the zbar shared library is missing
    _zbar_decode = None

try:
    import cairosvg
except OSError:  # cairocffi cannot find libcairo
    cairosvg = None

needs_zbar = pytest.mark.skipif(
    _zbar_decode is None, reason="needs the Debian package 'libzbar0' (apt-get install libzbar0)"
)
needs_cairo = pytest.mark.skipif(
    cairosvg is None, reason="needs the Debian package 'libcairo2' (apt-get install libcairo2)"
)


def zbar(image: Image.Image) -> list[str]:
    """Every QR code zbar finds in image, as text."""
    found = _zbar_decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])
    return [symbol.data.decode("ascii") for symbol in found]


def png_image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def svg_image(data: bytes, dpi: int = 300) -> Image.Image:
    """Rasterise an SVG at dpi onto white."""
    png = cairosvg.svg2png(bytestring=data, dpi=dpi, background_color="white")
    return Image.open(io.BytesIO(png))


def pdf_pages(data: bytes, dpi: int = 300) -> list[Image.Image]:
    """Every page of a PDF rasterised at dpi."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return [page.render(scale=dpi / 72).to_pil() for page in document]


def pdf_text(data: bytes) -> str:
    """The text of every page, as a PDF reader would copy it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)
