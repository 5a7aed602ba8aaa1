"""Per-request bookkeeping: the request id and one access log line."""

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from server.domain.actor import set_request_id

log = logging.getLogger("vigil.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def init_requests(app: Flask) -> None:
    """Give each request an id (the client's X-Request-ID when sane) and log its outcome."""

    @app.before_request
    def _start() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        g.started = time.perf_counter()
        set_request_id(g.request_id)

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(
                    (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1
                ),
                "user_id": g.get("user_id"),
            },
        )
        return response
