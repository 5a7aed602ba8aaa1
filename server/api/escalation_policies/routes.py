"""Escalation policies (admins): the ladder an unacknowledged alert climbs, and its deadlines."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.api.escalation_policies.schemas import (
    EscalationPolicyListArgs,
    EscalationPolicySchema,
    EscalationPolicyUpdateSchema,
)
from server.domain import access
from server.domain.models import EscalationPolicy
from server.domain.notify import policies
from server.http.session import db_session

blp = Blueprint(
    "escalation_policies",
    __name__,
    url_prefix="/api/v1",
    description="Who hears of an unacknowledged alert and when, and the deadlines to rectify it",
)


@blp.route("/escalation-policies")
class EscalationPolicies(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.arguments(EscalationPolicyListArgs, location="query")
    @blp.response(200, EscalationPolicySchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List your organization's escalation policies (admin)"""
        stmt = policies.list_query(args)
        return paginated(
            db_session(), stmt, EscalationPolicy, args, pagination_parameters, policies.SORTABLE
        )

    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.arguments(EscalationPolicySchema)
    @blp.response(201, EscalationPolicySchema)
    def post(self, data):
        """Add an escalation policy for a site, or for every site (admin)"""
        policy = policies.create(db_session(), data)
        db_session().commit()
        return policy


@blp.route("/escalation-policies/<id:policy_id>")
class EscalationPolicyById(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.etag
    @blp.documents(404)
    @blp.response(200, EscalationPolicySchema)
    def get(self, policy_id):
        """Get an escalation policy (admin)"""
        return policies.get(db_session(), policy_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(EscalationPolicyUpdateSchema))
    @blp.response(200, EscalationPolicySchema)
    def patch(self, data, policy_id):
        """Change an escalation policy; climbing ladders follow it from their next rung (admin)"""
        policy = policies.update(
            db_session(), policy_id, data, blp.if_match(EscalationPolicySchema)
        )
        db_session().commit()
        return policy


@blp.route("/escalation-policies/<id:policy_id>/deactivate")
class Deactivate(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_NOTIFY)
    @blp.documents(404)
    @blp.response(200, EscalationPolicySchema)
    def post(self, policy_id):
        """Stop a policy: new alerts no longer follow it, and its ladders end (admin)"""
        policy = policies.deactivate(db_session(), policy_id)
        db_session().commit()
        return policy
