"""Importing classic guard-tour wand exports (CSV, text or Excel)."""

import dataclasses

from flask import request
from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.wand_imports.schemas import ImportForm, ReportSchema
from server.domain import access
from server.http.limits import FORM_OVERHEAD
from server.http.session import db_session
from server.ingest import wand

blp = Blueprint("wand_imports", __name__, url_prefix="/api/v1", description="Classic wand exports")


@blp.before_request
def _limit():
    # The file itself is held to wand.MAX_FILE_BYTES by the import, as the console's is.
    request.max_content_length = wand.MAX_FILE_BYTES + FORM_OVERHEAD


@blp.route("/wand-imports")
class WandImports(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.arguments(ImportForm, location="multipart")
    @blp.response(200, ReportSchema)
    def post(self, form):
        """Import (or dry-run) a wand export as scans; none stored twice (admin, supervisor)"""
        upload, site_id, dry_run = form.pop("file"), form.pop("site_id"), form.pop("dry_run")
        report = wand.import_file(
            db_session(),
            site_id,
            upload.read(),
            upload.filename or "",
            wand.Options(**form),
            dry_run,
        )
        db_session().commit()
        return dataclasses.asdict(report)
