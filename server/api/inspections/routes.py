"""Inspection records: submit from the API, list, read, the latest of each asset."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated
from server.api.inspections.schemas import RecordListArgs, RecordSchema
from server.domain.inspection import records
from server.domain.models import InspectionRecord
from server.http.session import db_session

blp = Blueprint(
    "inspections", __name__, url_prefix="/api/v1", description="Inspection records, checked"
)


@blp.route("/inspections")
class Records(MethodView):
    @blp.authenticated
    @blp.allows(records.INSPECT)
    @blp.arguments(RecordListArgs, location="query")
    @blp.response(200, RecordSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List inspection records on your sites (admin, supervisor, engineer)"""
        stmt = records.list_query(args)
        return paginated(
            db_session(), stmt, InspectionRecord, args, pagination_parameters, records.SORTABLE
        )

    @blp.authenticated
    @blp.allows(records.INSPECT)
    @blp.documents(409)
    @blp.arguments(RecordSchema)
    @blp.response(201, RecordSchema)
    @blp.alt_response(200, schema=RecordSchema, description="Already stored under this uuid")
    def post(self, data):
        """Submit a record; abnormal readings raise alerts at once (admin, supervisor, engineer)"""
        if data.get("uuid") is not None:
            data["uuid"] = str(data["uuid"])
        record, created = records.create(db_session(), data)
        db_session().commit()
        return record, 201 if created else 200


@blp.route("/inspections/latest")
class Latest(MethodView):
    @blp.authenticated
    @blp.allows(records.INSPECT)
    @blp.arguments(RecordListArgs, location="query")
    @blp.response(200, RecordSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """The latest record of each asset, with its status (admin, supervisor, engineer)"""
        stmt = records.latest_query(args)
        return paginated(
            db_session(), stmt, InspectionRecord, args, pagination_parameters, records.SORTABLE
        )


@blp.route("/inspections/<id:record_id>")
class RecordById(MethodView):
    @blp.authenticated
    @blp.allows(records.INSPECT)
    @blp.documents(404)
    @blp.response(200, RecordSchema)
    def get(self, record_id):
        """Get a record with its values, errors and findings"""
        return records.get(db_session(), record_id)
