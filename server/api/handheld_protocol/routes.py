"""The handheld protocol: enroll, download the offline config, sync batches of events."""

from flask import current_app, g, jsonify, request
from flask.views import MethodView
from flask_smorest.error_handler import ErrorSchema

from device_protocol import events, version
from server.api.blueprint import Blueprint
from server.api.errors import body
from server.api.handheld_protocol.schemas import (
    EnrolledSchema,
    EnrollSchema,
    HashesSchema,
    MissingSchema,
    PhotoSchema,
    SyncRequestSchema,
    SyncResponseSchema,
)
from server.domain import photos
from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.registry import enrollment
from server.http.session import db_session
from server.ingest import config, rate, sync
from server.ingest import photos as ingest_photos

blp = Blueprint(
    "device", __name__, url_prefix="/api/v1/device", description="Handheld protocol (v1)"
)


PROTOCOL = {
    "in": "header",
    "name": version.HEADER,
    "required": True,
    "schema": {"type": "string", "enum": list(version.SUPPORTED)},
    "description": "The protocol version the handheld speaks",
}
# The bound is stated as a pattern, with no maxLength: api/query.py refuses a header longer than
# its maxLength, and a bad Vigil-App is ignored instead (it only informs; a sync must not fail).
APP = {
    "in": "header",
    "name": version.APP_HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": f"^[ -~]{{1,{version.MAX_APP_VERSION}}}$"},
    "description": (
        f"The handheld app's version (2.4.1): up to {version.MAX_APP_VERSION} printable ASCII "
        "characters, recorded at enrollment and sync; any other value is ignored, never refused"
    ),
}


def speaks_protocol(func):
    """Document the headers every handheld request carries, and the 412 without a version."""
    func = blp.doc(parameters=[PROTOCOL, APP])(func)
    return blp.alt_response(
        412, schema=ErrorSchema, description="Protocol version missing or not supported"
    )(func)


@blp.before_request
def _check_version():
    """Every device request names its protocol version (412 lists the supported ones)."""
    wanted = request.headers.get(version.HEADER)
    if wanted not in version.SUPPORTED:
        supported = ", ".join(version.SUPPORTED)
        message = f"send the header {version.HEADER} with one of: {supported}"
        if wanted:
            message = f"protocol version {wanted!r} is not supported; supported: {supported}"
        errors = {"supported": list(version.SUPPORTED)}
        return body(412, message, errors), 412, {version.SUPPORTED_HEADER: supported}
    if request.endpoint == "device.Sync":
        request.max_content_length = version.MAX_BATCH_BYTES
    if request.endpoint == "device.PhotoUpload":
        request.max_content_length = current_app.extensions["vigil"].photo_limits.max_bytes
    return None


def _app_version() -> str | None:
    """The app version the request states (Vigil-App); None when absent or malformed."""
    return version.app_version(request.headers.get(version.APP_HEADER))


@blp.route("/enroll")
class Enroll(MethodView):
    @blp.arguments(EnrollSchema)
    @blp.response(201, EnrolledSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="Invalid, used or expired code")
    @speaks_protocol
    def post(self, data):
        """Exchange a one-time enrollment code for a device token"""
        device, token = enrollment.enroll(
            db_session(), data["code"], data["serial"], data["label"], _app_version()
        )
        db_session().commit()
        return {
            "device_id": device.id,
            "token": token,
            "site_ids": device.site_ids,
            "server_time": utcnow(),
        }


@blp.route("/config")
class Config(MethodView):
    @blp.device_authenticated
    @blp.etag
    @blp.response(200, description="Everything needed to work offline; see the protocol document")
    @speaks_protocol
    def get(self):
        """Download the offline configuration (strong ETag; 304 when unchanged)"""
        data = config.build(db_session(), g.device)
        blp.set_etag(config.etag(data))
        return data | {"server_time": utcnow().isoformat()}


@blp.route("/sync")
class Sync(MethodView):
    @blp.device_authenticated
    @blp.arguments(SyncRequestSchema)
    @blp.response(200, SyncResponseSchema)
    @blp.alt_response(413, schema=ErrorSchema, description="Batch body too large")
    @blp.alt_response(429, schema=ErrorSchema, description="Too many batches; see Retry-After")
    @speaks_protocol
    def post(self, envelope):
        """Send a batch of events; each is accepted, duplicate, conflict or rejected"""
        received_at = utcnow()
        try:
            # The schema checked the envelope's shape; the protocol module checks each event.
            batch = events.parse_batch(envelope)
        except events.Invalid as error:
            raise Invalid(str(error), {"json": [str(error)]}) from error
        session = db_session()
        rate.check_in(session, g.device.id, received_at, _app_version())
        results, offset_ms = sync.process(session, g.device, batch, received_at)
        session.commit()
        # Built here rather than dumped by the schema (which documents it): 500 results through
        # marshmallow cost more than storing them.
        return jsonify(
            server_time=received_at.isoformat(),
            clock_offset_ms=offset_ms,
            results=[r.as_dict() for r in results],
        )


@blp.route("/photos/missing")
class MissingPhotos(MethodView):
    @blp.device_authenticated
    @blp.response(200, MissingSchema)
    @speaks_protocol
    def get(self):
        """Photos this device's events refer to that the server still lacks"""
        return {"missing": photos.missing_for_device(db_session(), g.device.org_id, g.device.id)}

    @blp.device_authenticated
    @blp.arguments(HashesSchema)
    @blp.response(200, MissingSchema)
    @speaks_protocol
    def post(self, data):
        """Which of these photo hashes the server lacks (upload only those)"""
        return {"missing": photos.missing(db_session(), g.device.org_id, data["sha256"])}


@blp.route("/photos/<sha256:sha256>")
class PhotoUpload(MethodView):
    @blp.device_authenticated
    @blp.response(201, PhotoSchema, description="Stored now (200 when it was already stored)")
    @blp.alt_response(413, schema=ErrorSchema, description="Photo too large")
    @blp.alt_response(
        422, schema=ErrorSchema, description="Hash mismatch, not an image, too many pixels"
    )
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                kind: {"schema": {"type": "string", "format": "binary"}}
                for kind in photos.FORMATS.values()
            },
        }
    )
    @speaks_protocol
    def put(self, sha256):
        """Upload a photo by its SHA-256; the same bytes again are a no-op"""
        vigil = current_app.extensions["vigil"]
        photo, created = ingest_photos.receive(
            db_session(), vigil.blobs, g.device, sha256, request.stream, vigil.photo_limits
        )
        db_session().commit()
        return photo, 201 if created else 200
