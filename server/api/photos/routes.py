"""Photos for people: a thumbnail and a display copy (no EXIF), the original for evidence, and
uploads of their own (a resolution's, an inspection record's)."""

import io

from flask import current_app, request, send_file
from flask.views import MethodView
from flask_smorest.error_handler import ErrorSchema

from server.api.blueprint import Blueprint
from server.api.handheld_protocol.schemas import PhotoSchema
from server.domain import photos
from server.domain.actor import Role, current_actor
from server.domain.errors import Forbidden
from server.http.session import db_session

blp = Blueprint(
    "photos", __name__, url_prefix="/api/v1", description="Photos from handhelds and people"
)

BINARY = {"type": "string", "format": "binary"}


@blp.before_request
def _photo_sized_body():
    """An upload may be as large as a photo, not only as large as a JSON body."""
    if request.endpoint == "photos.Upload":
        request.max_content_length = current_app.extensions["vigil"].photo_limits.max_bytes


def _send(key: str, mimetype: str, name: str):
    with current_app.extensions["vigil"].blobs.open(key) as blob:
        data = blob.read()
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, max_age=86400)


@blp.route("/photos/<sha256:sha256>/<any(thumbnail, display):size>.jpg")
class Derived(MethodView):
    @blp.authenticated
    @blp.documents(404)
    @blp.response(200, BINARY, content_type="image/jpeg", description="Upright, no EXIF")
    def get(self, sha256, size):
        """A photo's thumbnail (320 px) or display copy (1600 px), no GPS (admin, supervisor)"""
        photos.get_visible(db_session(), sha256)
        key = photos.derived_key(current_app.extensions["vigil"].blobs, sha256, size)
        return _send(key, "image/jpeg", f"{sha256[:12]}-{size}.jpg")


@blp.route("/photos/<sha256:sha256>/original")
class Original(MethodView):
    @blp.authenticated
    @blp.documents(404)
    @blp.doc(
        responses={
            "200": {
                "description": "As uploaded, in its own format",
                "content": {kind: {"schema": BINARY} for kind in photos.FORMATS.values()},
            }
        }
    )
    def get(self, sha256):
        """The original bytes as the device sent them, metadata included (admin)"""
        if current_actor().role is not Role.ADMIN:
            raise Forbidden("originals keep their GPS metadata: admins only")
        photo = photos.get_visible(db_session(), sha256)
        return _send(
            sha256, photo.content_type, f"{sha256[:12]}.{photo.content_type.split('/')[1]}"
        )


@blp.route("/photos/<sha256:sha256>")
class Upload(MethodView):
    @blp.authenticated
    @blp.documents(404)
    @blp.response(201, PhotoSchema, description="Stored now")
    @blp.alt_response(200, schema=PhotoSchema, description="Already stored: the same bytes again")
    @blp.alt_response(413, schema=ErrorSchema, description="Photo too large")
    @blp.alt_response(
        422, schema=ErrorSchema, description="Hash mismatch, not an image, too many pixels"
    )
    @blp.doc(
        requestBody={
            "required": True,
            "content": {kind: {"schema": BINARY} for kind in photos.FORMATS.values()},
        }
    )
    def put(self, sha256):
        """Upload a photo by its SHA-256 (admin, supervisor, engineer)

        Upload first, then name its SHA-256 where it belongs: a resolution's `photo`, an
        inspection record's `photos`. The same bytes again are a no-op (200). The checks are a
        handheld's: JPEG, PNG or WebP (by content, not by the Content-Type), the size and
        pixel limits, and the bytes must hash to the URL's SHA-256.
        """
        vigil = current_app.extensions["vigil"]
        photo, created = photos.upload(
            db_session(), vigil.blobs, sha256, request.stream, vigil.photo_limits
        )
        db_session().commit()
        return photo, 201 if created else 200
