"""Response headers that keep browsers from misusing the API, and its CORS policy."""

from flask import Flask, Response, request
from flask_cors import CORS

# JSON never needs to run, load or embed anything, nor be framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# Swagger UI: its own files, the inline script that starts it, fetches of openapi.json.
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# What a browser console on another origin may send, and read back.
CORS_HEADERS = ["Authorization", "Content-Type", "If-Match", "If-None-Match", "X-Request-ID"]
CORS_EXPOSED = ["ETag", "X-Pagination", "X-Request-ID", "Retry-After", "Location"]


def init_security(app: Flask) -> None:
    """Set the security headers on every response; allow the configured origins, no others."""
    origins = [o.strip() for o in app.config["CORS_ORIGINS"].split(",") if o.strip()]
    if origins:
        # Bearer tokens, not cookies: no credentials mode, so no origin can ride on a session.
        CORS(
            app,
            resources={r"/api/*": {"origins": origins}},
            allow_headers=CORS_HEADERS,
            expose_headers=CORS_EXPOSED,
            methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            max_age=600,
            supports_credentials=False,
        )

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        docs = request.path.startswith("/api/docs")
        headers.setdefault("Content-Security-Policy", DOCS_POLICY if docs else API_POLICY)
        if "Authorization" in request.headers and "Cache-Control" not in headers:
            # What a token opened stays out of shared and browser caches.
            headers["Cache-Control"] = "no-store"
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
