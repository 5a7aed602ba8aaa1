"""Checkpoints."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.checkpoints.schemas import (
    CheckpointListArgs,
    CheckpointSchema,
    CheckpointUpdateSchema,
)
from server.api.common import PAGING, paginated, patch_schema
from server.domain import access
from server.domain.models import Checkpoint
from server.domain.registry import checkpoints
from server.http.session import db_session

blp = Blueprint(
    "checkpoints", __name__, url_prefix="/api/v1", description="Places guards scan on patrol"
)


@blp.route("/checkpoints")
class Checkpoints(MethodView):
    @blp.authenticated
    @blp.arguments(CheckpointListArgs, location="query")
    @blp.response(200, CheckpointSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List checkpoints on your sites"""
        stmt = checkpoints.list_query(args)
        return paginated(
            db_session(), stmt, Checkpoint, args, pagination_parameters, checkpoints.SORTABLE
        )

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.documents(409)
    @blp.arguments(CheckpointSchema)
    @blp.response(201, CheckpointSchema)
    def post(self, data):
        """Create a checkpoint (admin, supervisor)"""
        checkpoint = checkpoints.create(db_session(), data)
        db_session().commit()
        return checkpoint


@blp.route("/checkpoints/<id:checkpoint_id>")
class CheckpointById(MethodView):
    @blp.authenticated
    @blp.etag
    @blp.documents(404)
    @blp.response(200, CheckpointSchema)
    def get(self, checkpoint_id):
        """Get a checkpoint"""
        return checkpoints.get(db_session(), checkpoint_id)

    @blp.authenticated
    @blp.allows(access.MANAGE_REGISTRY)
    @blp.etag
    @blp.documents(404, 409, 412)
    @blp.arguments(patch_schema(CheckpointUpdateSchema))
    @blp.response(200, CheckpointSchema)
    def patch(self, data, checkpoint_id):
        """Change a checkpoint; {"active": false} deactivates it (admin, supervisor)"""
        checkpoint = checkpoints.update(
            db_session(), checkpoint_id, data, blp.if_match(CheckpointSchema)
        )
        db_session().commit()
        return checkpoint
