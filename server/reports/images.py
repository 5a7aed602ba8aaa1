"""Photos made ready to embed: upright, no larger than their use needs, JPEG or PNG."""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps
from reportlab.lib.utils import ImageReader

PHOTO_PX = 1600  # a figure across the text width: about 240 dpi at 170 mm
THUMB_PX = 400  # a thumbnail of 20 mm or so: plenty at 300 dpi, and ten times less to store
_ORIENTATION = 0x0112  # EXIF tag: how the camera was held
_PASS_MODES = {"RGB", "L"}  # JPEGs a PDF shows as they are (CMYK ones come out inverted)


@dataclass(frozen=True)
class Picture:
    """Image bytes as embedded (JPEG is embedded unchanged, PNG decoded) and their size."""

    data: bytes
    width: int
    height: int

    def reader(self) -> ImageReader:
        return ImageReader(io.BytesIO(self.data))

    def fit(self, width: float, height: float) -> tuple[float, float]:
        """The largest size within width x height that keeps the picture's aspect ratio."""
        scale = min(width / self.width, height / self.height)
        return self.width * scale, self.height * scale


def prepare(data: bytes, max_side: int) -> Picture | None:
    """The picture to embed for JPEG or PNG bytes, None when they are no readable image.

    A JPEG that is upright, RGB or grey and small enough is embedded as it came; anything else
    is turned upright, scaled down to max_side pixels on its long side, flattened onto white and
    re-encoded: as JPEG if it was a JPEG (a photo), else as PNG (a screenshot stays crisp).
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            upright = image.getexif().get(_ORIENTATION, 1) in (0, 1)
            if image.format == "JPEG":
                if upright and image.mode in _PASS_MODES and max(image.size) <= max_side:
                    return Picture(data, *image.size)
                image.draft("RGB", (max_side, max_side))  # decode at 1/2, 1/4, 1/8 when it can
            return _reencode(image, max_side)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None


def _reencode(image: Image.Image, max_side: int) -> Picture:
    photo = image.format == "JPEG"
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in _PASS_MODES:
        image = image.convert("RGB")
    out = io.BytesIO()
    if photo:
        image.save(out, "JPEG", quality=85)
    else:
        image.save(out, "PNG")
    return Picture(out.getvalue(), *image.size)
