"""Rounds: each occurrence of a schedule, as walked."""

from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.common import PAGING, paginated
from server.api.rounds.schemas import (
    RoundListArgs,
    RoundSchema,
    RoundSummaryArgs,
    RoundSummarySchema,
)
from server.domain.models import Round
from server.domain.patrol import compliance, rounds
from server.http.session import db_session

blp = Blueprint("rounds", __name__, url_prefix="/api/v1", description="Patrol rounds and results")


@blp.route("/rounds")
class Rounds(MethodView):
    @blp.authenticated
    @blp.arguments(RoundListArgs, location="query")
    @blp.response(200, RoundSchema(many=True))
    @blp.paginate(**PAGING)
    def get(self, args, pagination_parameters):
        """List rounds on your sites (filter by status to find missed ones)"""
        stmt = rounds.list_query(args)
        return paginated(db_session(), stmt, Round, args, pagination_parameters, rounds.SORTABLE)


@blp.route("/rounds/summary")
class RoundSummary(MethodView):
    @blp.authenticated
    @blp.arguments(RoundSummaryArgs, location="query")
    @blp.response(200, RoundSummarySchema)
    def get(self, args):
        """Compliance for a period, by default today in site time: by outcome, guard and route"""
        return compliance.summary(db_session(), args)


@blp.route("/rounds/<id:round_id>")
class RoundById(MethodView):
    @blp.authenticated
    @blp.documents(404)
    @blp.response(200, RoundSchema)
    def get(self, round_id):
        """Get a round with each checkpoint's result"""
        return rounds.get(db_session(), round_id)
