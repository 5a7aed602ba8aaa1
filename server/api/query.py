"""Query strings: a parameter the operation does not document is refused, never ignored."""

import re
from typing import Any, NamedTuple

from flask import Flask, request

from server.domain.errors import Invalid


def openapi_path(rule: str) -> str:
    """/sites/<id:site_id> -> /sites/{site_id}, as the OpenAPI document writes paths."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


class Documented(NamedTuple):
    """What an operation's OpenAPI entry says a request may carry besides its body."""

    query: frozenset[str]
    header_limits: dict[str, int]  # header name -> its maxLength


def documented_parameters(app: Flask, api: Any) -> dict[tuple[str, str], Documented]:
    """(endpoint, method) -> the query parameters and header limits its operation lists."""
    spec = api.spec.to_dict()
    names = {}
    for rule in app.url_map.iter_rules():
        operations = spec["paths"].get(openapi_path(rule.rule), {})
        for method in rule.methods or ():
            operation = operations.get(method.lower())
            if operation is not None:
                params = [_resolved(spec, p) for p in operation.get("parameters", [])]
                names[rule.endpoint, method] = Documented(
                    frozenset(p["name"] for p in params if p.get("in") == "query"),
                    {
                        p["name"]: p["schema"]["maxLength"]
                        for p in params
                        if p.get("in") == "header" and "maxLength" in p.get("schema", {})
                    },
                )
    return names


def _resolved(spec: dict[str, Any], param: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in param:
        return spec["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
    return param


def init_query_check(app: Flask, api: Any) -> None:
    """Refuse unknown query parameters (`?stat=open` for `?status=open` would list everything)
    and headers longer than the document says (an If-Match of a megabyte)."""
    known: dict[tuple[str, str], Documented] = {}

    @app.before_request
    def _check() -> None:
        if not known:  # built on first use: the document is complete only once all is registered
            known.update(documented_parameters(app, api))
        method = "GET" if request.method == "HEAD" else request.method  # HEAD is GET's
        documented = known.get((request.endpoint or "", method))
        if documented is None:  # not an API operation (docs pages, CORS preflight)
            return
        for name, most in documented.header_limits.items():
            if len(request.headers.get(name, "")) > most:
                raise Invalid(
                    f"header {name}: at most {most} characters",
                    {"headers": {name: [f"Longer than maximum length {most}."]}},
                )
        unknown = sorted(set(request.args) - documented.query)
        if unknown:
            raise Invalid(
                f"unknown query parameter: {', '.join(unknown)}",
                {"query": {name: ["Unknown field."] for name in unknown}},
            )
