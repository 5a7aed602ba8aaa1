"""Sites and zones."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, ListArgs, paginated, patch_schema
from server.api.sites.schemas import (
    SiteSchema,
    SiteUpdateSchema,
    ZoneListArgs,
    ZoneSchema,
    ZoneUpdateSchema,
)
from server.domain import access
from server.domain.models import Site, Zone
from server.domain.registry import sites
from server.http.session import db_session

blp = Blueprint("sites", __name__, url_prefix="/api/v1", description="Sites and their zones")


@blp.route("/sites")
class Sites(MethodView):
    @blp.authenticated
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, SiteSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List the sites you work on"""
        stmt = sites.list_query(args)
        return paginated(db_session(), stmt, Site, args, pagination_parameters, sites.SORTABLE)

    @blp.authenticated
    @blp.allows(access.MANAGE_SITES)
    @blp.documents(409)
    @blp.arguments(SiteSchema)
    @blp.response(201, SiteSchema)
    def post(self, data):
        """Create a site (admin)"""
        site = sites.create(db_session(), data)
        db_session().commit()
        return site


@blp.route("/sites/<id:site_id>")
class SiteById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, SiteSchema)
    def get(self, site_id):
        """Get a site"""
        return sites.get(db_session(), site_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_SITES)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(SiteUpdateSchema))
    @blp.response(200, SiteSchema)
    def patch(self, data, site_id):
        """Change a site; {"active": false} deactivates it (admin)"""
        site = sites.update(db_session(), site_id, data, blp.if_match(SiteSchema))
        db_session().commit()
        return site


@blp.route("/zones")
class Zones(MethodView):
    @blp.authenticated
    @blp.arguments(ZoneListArgs, location="query")
    @blp.response(200, ZoneSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List zones on your sites"""
        stmt = sites.zones_query(args)
        return paginated(db_session(), stmt, Zone, args, pagination_parameters, sites.ZONE_SORTABLE)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(409)
    @blp.arguments(ZoneSchema)
    @blp.response(201, ZoneSchema)
    def post(self, data):
        """Create a zone (admin, supervisor)"""
        zone = sites.create_zone(db_session(), data)
        db_session().commit()
        return zone


@blp.route("/zones/<id:zone_id>")
class ZoneById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, ZoneSchema)
    def get(self, zone_id):
        """Get a zone"""
        return sites.get_zone(db_session(), zone_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(ZoneUpdateSchema))
    @blp.response(200, ZoneSchema)
    def patch(self, data, zone_id):
        """Change a zone; {"active": false} deactivates it (admin, supervisor)"""
        zone = sites.update_zone(db_session(), zone_id, data, blp.if_match(ZoneSchema))
        db_session().commit()
        return zone
