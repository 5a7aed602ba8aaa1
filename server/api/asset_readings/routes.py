"""An asset's own limits, and its readings over time (JSON and CSV)."""

from flask import Response, stream_with_context
from flask.views import MethodView

from server.api.asset_readings.schemas import (
    ExportArgs,
    LimitSchema,
    SeriesArgs,
    SeriesSchema,
)
from server.api.blueprint import Blueprint
from server.domain import access
from server.domain.inspection import limits, readings, records
from server.http.session import db_session

blp = Blueprint(
    "asset_readings",
    __name__,
    url_prefix="/api/v1",
    description="An asset's own limits and its reading history",
)


@blp.route("/assets/<id:asset_id>/limits")
class Limits(MethodView):
    @blp.authenticated
    @blp.documents(404)
    @blp.response(200, LimitSchema(many=True))
    def get(self, asset_id):
        """The asset's own limits, item by item"""
        return limits.list_for(db_session(), asset_id)


@blp.route("/assets/<id:asset_id>/limits/<string(maxlength=40):item_key>")
class LimitByItem(MethodView):
    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404)
    @blp.arguments(LimitSchema)
    @blp.response(200, LimitSchema)
    def put(self, data, asset_id, item_key):
        """Set the asset's own limits for one item, e.g. a maker's alarm (admin, supervisor)"""
        limit = limits.put(db_session(), asset_id, item_key, data)
        db_session().commit()
        return limit

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(404)
    @blp.response(204)
    def delete(self, asset_id, item_key):
        """Go back to the template's limits for this item (admin, supervisor)"""
        limits.delete(db_session(), asset_id, item_key)
        db_session().commit()


@blp.route("/assets/<id:asset_id>/readings")
class Series(MethodView):
    @blp.authenticated
    @blp.allows(records.INSPECT)
    @blp.documents(404)
    @blp.arguments(SeriesArgs, location="query")
    @blp.response(200, SeriesSchema)
    def get(self, args, asset_id):
        """One item's readings over a range; long ranges come back thinned to time buckets"""
        return readings.series(
            db_session(), asset_id, args["item"], args["since"], args["until"], args["points"]
        )


@blp.route("/assets/<id:asset_id>/readings.csv")
class Export(MethodView):
    @blp.authenticated
    @blp.allows(records.INSPECT)
    @blp.documents(404)
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/csv", description="UTF-8 CSV")
    def get(self, args, asset_id):
        """Every reading of the asset over a range, as CSV for Excel"""
        lines = readings.export(db_session(), asset_id, args["since"], args["until"])
        return Response(
            stream_with_context(lines),
            mimetype="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="asset-{asset_id}-readings.csv"'
            },
        )
