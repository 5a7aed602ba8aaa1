"""How long a URL and its headers may be (longer is refused as JSON, like any other error), and
how much a form may carry beside its file.

gunicorn reads the request head before Vigil sees it and refuses what passes its own limits with
an HTML page. server.serving raises those limits to a ceiling above these, so a request between
the two reaches this check and gets the API's error body; only past the ceiling does gunicorn
still answer itself.
"""

from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, RequestURITooLarge

MAX_URL_BYTES = 4096  # the request target as sent: path and query string
MAX_FIELD_BYTES = 8192  # one header field: its name and its value
MAX_HEADER_BYTES = 32768  # every header field together
# What a form carries besides its file (the other fields, the multipart boundaries): a body
# may be this much larger than the file it carries, so the file's own limit decides.
FORM_OVERHEAD = 64 * 1024


def url_bytes(environ: dict[str, Any]) -> int:
    """Length of the request target as the client sent it (WSGI strings hold one byte a char)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:  # a server that keeps no raw URI: rebuild it
        query = environ.get("QUERY_STRING", "")
        raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        raw += f"?{query}" if query else ""
    return len(raw)


def check_head(environ: dict[str, Any], headers: Any) -> None:
    """Raise 414 for an over-long URL, 431 for an over-long header or too many header bytes."""
    length = url_bytes(environ)
    if length > MAX_URL_BYTES:
        raise RequestURITooLarge(f"the URL is {length} bytes; at most {MAX_URL_BYTES} are accepted")
    total = 0
    for name, value in headers.items():
        field = len(name) + len(value)
        if field > MAX_FIELD_BYTES:
            raise RequestHeaderFieldsTooLarge(
                f"the header {name[:64]} is {field} bytes; at most {MAX_FIELD_BYTES} are "
                "accepted for one header"
            )
        total += field
    if total > MAX_HEADER_BYTES:
        raise RequestHeaderFieldsTooLarge(
            f"the headers are {total} bytes together; at most {MAX_HEADER_BYTES} are accepted"
        )


def init_limits(app: Flask) -> None:
    """Check every request's head before anything else reads it (register after request ids)."""

    @app.before_request
    def _check() -> None:
        check_head(request.environ, request.headers)
