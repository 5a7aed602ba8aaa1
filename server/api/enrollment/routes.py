"""Enrollment codes a supervisor creates for new handhelds."""

import base64
from datetime import timedelta

from flask.views import MethodView

from qr import render
from server.api.blueprint import Blueprint
from server.api.common import PAGING, attributes, paginated
from server.api.enrollment.schemas import (
    CodeListArgs,
    CodeRequestSchema,
    EnrollmentCodeSchema,
    NewCodeSchema,
)
from server.domain import access
from server.domain.models import EnrollmentCode
from server.domain.registry import enrollment
from server.http.session import db_session

blp = Blueprint("enrollment", __name__, url_prefix="/api/v1", description="Enrolling handhelds")


@blp.route("/enrollment-codes")
class Codes(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.arguments(CodeListArgs, location="query")
    @blp.response(200, EnrollmentCodeSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List enrollment codes on your sites (admin, supervisor)"""
        stmt = enrollment.list_query(args)
        return paginated(db_session(), stmt, EnrollmentCode, args, pagination_parameters, ())

    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.arguments(CodeRequestSchema)
    @blp.response(201, NewCodeSchema)
    def post(self, data):
        """Create a one-time code for a handheld to join a site; shown once (admin, supervisor)"""
        ttl = timedelta(minutes=data["ttl_minutes"])
        record, code = enrollment.create_code(db_session(), data["site_id"], ttl)
        db_session().commit()
        payload = enrollment.qr_payload(code)
        png = base64.b64encode(render.png(payload, size_mm=40, dpi=200)).decode()
        return attributes(record, EnrollmentCodeSchema) | {
            "code": code,
            "qr_payload": payload,
            "qr_png": f"data:image/png;base64,{png}",
        }


@blp.route("/enrollment-codes/<id:code_id>/revoke")
class Revoke(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_DEVICES)
    @blp.documents(404, 409)
    @blp.response(200, EnrollmentCodeSchema)
    def post(self, code_id):
        """Withdraw an unused code (admin, supervisor)"""
        record = enrollment.revoke_code(db_session(), code_id)
        db_session().commit()
        return record
