"""Incidents and shift notes from the handhelds: lists newest first, and one by its id."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING
from server.api.field_reports.schemas import (
    IncidentListArgs,
    IncidentSchema,
    ShiftNoteListArgs,
    ShiftNoteSchema,
)
from server.domain import access, field_reports
from server.domain.listing import PageRequest
from server.http.session import db_session

blp = Blueprint(
    "field_reports",
    __name__,
    url_prefix="/api/v1",
    description="Incidents and shift notes the guards sent from their handhelds",
)


def _paging(pagination_parameters) -> PageRequest:
    return PageRequest(pagination_parameters.page, pagination_parameters.page_size)


@blp.route("/incidents")
class Incidents(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_EVENTS)
    @blp.arguments(IncidentListArgs, location="query")
    @blp.response(200, IncidentSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """Incidents on your sites, newest first (admin, supervisor)"""
        wanted = field_reports.IncidentFilter(**args)
        found, total = field_reports.incidents(db_session(), wanted, _paging(pagination_parameters))
        pagination_parameters.item_count = total
        return found


@blp.route("/incidents/<id:incident_id>")
class IncidentById(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_EVENTS)
    @blp.documents(404)
    @blp.response(200, IncidentSchema)
    def get(self, incident_id):
        """Get an incident (admin, supervisor)"""
        return field_reports.incident(db_session(), incident_id)


@blp.route("/shift-notes")
class ShiftNotes(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_EVENTS)
    @blp.arguments(ShiftNoteListArgs, location="query")
    @blp.response(200, ShiftNoteSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """Shift events on your sites (on, off, handover), newest first (admin, supervisor)"""
        wanted = field_reports.ShiftNoteFilter(**args)
        found, total = field_reports.shift_notes(
            db_session(), wanted, _paging(pagination_parameters)
        )
        pagination_parameters.item_count = total
        return found


@blp.route("/shift-notes/<id:note_id>")
class ShiftNoteById(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_EVENTS)
    @blp.documents(404)
    @blp.response(200, ShiftNoteSchema)
    def get(self, note_id):
        """Get a shift note (admin, supervisor)"""
        return field_reports.shift_note(db_session(), note_id)
