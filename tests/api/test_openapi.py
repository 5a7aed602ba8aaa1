"""The OpenAPI document is valid and complete: every endpoint, its auth and its errors."""

from openapi_spec_validator import validate

from server.api.query import openapi_path
from tests.api.test_access_matrix import DEVICE, PUBLIC

PUBLIC_OPS = {(m, openapi_path(r)) for m, r in PUBLIC}
DEVICE_OPS = {(m, openapi_path(r)) for m, r in DEVICE}


def test_document_is_valid_openapi_3(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    validate(response.json)


def test_every_route_is_documented(app, client):
    spec = client.get("/api/openapi.json").json
    documented = {
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method in ops
        if method != "parameters"
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api-docs"):
            continue
        path = openapi_path(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented, f"{method} {path} missing from OpenAPI"


def test_each_operation_has_a_summary_and_documents_its_errors(client):
    spec = client.get("/api/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method == "parameters":
                continue
            name = f"{method.upper()} {path}"
            assert op.get("summary"), f"{name} has no summary"
            assert "default" in op["responses"], f"{name} does not document its error shape"
            if (method.upper(), path) in PUBLIC_OPS:
                assert "security" not in op
                continue
            if (method.upper(), path) in DEVICE_OPS:
                assert op["security"] == [{"deviceToken": []}] and "401" in op["responses"], name
                continue
            assert op["security"] == [{"bearerAuth": []}], name
            assert {"401", "403"} <= set(op["responses"]), f"{name} lacks 401/403"
            if "requestBody" in op or any(p.get("in") == "query" for p in op.get("parameters", [])):
                assert "422" in op["responses"], f"{name} lacks 422"


def test_interactive_docs_page_is_served(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"swagger-ui" in response.data and b"/api/openapi.json" in response.data


def test_item_endpoints_document_not_found_conflict_and_stale_writes(client):
    spec = client.get("/api/openapi.json").json
    for path, ops in spec["paths"].items():
        if not path.startswith("/api/v1/") or "{" not in path or path.startswith("/api/v1/device/"):
            continue
        for method, op in ops.items():
            if method != "parameters":
                assert "404" in op["responses"], f"{method.upper()} {path}"
        if "patch" not in ops:
            continue
        patch = ops["patch"]
        assert {"404", "409", "412"} <= set(patch["responses"]), path
        assert any(p["name"] == "If-Match" for p in patch.get("parameters", [])), path
        assert "304" in ops["get"]["responses"], f"{path}: conditional GET undocumented"


def test_downloads_document_their_content_types(client):
    paths = client.get("/api/openapi.json").json["paths"]
    expected = {
        "/api/v1/qr-tags/{tag_id}/image.png": "image/png",
        "/api/v1/qr-tags/{tag_id}/image.svg": "image/svg+xml",
        "/api/v1/label-sheets": "application/pdf",
    }
    for path, mimetype in expected.items():
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert content == {mimetype: {"schema": {"type": "string", "format": "binary"}}}, path


def test_handheld_operations_document_the_protocol_header_and_its_412(client):
    spec = client.get("/api/openapi.json").json
    for path, ops in spec["paths"].items():
        if not path.startswith("/api/v1/device/"):
            continue
        for method, op in ops.items():
            if method == "parameters":
                continue
            header = next(p for p in op["parameters"] if p["name"] == "Vigil-Protocol")
            assert header["in"] == "header" and header["required"], f"{method} {path}"
            assert header["schema"]["enum"] == ["1"] and "412" in op["responses"]


def test_pagination_header_is_documented_as_the_json_text_it_is(client):
    spec = client.get("/api/openapi.json").json
    header = spec["components"]["headers"]["PAGINATION"]
    assert list(header["content"]) == ["application/json"]
    listing = spec["paths"]["/api/v1/sites"]["get"]
    assert listing["responses"]["200"]["headers"]["X-Pagination"] == {
        "$ref": "#/components/headers/PAGINATION"
    }


def _resolve(spec, schema):
    while "$ref" in schema:
        _, _, kind, name = schema["$ref"].split("/")
        schema = spec["components"][kind][name]
    return schema


def _parameters(spec, op):
    return [_resolve(spec, p) for p in op.get("parameters", [])]


def _request_fields(spec, schema, where, seen=None):
    """(where, field schema) for every leaf a request may carry under schema."""
    seen = set() if seen is None else seen
    if "$ref" in schema:
        name = schema["$ref"]
        if name in seen:
            return
        seen = seen | {name}
    schema = _resolve(spec, schema)
    if schema.get("readOnly"):
        return
    if schema.get("type") == "object" or "properties" in schema:
        for name, inner in schema.get("properties", {}).items():
            yield from _request_fields(spec, inner, f"{where}.{name}", seen)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            yield from _request_fields(spec, extra, f"{where}.*", seen)
    elif schema.get("type") == "array":
        yield (where, schema)
        yield from _request_fields(spec, schema.get("items", {}), f"{where}[]", seen)
    else:
        yield (where, schema)


def _unbounded(schema):
    kind = schema.get("type")
    if kind == "integer":
        return "minimum" not in schema or "maximum" not in schema
    if kind == "string":
        bounded = ("maxLength", "enum", "pattern")
        return not any(k in schema for k in bounded) and schema.get("format") not in (
            "date-time",
            "date",
            "uuid",
            "binary",
        )
    if kind == "array":
        return "maxItems" not in schema
    return False


def test_every_value_a_request_may_carry_has_its_limit_in_the_document(client):
    """A device maker reads the maxima from the contract, not from 422s."""
    spec = client.get("/api/openapi.json").json
    unbounded = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method == "parameters":
                continue
            name = f"{method.upper()} {path}"
            for param in _parameters(spec, op):
                for where, schema in _request_fields(spec, param.get("schema", {}), param["name"]):
                    if _unbounded(schema):
                        unbounded.append(f"{name} {param['in']} {where}")
            for media in op.get("requestBody", {}).get("content", {}).values():
                for where, schema in _request_fields(spec, media.get("schema", {}), "body"):
                    if _unbounded(schema):
                        unbounded.append(f"{name} {where}")
    assert not unbounded, "\n".join(unbounded)


def test_the_handheld_contract_names_its_header_formats_and_stale_writes(client):
    spec = client.get("/api/openapi.json").json
    sync = spec["paths"]["/api/v1/device/sync"]["post"]
    header = next(p for p in sync["parameters"] if p["name"] == "Vigil-Protocol")
    assert header["in"] == "header" and header["required"] and header["schema"]["enum"]
    assert "412" in sync["responses"]
    body = _resolve(spec, sync["requestBody"]["content"]["application/json"]["schema"])
    assert body["properties"]["sent_at"]["format"] == "date-time"
    # Every operation that honours If-Match says what a stale one gets.
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            names = {p["name"] for p in _parameters(spec, op)} if method != "parameters" else ()
            if "If-Match" in names:
                assert "412" in op["responses"], f"{method.upper()} {path}"
