"""Reports: ask for one (the worker makes it), list them, read one, fetch its file."""

import io

from flask import current_app, send_file
from flask.views import MethodView
from flask_smorest.error_handler import ErrorSchema

from server.api.blueprint import Blueprint
from server.api.common import PAGING
from server.api.reports.schemas import (
    MadeReportSchema,
    ReportAskSchema,
    ReportListArgs,
    ReportVersionSchema,
)
from server.domain import access
from server.domain.listing import PageRequest
from server.domain.models import ReportFormat
from server.domain.reports import library
from server.http.session import db_session

blp = Blueprint(
    "reports", __name__, url_prefix="/api/v1", description="Daily activity and other reports"
)


@blp.route("/reports")
class Reports(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.arguments(ReportListArgs, location="query")
    @blp.response(200, MadeReportSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """Reports on your sites, every version, newest period first (admin, supervisor)"""
        sort = args.pop("sort", None) or "-since"
        page = PageRequest(pagination_parameters.page, pagination_parameters.page_size, sort)
        found, total = library.listing(db_session(), library.ReportFilter(**args), page)
        pagination_parameters.item_count = total
        return found

    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.arguments(ReportAskSchema)
    @blp.response(202, MadeReportSchema, description="Asked for: the worker makes it shortly")
    @blp.alt_response(200, schema=MadeReportSchema, description="Made already: its latest version")
    @blp.alt_response(422, schema=ErrorSchema, description="Missing or unknown day, shift, kind")
    def post(self, data):
        """Ask for a report; one already made answers with its latest version (admin,
        supervisor)"""
        report, new = library.request(db_session(), library.Ask(**data))
        db_session().commit()
        return report, 202 if new else 200


@blp.route("/reports/<id:report_id>")
class ReportById(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.documents(404)
    @blp.response(200, MadeReportSchema)
    def get(self, report_id):
        """Get one version of a report (admin, supervisor)"""
        return library.get(db_session(), report_id)


@blp.route("/reports/<id:report_id>/versions")
class Versions(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.documents(404)
    @blp.response(200, ReportVersionSchema(many=True))
    def get(self, report_id):
        """Every version of the same report, newest first (admin, supervisor)"""
        return library.versions(db_session(), library.get(db_session(), report_id))


@blp.route("/reports/<id:report_id>/file")
class File(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.documents(404, 409)
    @blp.doc(
        responses={
            "200": {
                "description": "The report's file, as stored",
                "content": {
                    kind: {"schema": {"type": "string", "format": "binary"}}
                    for kind in (f.mimetype for f in ReportFormat)
                },
            }
        }
    )
    def get(self, report_id):
        """The report's file; a 409 while it is being made (admin, supervisor)"""
        report = library.made(db_session(), report_id)
        with current_app.extensions["vigil"].blobs.open(report.sha256) as stored:
            blob = io.BytesIO(stored.read())  # a few megabytes at most; the file closes here
        name = f"{report.kind.value}-{report.site_id}-{report.subject}-v{report.version}"
        return send_file(
            blob,
            mimetype=report.format.mimetype,
            download_name=f"{name.replace(' ', '_').replace(':', '')}.{report.format.value}",
            etag=report.sha256,
            max_age=86400,
        )
