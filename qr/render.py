"""One tag as a QR code: the module matrix, a PNG at a chosen DPI, and an SVG."""

import io
from decimal import Decimal

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 requires
MM_PER_INCH = 25.4


def make_qr(payload: str) -> qrcode.QRCode:
    """A QR code at level Q (25 % may be damaged or dirty): stickers live outdoors and in dust."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE)
    code.add_data(payload, optimize=0)
    code.make(fit=True)
    return code


def matrix(payload: str) -> list[list[bool]]:
    """Dark (True) and light modules, quiet zone included."""
    return make_qr(payload).get_matrix()


def png(payload: str, size_mm: float = 30.0, dpi: int = 300) -> bytes:
    """A PNG about size_mm wide (quiet zone included) at dpi, with whole pixels per module."""
    code = make_qr(payload)
    modules = code.modules_count + 2 * QUIET_ZONE
    code.box_size = max(1, round(size_mm / MM_PER_INCH * dpi / modules))
    image = code.make_image().get_image()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()


def svg(payload: str, size_mm: float = 30.0) -> bytes:
    """An SVG size_mm wide (quiet zone included), all dark modules in one path."""
    code = make_qr(payload)
    modules = code.modules_count + 2 * QUIET_ZONE
    # qrcode's SVG unit is the millimetre at box_size 10; whole microns keep the file small.
    code.box_size = (Decimal(str(size_mm)) * 10 / modules).quantize(Decimal("0.001"))
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="utf-8")
