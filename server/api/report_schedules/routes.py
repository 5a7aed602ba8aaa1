"""Report schedules (admins and supervisors, on their sites)."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.api.report_schedules.schemas import (
    ReportScheduleListArgs,
    ReportScheduleSchema,
    ReportScheduleUpdateSchema,
)
from server.domain import access
from server.domain.models import ReportSchedule
from server.domain.reports import schedules
from server.http.session import db_session

blp = Blueprint(
    "report_schedules",
    __name__,
    url_prefix="/api/v1",
    description="Reports delivered on a schedule: each shift's, each month's",
)


@blp.route("/report-schedules")
class ReportSchedules(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.arguments(ReportScheduleListArgs, location="query")
    @blp.response(200, ReportScheduleSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List the report schedules of your sites (admin, supervisor)"""
        stmt = schedules.list_query(args)
        return paginated(
            db_session(), stmt, ReportSchedule, args, pagination_parameters, schedules.SORTABLE
        )

    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.arguments(ReportScheduleSchema)
    @blp.response(201, ReportScheduleSchema)
    def post(self, data):
        """Deliver a report on a schedule, from the period now running (admin, supervisor)"""
        schedule = schedules.create(db_session(), data)
        db_session().commit()
        return schedule


@blp.route("/report-schedules/<id:report_schedule_id>")
class ReportScheduleById(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.etag
    @blp.documents(404)
    @blp.response(200, ReportScheduleSchema)
    def get(self, report_schedule_id):
        """Get a report schedule (admin, supervisor)"""
        return schedules.get(db_session(), report_schedule_id)

    @blp.authenticated
    @blp.allows(access.READ_REPORTS)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(ReportScheduleUpdateSchema))
    @blp.response(200, ReportScheduleSchema)
    def patch(self, data, report_schedule_id):
        """Change who is told and how, or deactivate (active false) (admin, supervisor)"""
        schedule = schedules.update(
            db_session(), report_schedule_id, data, blp.if_match(ReportScheduleSchema)
        )
        db_session().commit()
        return schedule
