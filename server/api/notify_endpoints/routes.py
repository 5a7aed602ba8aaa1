"""Where alerts are announced (admins): endpoints, their delivery logs, sending again."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.api.notify_endpoints.schemas import (
    DeliverySchema,
    NotificationSchema,
    NotifyEndpointListArgs,
    NotifyEndpointSchema,
    NotifyEndpointUpdateSchema,
    RotateSecretSchema,
)
from server.domain import access
from server.domain.models import NotificationAttempt, NotifyEndpoint
from server.domain.notify import deliveries, endpoints
from server.http.session import db_session

# What the delivery log shows of each attempt, beside its notification's alert.
DELIVERY_COLUMNS = (
    "id",
    "notification_id",
    "at",
    "delivered",
    "status",
    "latency_ms",
    "excerpt",
    "error",
)

blp = Blueprint(
    "notify_endpoints",
    __name__,
    url_prefix="/api/v1",
    description="Webhooks and group robots told of alerts, and what came of each notification",
)


@blp.route("/notify-endpoints")
class NotifyEndpoints(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.arguments(NotifyEndpointListArgs, location="query")
    @blp.response(200, NotifyEndpointSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List your organization's notify endpoints (admin)"""
        stmt = endpoints.list_query(args)
        return paginated(
            db_session(), stmt, NotifyEndpoint, args, pagination_parameters, endpoints.SORTABLE
        )

    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.arguments(NotifyEndpointSchema)
    @blp.response(201, NotifyEndpointSchema)
    def post(self, data):
        """Add a webhook or group robot (admin)"""
        endpoint = endpoints.create(db_session(), data)
        db_session().commit()
        return endpoint


@blp.route("/notify-endpoints/<id:endpoint_id>")
class NotifyEndpointById(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.etag
    @blp.documents(404)
    @blp.response(200, NotifyEndpointSchema)
    def get(self, endpoint_id):
        """Get a notify endpoint (admin)"""
        return endpoints.get(db_session(), endpoint_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(NotifyEndpointUpdateSchema))
    @blp.response(200, NotifyEndpointSchema)
    def patch(self, data, endpoint_id):
        """Change a notify endpoint; secrets sent replace the old ones (admin)"""
        endpoint = endpoints.update(
            db_session(), endpoint_id, data, blp.if_match(NotifyEndpointSchema)
        )
        db_session().commit()
        return endpoint


@blp.route("/notify-endpoints/<id:endpoint_id>/rotate-secret")
class RotateSecret(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.documents(404)
    @blp.arguments(RotateSecretSchema)
    @blp.response(200, NotifyEndpointSchema)
    def post(self, data, endpoint_id):
        """Sign with a new key; the newest old one stays valid beside it (admin)"""
        endpoint = endpoints.rotate_secret(db_session(), endpoint_id, data["secret"])
        db_session().commit()
        return endpoint


@blp.route("/notify-endpoints/<id:endpoint_id>/deactivate")
class Deactivate(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.documents(404)
    @blp.response(200, NotifyEndpointSchema)
    def post(self, endpoint_id):
        """Stop announcing at an endpoint; its log stays (admin)"""
        endpoint = endpoints.deactivate(db_session(), endpoint_id)
        db_session().commit()
        return endpoint


@blp.route("/notify-endpoints/<id:endpoint_id>/deliveries")
class Deliveries(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.documents(404)
    @blp.response(200, DeliverySchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, endpoint_id, pagination_parameters):
        """An endpoint's delivery log, newest first: status, latency, the answer's start (admin)"""
        session = db_session()
        stmt = deliveries.log_query(session, endpoint_id)
        attempts = paginated(session, stmt, NotificationAttempt, {}, pagination_parameters, ())
        alerts = deliveries.alert_ids(session, attempts)
        return [
            {**{c: getattr(a, c) for c in DELIVERY_COLUMNS}, "alert_id": alerts[a.notification_id]}
            for a in attempts
        ]


@blp.route("/notifications/<id:notification_id>/redeliver")
class Redeliver(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.documents(404, 409)
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Send a delivered or given-up notification again, now, under the same webhook-id;
        one still queued or being sent is a 409 (admin)"""
        notification = deliveries.redeliver(db_session(), notification_id)
        db_session().commit()
        return notification
