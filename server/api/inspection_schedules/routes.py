"""Inspection schedules: which asset is due which inspection, when."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, attributes, paginated, patch_schema
from server.api.inspection_schedules.schemas import (
    InspectionScheduleListArgs,
    InspectionScheduleSchema,
    InspectionScheduleUpdateSchema,
)
from server.domain import access
from server.domain.inspection import schedules
from server.domain.models import InspectionSchedule
from server.http.session import db_session

blp = Blueprint(
    "inspection_schedules",
    __name__,
    url_prefix="/api/v1",
    description="When each asset is due each inspection",
)


def _dump(schedule: InspectionSchedule) -> dict:
    fields = attributes(schedule, InspectionScheduleSchema, "next_due_at")
    return fields | {"next_due_at": schedules.next_due(db_session(), schedule)}


@blp.route("/inspection-schedules")
class Schedules(MethodView):
    @blp.authenticated
    @blp.arguments(InspectionScheduleListArgs, location="query")
    @blp.response(200, InspectionScheduleSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List inspection schedules on your sites, each with when it is next due"""
        stmt = schedules.list_query(args)
        page = paginated(
            db_session(), stmt, InspectionSchedule, args, pagination_parameters, schedules.SORTABLE
        )
        return [_dump(s) for s in page]

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(409)
    @blp.arguments(InspectionScheduleSchema)
    @blp.response(201, InspectionScheduleSchema)
    def post(self, data):
        """Schedule an inspection of an asset (admin, supervisor)"""
        schedule = schedules.create(db_session(), data)
        db_session().commit()
        return _dump(schedule)


@blp.route("/inspection-schedules/<id:schedule_id>")
class ScheduleById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, InspectionScheduleSchema)
    def get(self, schedule_id):
        """Get an inspection schedule"""
        return _dump(schedules.get(db_session(), schedule_id))

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(InspectionScheduleUpdateSchema))
    @blp.response(200, InspectionScheduleSchema)
    def patch(self, data, schedule_id):
        """Change, pause or end an inspection schedule (admin, supervisor)"""
        precondition = blp.if_match(InspectionScheduleSchema, _dump)
        schedule = schedules.update(db_session(), schedule_id, data, precondition)
        db_session().commit()
        return _dump(schedule)
