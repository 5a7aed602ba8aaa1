"""Organizations (tenants)."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, ListArgs, paginated, patch_schema
from server.api.organizations.schemas import (
    OrganizationCreateSchema,
    OrganizationSchema,
    OrganizationUpdateSchema,
)
from server.domain import access
from server.domain.models import Organization
from server.domain.registry import organizations
from server.http.session import db_session

blp = Blueprint("organizations", __name__, url_prefix="/api/v1", description="Tenants")


@blp.route("/organizations")
class Organizations(MethodView):
    @blp.authenticated
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, OrganizationSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List organizations (operators: all; everyone else: their own)"""
        stmt = organizations.list_query(args)
        return paginated(
            db_session(), stmt, Organization, args, pagination_parameters, organizations.SORTABLE
        )

    @blp.authenticated
    @blp.documents(409)
    @blp.arguments(OrganizationCreateSchema)
    @blp.response(201, OrganizationSchema)
    def post(self, data):
        """Create an organization with its first admin (operators of the installation)"""
        org = organizations.create(db_session(), data["name"], data.get("admin"))
        db_session().commit()
        return org


@blp.route("/organizations/<id:org_id>")
class OrganizationById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, OrganizationSchema)
    def get(self, org_id):
        """Get an organization"""
        return organizations.get(db_session(), org_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_TENANT)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(OrganizationUpdateSchema))
    @blp.response(200, OrganizationSchema)
    def patch(self, data, org_id):
        """Rename an organization (admin); deactivate it (operators)"""
        org = organizations.update(db_session(), org_id, data, blp.if_match(OrganizationSchema))
        db_session().commit()
        return org
