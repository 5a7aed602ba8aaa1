"""Assets (equipment)."""

from flask.views import MethodView

from server.api.assets.schemas import AssetListArgs, AssetSchema, AssetUpdateSchema
from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated, patch_schema
from server.domain import access
from server.domain.models import Asset
from server.domain.registry import assets
from server.http.session import db_session

blp = Blueprint("assets", __name__, url_prefix="/api/v1", description="Equipment engineers inspect")


@blp.route("/assets")
class Assets(MethodView):
    @blp.authenticated
    @blp.arguments(AssetListArgs, location="query")
    @blp.response(200, AssetSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List assets on your sites"""
        stmt = assets.list_query(args)
        return paginated(db_session(), stmt, Asset, args, pagination_parameters, assets.SORTABLE)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.arguments(AssetSchema)
    @blp.response(201, AssetSchema)
    def post(self, data):
        """Register an asset (admin, supervisor)"""
        asset = assets.create(db_session(), data)
        db_session().commit()
        return asset


@blp.route("/assets/<id:asset_id>")
class AssetById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, AssetSchema)
    def get(self, asset_id):
        """Get an asset"""
        return assets.get(db_session(), asset_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(AssetUpdateSchema))
    @blp.response(200, AssetSchema)
    def patch(self, data, asset_id):
        """Change an asset; {"active": false} deactivates it (admin, supervisor)"""
        asset = assets.update(db_session(), asset_id, data, blp.if_match(AssetSchema))
        db_session().commit()
        return asset
