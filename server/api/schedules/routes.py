"""Patrol schedules and their occurrences."""

from typing import Any

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.api.schedules.schemas import (
    OccurrencesSchema,
    PreviewAnswerSchema,
    PreviewSchema,
    RangeArgs,
    ScheduleListArgs,
    ScheduleSchema,
    ScheduleUpdateSchema,
)
from server.domain import access
from server.domain.errors import Invalid
from server.domain.models import Schedule
from server.domain.patrol import schedules
from server.domain.recurrence import Occurrence
from server.http.session import db_session

blp = Blueprint(
    "schedules", __name__, url_prefix="/api/v1", description="When routes are walked (RRULE)"
)


def _occurrence(o: Occurrence) -> dict[str, Any]:
    return {
        "at": o.at,
        "local": o.local.isoformat(),
        "planned_local": o.planned_local.isoformat(timespec="minutes"),
        "shifted": o.shifted,
        "ambiguous": o.ambiguous,
    }


def _answer(timezone: str, found: list[Occurrence]) -> dict[str, Any]:
    return {"timezone": timezone, "occurrences": [_occurrence(o) for o in found]}


@blp.route("/schedules")
class Schedules(MethodView):
    @blp.authenticated
    @blp.arguments(ScheduleListArgs, location="query")
    @blp.response(200, ScheduleSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List schedules on your sites"""
        stmt = schedules.list_query(args)
        return paginated(
            db_session(), stmt, Schedule, args, pagination_parameters, schedules.SORTABLE
        )

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(409)
    @blp.arguments(ScheduleSchema)
    @blp.response(201, ScheduleSchema)
    def post(self, data):
        """Schedule a route (admin, supervisor)"""
        schedule = schedules.create(db_session(), data)
        db_session().commit()
        return schedule


@blp.route("/schedules/preview")
class Preview(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.arguments(PreviewSchema)
    @blp.response(200, PreviewAnswerSchema)
    def post(self, data):
        """List a rule's occurrences in a range and where it ends, unsaved (admin, supervisor)"""
        tried = schedules.preview(db_session(), data)
        last = _occurrence(tried.last) if tried.last else None
        return _answer(tried.timezone, tried.occurrences) | {"ends": tried.ends, "last": last}


@blp.route("/schedules/<id:schedule_id>")
class ScheduleById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, ScheduleSchema)
    def get(self, schedule_id):
        """Get a schedule"""
        return schedules.get(db_session(), schedule_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(ScheduleUpdateSchema))
    @blp.response(200, ScheduleSchema)
    def patch(self, data, schedule_id):
        """Edit, pause or end a schedule; past and begun rounds stay (admin, supervisor)"""
        schedule = schedules.update(db_session(), schedule_id, data, blp.if_match(ScheduleSchema))
        db_session().commit()
        return schedule


@blp.route("/schedules/<id:schedule_id>/occurrences")
class Occurrences(MethodView):
    @blp.authenticated
    @blp.documents(404)
    @blp.arguments(RangeArgs, location="query")
    @blp.response(200, OccurrencesSchema)
    def get(self, args, schedule_id):
        """A schedule's occurrences between two instants, past or future; no rounds are made"""
        if args["since"] >= args["until"]:
            raise Invalid("'since' must be before 'until'", {"until": ["after since"]})
        found = schedules.occurrences(db_session(), schedule_id, args["since"], args["until"])
        return _answer(*found)
