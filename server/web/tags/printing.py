"""Label sheets from the console: the API's /label-sheets rows and PDF, and a first-page preview."""

import base64
import io
import math
import re
from dataclasses import dataclass
from typing import Any

from flask import Response, send_file
from sqlalchemy.orm import Session

from qr import preview, sheets
from server.domain.registry import tags


@dataclass(frozen=True)
class Preview:
    """The first page as an inline PNG, and how many labels and pages the PDF will hold."""

    image: str  # a data: URL (the page's policy allows data: images)
    labels: int
    pages: int
    per_page: int


def _labels(rows: list[tags.PrintableTag]) -> list[sheets.Label]:
    return [sheets.Label(r.payload, r.name, r.site, r.code) for r in rows]


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-") or "tag"


def file(data: bytes, mimetype: str, name: str, save: bool = False) -> Response:
    """A file to show (an image), or to save (save=True); send_file adds an RFC 5987
    filename* for Chinese names."""
    buffer = io.BytesIO(data)
    return send_file(buffer, mimetype=mimetype, as_attachment=save, download_name=name, max_age=0)


def pdf(session: Session, choices: dict[str, Any]) -> Response:
    """The PDF the API's /label-sheets makes for the same choices, to save and print."""
    rows = tags.printable(session, choices)
    data = sheets.render_pdf(_labels(rows), choices["paper"], choices["layout"])
    name = f"vigil-tags-{_safe(rows[0].site)}-{choices['layout']}-{choices['paper']}.pdf"
    return file(data, "application/pdf", name, save=True)


def first_page(session: Session, choices: dict[str, Any]) -> Preview:
    """What the first page of that PDF will look like."""
    rows = tags.printable(session, choices)
    png = preview.first_page_png(_labels(rows), choices["paper"], choices["layout"])
    per_page = len(sheets.cells(choices["paper"], choices["layout"]))
    image = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return Preview(image, len(rows), math.ceil(len(rows) / per_page), per_page)
