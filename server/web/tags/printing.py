"""Label sheets from the console: the API's /label-sheets PDF, and a first-page preview."""

import base64
import io
from dataclasses import dataclass
from typing import Any

from flask import Response, send_file
from sqlalchemy.orm import Session

from server.domain.registry import labels


@dataclass(frozen=True)
class Preview:
    """The first page as an inline PNG, and how many labels and pages the PDF will hold."""

    image: str  # a data: URL (the page's policy allows data: images)
    labels: int
    pages: int
    per_page: int


def file(data: bytes, mimetype: str, name: str, save: bool = False) -> Response:
    """A file to show (an image), or to save (save=True); send_file adds an RFC 5987
    filename* for Chinese names."""
    buffer = io.BytesIO(data)
    return send_file(buffer, mimetype=mimetype, as_attachment=save, download_name=name, max_age=0)


def pdf(session: Session, choices: dict[str, Any]) -> Response:
    """The PDF the API's /label-sheets makes for the same choices, to save and print."""
    sheet = labels.label_sheet(session, choices)
    return file(sheet.pdf(), "application/pdf", sheet.filename, save=True)


def first_page(session: Session, choices: dict[str, Any]) -> Preview:
    """What the first page of that PDF will look like."""
    sheet = labels.label_sheet(session, choices)
    image = "data:image/png;base64," + base64.b64encode(sheet.first_page_png()).decode("ascii")
    return Preview(image, len(sheet.labels), sheet.pages, sheet.per_page)
