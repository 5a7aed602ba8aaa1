"""Vendored front-end files are the pinned ones, listed with their licences, and pages stay
light: the console must work on a site network with no internet."""

import gzip
import hashlib
import re
from pathlib import Path

VENDOR = Path("server/web/static/vendor")
STATIC = Path("server/web/static")


def test_every_vendored_file_is_listed_with_its_hash_and_licence():
    listing = (VENDOR / "README.md").read_text()
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", listing, re.MULTILINE)
    shipped = {p.name for p in VENDOR.iterdir() if p.suffix == ".js"}
    assert {name for name, _ in rows} == shipped
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
        assert (VENDOR / name.replace(".min.js", ".LICENSE")).exists(), name


def test_the_most_a_page_loads_is_under_100_kb_gzipped():
    # The heaviest page: htmx, the console's own script and every page group's stylesheet.
    files = [*VENDOR.glob("*.js"), *STATIC.glob("*.js"), *STATIC.glob("*.css")]
    total = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    assert total < 100 * 1024, f"{total} bytes gzipped"


def test_no_page_names_another_origin():
    templates = Path("server/web").rglob("*.html")
    for template in templates:
        assert not re.search(r"""(src|href)=["']https?://""", template.read_text()), template
