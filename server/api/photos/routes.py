"""Photos for people: a thumbnail and a display copy (no EXIF), and the original for evidence."""

import io

from flask import current_app, send_file
from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.domain import photos
from server.domain.actor import Role, current_actor
from server.domain.errors import Forbidden
from server.http.session import db_session

blp = Blueprint("photos", __name__, url_prefix="/api/v1", description="Photos from handhelds")

BINARY = {"type": "string", "format": "binary"}


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
