"""Alerts and their closed loop: acknowledge, resolve with a rectification note, reopen."""

from flask.views import MethodView

from server.api.alerts.schemas import (
    AlertListArgs,
    AlertSchema,
    NoteSchema,
    ResolveSchema,
    ToldSchema,
)
from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated
from server.domain import access
from server.domain.alerts import handling
from server.domain.models import Alert
from server.domain.notify import deliveries
from server.http.session import db_session

blp = Blueprint(
    "alerts", __name__, url_prefix="/api/v1", description="Missed, late and suspicious patrols"
)


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.authenticated
    @blp.allows(access.HANDLE_ALERTS)
    @blp.arguments(AlertListArgs, location="query")
    @blp.response(200, AlertSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List alerts on your sites (admin, supervisor)"""
        stmt = handling.list_query(args)
        return paginated(db_session(), stmt, Alert, args, pagination_parameters, handling.SORTABLE)


@blp.route("/alerts/<id:alert_id>")
class AlertById(MethodView):
    @blp.authenticated
    @blp.allows(access.HANDLE_ALERTS)
    @blp.documents(404)
    @blp.response(200, AlertSchema)
    def get(self, alert_id):
        """Get an alert with its history (admin, supervisor)"""
        return handling.get(db_session(), alert_id)


@blp.route("/alerts/<id:alert_id>/notifications")
class Notifications(MethodView):
    @blp.authenticated
    @blp.allows(access.HANDLE_ALERTS)
    @blp.documents(404)
    @blp.response(200, ToldSchema(many=True))
    def get(self, alert_id):
        """Who was told of an alert, when and how, and what came of it (admin, supervisor)"""
        return deliveries.for_alert(db_session(), alert_id)


@blp.route("/alerts/<id:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.authenticated
    @blp.allows(access.HANDLE_ALERTS)
    @blp.documents(404, 409)
    @blp.arguments(NoteSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Acknowledge an open alert (admin, supervisor)"""
        alert = handling.acknowledge(db_session(), alert_id, data["note"])
        db_session().commit()
        return alert


@blp.route("/alerts/<id:alert_id>/resolve")
class Resolve(MethodView):
    @blp.authenticated
    @blp.allows(access.HANDLE_ALERTS)
    @blp.documents(404, 409)
    @blp.arguments(ResolveSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Resolve an alert with a rectification note and optional photo (admin, supervisor)"""
        alert = handling.resolve(db_session(), alert_id, data["note"], data.get("photo"))
        db_session().commit()
        return alert


@blp.route("/alerts/<id:alert_id>/reopen")
class Reopen(MethodView):
    @blp.authenticated
    @blp.allows(access.HANDLE_ALERTS)
    @blp.documents(404, 409)
    @blp.arguments(NoteSchema)
    @blp.response(200, AlertSchema)
    def post(self, data, alert_id):
        """Reopen a resolved alert (admin, supervisor)"""
        alert = handling.reopen(db_session(), alert_id, data["note"])
        db_session().commit()
        return alert
