"""The audit trail."""

from flask.views import MethodView

from server.api.audit.schemas import AuditEventSchema, AuditListArgs
from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated
from server.domain import access, audit
from server.domain.models import AuditEvent
from server.http.session import db_session

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Who changed what, and when")


@blp.route("/audit-events")
class AuditEvents(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_AUDIT)
    @blp.arguments(AuditListArgs, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """Read the audit trail, newest first (admin: all; supervisor: your sites)"""
        stmt = audit.events_query(args)
        return paginated(db_session(), stmt, AuditEvent, args, pagination_parameters, ())
