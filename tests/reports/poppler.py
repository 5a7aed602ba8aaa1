"""Reading PDFs back with poppler's tools, as a reader's viewer would."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

POPPLER = {tool: shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdfimages")}
# CI installs poppler-utils (.ci/run), so these never skip there.
NEEDS_POPPLER = pytest.mark.skipif(
    not all(POPPLER.values()), reason="needs poppler-utils (pdftotext, pdffonts, pdfimages)"
)


def run(tool: str, pdf: bytes, *args: str) -> str:
    """A poppler tool's output for the PDF."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        command = [POPPLER[tool], *args, str(path), *(["-"] if tool == "pdftotext" else [])]
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout  # type: ignore[list-item]


def pages(pdf: bytes) -> list[str]:
    """Each page's text as `pdftotext -layout` lays it out."""
    return run("pdftotext", pdf, "-layout").split("\f")[:-1]
