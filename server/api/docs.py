"""Swagger UI's files, served from the swagger-ui-bundle package so /api/docs works offline."""

from flask import Blueprint, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/docs/assets/"

blp = Blueprint("api-docs-assets", __name__)


@blp.get(f"{ASSETS_URL}<path:filename>")
def asset(filename: str) -> Response:
    """One Swagger UI file (send_from_directory refuses paths outside the folder)."""
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
