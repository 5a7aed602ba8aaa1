"""The one place where errors become HTTP responses, all in flask-smorest's error shape."""

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from device_protocol.text import printable
from server.domain import errors
from server.http.statuses import status_of

log = logging.getLogger("vigil.api")


def body(code: int, message: str, errors_: Any = None) -> dict[str, Any]:
    """{code, status, message[, errors]}: the body of every 4xx and 5xx Vigil sends."""
    payload: dict[str, Any] = {"code": code, "status": HTTPStatus(code).phrase, "message": message}
    if errors_:
        payload["errors"] = errors_
    return shown(payload)


def shown(value: Any) -> Any:
    """An error body that can be sent: what the client sent is echoed back (a field name, a
    value), and a lone surrogate in it would make the body itself unencodable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {shown(k): shown(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [shown(v) for v in value]
    return value


def _flatten(errors_: Any, where: str) -> list[str]:
    if isinstance(errors_, dict):
        return [
            line
            for key, inner in errors_.items()
            for line in _flatten(inner, f"{where}.{key}" if where else str(key))
        ]
    if isinstance(errors_, list) and all(isinstance(e, str) for e in errors_):
        return [f"{where}: {' '.join(errors_)}" if where else " ".join(errors_)]
    if isinstance(errors_, list):
        return [line for inner in errors_ for line in _flatten(inner, where)]
    return [f"{where}: {errors_}"]


def summary(errors_: Any, most: int = 3) -> str:
    """What was wrong with a request, in a line: the first few fields and why."""
    lines = [line.replace("._schema:", ":") for line in _flatten(errors_, "")]
    more = f" (and {len(lines) - most} more)" if len(lines) > most else ""
    return "; ".join(lines[:most]) + more


def init_errors(app: Flask, api: Any) -> None:
    """Register handlers for domain errors, HTTP errors and anything unexpected."""

    @app.errorhandler(errors.DomainError)
    def _domain(error: errors.DomainError) -> Any:
        code = status_of(error)
        headers = {}
        if isinstance(error, errors.Unauthenticated):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, errors.Throttled):
            headers["Retry-After"] = str(error.retry_after)
        return body(code, error.message, error.errors), code, headers

    def _http(error: HTTPException) -> Any:
        payload, code, headers = api.handle_http_exception(error)
        if code in (400, 422) and payload.get("errors"):
            # The schema's findings, said in a line: "json.site_id: Not a valid integer."
            payload["message"] = summary(payload["errors"])
        payload.setdefault("message", error.description)
        payload["status"] = HTTPStatus(code).phrase
        payload = shown(payload)
        if code == 405 and getattr(error, "valid_methods", None):
            # flask-smorest drops the Allow header that HTTP requires on 405.
            headers = {**headers, "Allow": ", ".join(error.valid_methods)}
        return payload, code, headers

    app.register_error_handler(HTTPException, _http)

    @app.errorhandler(DataError)
    def _unstorable(error: DataError) -> Any:
        # Schemas should catch these first; this keeps a value the database refuses a 4xx.
        log.warning("value refused by the database", extra={"error": str(error.orig)})
        return body(422, "a value is out of range or cannot be stored"), 422

    @app.errorhandler(OperationalError)
    def _database(error: OperationalError) -> Any:
        # Locked (SQLite past its busy timeout) or unreachable: the client should retry.
        log.warning("database unavailable", extra={"error": str(error.orig)})
        return body(503, "database busy or unavailable; retry shortly"), 503, {"Retry-After": "1"}

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        log.exception("unhandled error")
        return body(500, "internal error; the request id in X-Request-ID helps find it"), 500
