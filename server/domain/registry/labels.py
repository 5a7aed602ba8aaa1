"""Label sheets: the labels of the active tags a choice names, as the PDF to print, its first
page to look at first, and the file's name. The API and the console print through here."""

import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from qr import preview, sheets
from server.domain.registry import tags


@dataclass(frozen=True)
class LabelSheet:
    """The labels of a choice of active tags, on one paper in one layout."""

    labels: tuple[sheets.Label, ...]
    paper: str
    layout: str

    @property
    def per_page(self) -> int:
        return len(sheets.cells(self.paper, self.layout))

    @property
    def pages(self) -> int:
        return math.ceil(len(self.labels) / self.per_page)

    @property
    def filename(self) -> str:
        """vigil-tags-<the first label's site>-<layout>-<paper>.pdf, safe as a file name."""
        site = re.sub(r"[^\w.-]+", "-", self.labels[0].site).strip("-") or "tag"
        return f"vigil-tags-{site}-{self.layout}-{self.paper}.pdf"

    def pdf(self) -> bytes:
        return sheets.render_pdf(self.labels, self.paper, self.layout)

    def first_page_png(self) -> bytes:
        return preview.first_page_png(self.labels, self.paper, self.layout)


def label_sheet(session: Session, choices: dict[str, Any]) -> LabelSheet:
    """The sheet for a choice (site, zone or tag ids; paper, layout); nothing active to print
    is Invalid, as tags.printable says."""
    rows = tags.printable(session, choices)
    labels = tuple(sheets.Label(r.payload, r.name, r.site, r.code) for r in rows)
    return LabelSheet(labels, choices["paper"], choices["layout"])
