"""Liveness with a database check, for load balancers and monitoring."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest.error_handler import ErrorSchema
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.api.blueprint import Blueprint
from server.domain.errors import Unavailable
from server.http.session import db_session

blp = Blueprint("health", __name__, url_prefix="/api", description="Service health")


class HealthSchema(ma.Schema):
    """The service answers and its database too."""

    status = ma.fields.String(metadata={"example": "ok"})
    database = ma.fields.String(metadata={"example": "ok"})


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=ErrorSchema, description="The database does not answer")
    def get(self):
        """Check the service and its database"""
        try:
            db_session().execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            raise Unavailable("database unavailable") from error
        return {"status": "ok", "database": "ok"}
