"""QR tags: issue, re-issue, revoke, verify, and download as PNG, SVG or a PDF label sheet."""

import io

from flask import send_file
from flask.views import MethodView

from qr import render
from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated
from server.api.tags.schemas import (
    EndSchema,
    ImageArgs,
    IssueSchema,
    QrTagSchema,
    SheetArgs,
    SheetRequestSchema,
    TagListArgs,
    VerificationSchema,
    VerifyRequestSchema,
)
from server.domain import access
from server.domain.actor import current_actor
from server.domain.models import QrTag
from server.domain.registry import labels, tags
from server.http.session import db_session

blp = Blueprint("qr_tags", __name__, url_prefix="/api/v1", description="QR tags and label sheets")

BINARY = {"type": "string", "format": "binary"}


def _dump(tag: QrTag) -> dict:
    key = tags.key_of(db_session(), tag)
    fields = {c: getattr(tag, c) for c in QrTagSchema().fields if hasattr(tag, c)}
    return fields | {"key_number": key.number, "payload": tags.payload_of(tag, key)}


def _file(data: bytes, mimetype: str, name: str):
    # send_file adds an RFC 5987 filename* for non-ASCII (Chinese) names.
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, max_age=0)


@blp.route("/qr-tags")
class QrTags(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.arguments(TagListArgs, location="query")
    @blp.response(200, QrTagSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List tags with their status: active, superseded or revoked (admin, supervisor)"""
        stmt = tags.list_query(args)
        items = paginated(db_session(), stmt, QrTag, args, pagination_parameters, tags.SORTABLE)
        return [_dump(tag) for tag in items]

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404, 409)
    @blp.arguments(IssueSchema)
    @blp.response(201, QrTagSchema)
    def post(self, data):
        """Issue the first tag for a checkpoint or an asset (admin, supervisor)"""
        tag = tags.issue(db_session(), data)
        db_session().commit()
        return _dump(tag)


@blp.route("/qr-tags/<id:tag_id>")
class QrTagById(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404)
    @blp.response(200, QrTagSchema)
    def get(self, tag_id):
        """Get a tag"""
        return _dump(tags.get(db_session(), tag_id))


@blp.route("/qr-tags/<id:tag_id>/reissue")
class Reissue(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404, 409)
    @blp.arguments(EndSchema)
    @blp.response(201, QrTagSchema)
    def post(self, data, tag_id):
        """Replace a damaged or photographed tag: the old one stops verifying (admin, supervisor)"""
        tag = tags.reissue(db_session(), tag_id, data["reason"])
        db_session().commit()
        return _dump(tag)


@blp.route("/qr-tags/<id:tag_id>/revoke")
class Revoke(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404, 409)
    @blp.arguments(EndSchema)
    @blp.response(200, QrTagSchema)
    def post(self, data, tag_id):
        """Withdraw a tag without a successor (admin, supervisor)"""
        tag = tags.revoke(db_session(), tag_id, data["reason"])
        db_session().commit()
        return _dump(tag)


@blp.route("/qr-tags/<id:tag_id>/image.png")
class TagPng(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404)
    @blp.arguments(ImageArgs, location="query")
    @blp.response(200, BINARY, content_type="image/png", description="The code as a PNG")
    def get(self, args, tag_id):
        """One tag's QR code as PNG at a chosen width and DPI (admin, supervisor)"""
        tag = tags.get(db_session(), tag_id)
        data = render.png(_dump(tag)["payload"], args["size_mm"], args["dpi"])
        return _file(data, "image/png", f"tag-{tags.subject_of(db_session(), tag).code}.png")


@blp.route("/qr-tags/<id:tag_id>/image.svg")
class TagSvg(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404)
    @blp.arguments(ImageArgs, location="query")
    @blp.response(200, BINARY, content_type="image/svg+xml", description="The code as SVG")
    def get(self, args, tag_id):
        """One tag's QR code as SVG, for sign makers (admin, supervisor)"""
        tag = tags.get(db_session(), tag_id)
        data = render.svg(_dump(tag)["payload"], args["size_mm"])
        return _file(data, "image/svg+xml", f"tag-{tags.subject_of(db_session(), tag).code}.svg")


@blp.route("/qr-tags/verify")
class Verify(MethodView):
    @blp.authenticated
    @blp.arguments(VerifyRequestSchema)
    @blp.response(200, VerificationSchema)
    def post(self, data):
        """Check a scanned payload: what it marks, or why it is refused"""
        result = tags.verify(db_session(), data["payload"], current_actor().org_id)
        tag = result.tag if result.valid else None
        return {
            "valid": result.valid,
            "reason": result.problem,
            "tag_id": tag and tag.id,
            "subject": tag and tag.subject,
            "checkpoint_id": tag and tag.checkpoint_id,
            "asset_id": tag and tag.asset_id,
            "site_id": tag and tag.site_id,
        }


def _sheet(choices: dict):
    sheet = labels.label_sheet(db_session(), choices)
    return _file(sheet.pdf(), "application/pdf", sheet.filename)


PDF = {"content_type": "application/pdf", "description": "Printable labels"}


@blp.route("/label-sheets")
class LabelSheets(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404)
    @blp.arguments(SheetArgs, location="query")
    @blp.response(200, BINARY, **PDF)
    def get(self, args):
        """A PDF of labels for a site's or a zone's active tags (admin, supervisor)"""
        return _sheet(args)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404)
    @blp.arguments(SheetRequestSchema)
    @blp.response(200, BINARY, **PDF)
    def post(self, data):
        """A PDF of labels for any choice of active tags, up to 2,000 by id (admin, supervisor)"""
        return _sheet(data)
