"""Patrol routes."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.api.patrol_routes.schemas import RouteListArgs, RouteSchema, RouteUpdateSchema
from server.domain import access
from server.domain.models import PatrolRoute
from server.domain.patrol import patrol_routes
from server.http.session import db_session

blp = Blueprint(
    "patrol_routes", __name__, url_prefix="/api/v1", description="Checkpoints walked as one round"
)


@blp.route("/routes")
class Routes(MethodView):
    @blp.authenticated
    @blp.arguments(RouteListArgs, location="query")
    @blp.response(200, RouteSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List patrol routes on your sites"""
        stmt = patrol_routes.list_query(args)
        return paginated(
            db_session(), stmt, PatrolRoute, args, pagination_parameters, patrol_routes.SORTABLE
        )

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(409)
    @blp.arguments(RouteSchema)
    @blp.response(201, RouteSchema)
    def post(self, data):
        """Create a route (admin, supervisor)"""
        route = patrol_routes.create(db_session(), data)
        db_session().commit()
        return route


@blp.route("/routes/<id:route_id>")
class RouteById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, RouteSchema)
    def get(self, route_id):
        """Get a route"""
        return patrol_routes.get(db_session(), route_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(RouteUpdateSchema))
    @blp.response(200, RouteSchema)
    def patch(self, data, route_id):
        """Change a route; rounds already begun keep their checkpoints (admin, supervisor)"""
        route = patrol_routes.update(db_session(), route_id, data, blp.if_match(RouteSchema))
        db_session().commit()
        return route
