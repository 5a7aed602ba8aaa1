"""How gunicorn serves Vigil: the request head it lets through, and how a worker settles in.

`gunicorn -c python:server.serving 'server:create_app()'` loads these settings.
"""

import gc
from typing import Any

# gunicorn refuses a request head past these limits itself, with an HTML page. They are a ceiling
# above Vigil's own (server.http.limits), so a long URL or header up to it is refused in the API's
# JSON shape instead. Past the ceiling gunicorn still answers 414 or 431 itself, before reading on.
# 8190 is the largest bounded request line gunicorn takes: it cuts more to 8190, and 0 would mean
# unlimited. A header field has no such cap; 32 KiB x gunicorn's 100 fields bounds a head at 3 MiB.
limit_request_line = 8190
limit_request_field_size = 32768


def settle() -> None:
    """Take everything built at startup out of the garbage collector's rounds (gc.freeze).

    Each request makes many short-lived objects, and every full collection would walk the whole
    startup heap again (mappers, schemas, the app), though none of it ever becomes garbage.
    Frozen, it is skipped: make bench measured about 20 % more sync throughput.
    """
    gc.collect()  # what is garbage now is collected first, never frozen
    gc.freeze()


def post_worker_init(worker: Any) -> None:
    """Gunicorn hook: a worker has loaded the app and is about to serve."""
    settle()
