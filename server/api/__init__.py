"""HTTP API: flask-smorest, one folder per resource, registered from MODULES."""

from typing import Any

from flask import Flask
from flask_smorest import Api
from flask_smorest import etag as fs_etag
from flask_smorest.pagination import PaginationMetadataSchema
from flask_smorest.spec.plugins import integerconverter2paramschema

from server.api import docs
from server.api.alerts import routes as alerts
from server.api.asset_readings import routes as asset_readings
from server.api.assets import routes as assets
from server.api.audit import routes as audit
from server.api.auth import routes as auth
from server.api.checkpoints import routes as checkpoints
from server.api.devices import routes as devices
from server.api.enrollment import routes as enrollment
from server.api.errors import init_errors
from server.api.escalation_policies import routes as escalation_policies
from server.api.events import routes as events
from server.api.field_reports import routes as field_reports
from server.api.handheld_protocol import routes as device
from server.api.health import routes as health
from server.api.inspection_schedules import routes as inspection_schedules
from server.api.inspection_templates import routes as inspection_templates
from server.api.inspections import routes as inspections
from server.api.notify_endpoints import routes as notify_endpoints
from server.api.notify_preferences import routes as notify_preferences
from server.api.organizations import routes as organizations
from server.api.patrol_routes import routes as patrol_routes
from server.api.photos import routes as photos
from server.api.query import init_query_check
from server.api.report_schedules import routes as report_schedules
from server.api.reports import routes as reports
from server.api.rounds import routes as rounds
from server.api.schedules import routes as schedules
from server.api.security import init_security
from server.api.sites import routes as sites
from server.api.tag_keys import routes as tag_keys
from server.api.tags import routes as tags
from server.api.users import routes as users
from server.api.wand_imports import routes as wand_imports
from server.http.converters import IdConverter, Sha256Converter, init_converters
from server.http.limits import init_limits
from server.http.request_ids import init_requests
from server.http.session import init_session

MODULES = (
    auth,
    organizations,
    sites,
    checkpoints,
    assets,
    tags,
    tag_keys,
    users,
    devices,
    enrollment,
    device,
    photos,
    wand_imports,
    patrol_routes,
    schedules,
    rounds,
    alerts,
    events,
    field_reports,
    inspection_templates,
    inspection_schedules,
    inspections,
    asset_readings,
    notify_endpoints,
    escalation_policies,
    notify_preferences,
    reports,
    report_schedules,
    audit,
    health,
)

OPENAPI = {
    "API_TITLE": "Vigil",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": docs.ASSETS_URL,
}


class VigilApi(Api):
    """flask-smorest's Api, with Vigil's error handlers (server.api.errors) in place of its own."""

    def _register_error_handlers(self) -> None:
        # Vigil's own handlers (server.api.errors) cover HTTP errors too.
        pass

    def _register_etag_headers(self) -> None:
        # flask-smorest's, with the length an ETag list may have (every header has a limit).
        for name, header in (("IF_NONE_MATCH", "If-None-Match"), ("IF_MATCH", "If-Match")):
            self.spec.components.parameter(
                name,
                "header",
                {
                    "name": header,
                    "description": "ETags from a GET",
                    "schema": {"type": "string", "maxLength": 200},
                },
                lazy=True,
            )
        self.spec.components.header("ETAG", fs_etag.ETAG_HEADER, lazy=True)

    def _register_pagination_header(self) -> None:
        # The header's value is JSON text; flask-smorest documents it as a bare object, which
        # OpenAPI reads as "k,v,k,v" serialisation. Say what clients actually receive.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata, as JSON",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


def init_api(app: Flask) -> Any:
    """Attach the API, its error handlers and its request hooks to app."""
    for key, value in OPENAPI.items():
        app.config.setdefault(key, value)
    init_converters(app)
    api = VigilApi(app)
    api.register_converter(IdConverter, integerconverter2paramschema)
    api.register_converter(
        Sha256Converter, lambda _c: {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    )
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"},
    )
    api.spec.components.security_scheme(
        "deviceToken",
        {"type": "http", "scheme": "bearer", "description": "POST /api/v1/device/enroll"},
    )
    for module in MODULES:
        api.register_blueprint(module.blp)
    app.register_blueprint(docs.blp)
    init_session(app)
    init_requests(app)
    init_limits(app)
    init_security(app)
    init_query_check(app, api)
    init_errors(app, api)
    return api
