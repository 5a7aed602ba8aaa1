"""Query strings: a parameter the operation does not document is refused, never ignored."""

import re
from typing import Any

from flask import Flask, request

from server.domain.errors import Invalid


def openapi_path(rule: str) -> str:
    """/sites/<id:site_id> -> /sites/{site_id}, as the OpenAPI document writes paths."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def documented_query_names(app: Flask, api: Any) -> dict[tuple[str, str], frozenset[str]]:
    """(endpoint, method) -> the query parameters its OpenAPI operation lists."""
    paths = api.spec.to_dict()["paths"]
    names = {}
    for rule in app.url_map.iter_rules():
        operations = paths.get(openapi_path(rule.rule), {})
        for method in rule.methods or ():
            operation = operations.get(method.lower())
            if operation is not None:
                params = operation.get("parameters", [])
                names[rule.endpoint, method] = frozenset(
                    p["name"] for p in params if p.get("in") == "query"
                )
    return names


def init_query_check(app: Flask, api: Any) -> None:
    """Refuse unknown query parameters: `?stat=open` for `?status=open` would list everything."""
    known: dict[tuple[str, str], frozenset[str]] = {}

    @app.before_request
    def _check() -> None:
        if not known:  # built on first use: the document is complete only once all is registered
            known.update(documented_query_names(app, api))
        method = "GET" if request.method == "HEAD" else request.method  # HEAD is GET's
        allowed = known.get((request.endpoint or "", method))
        if allowed is None:  # not an API operation (docs pages, CORS preflight)
            return
        unknown = sorted(set(request.args) - allowed)
        if unknown:
            raise Invalid(
                f"unknown query parameter: {', '.join(unknown)}",
                {"query": {name: ["Unknown field."] for name in unknown}},
            )
