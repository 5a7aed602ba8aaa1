"""The scan log: every event the handhelds reported, newest first, by the page or as CSV."""

from flask import Response, stream_with_context
from flask.views import MethodView

from server.api.blueprint import Blueprint
from server.api.events.schemas import EventListArgs, EventPageArgs, EventPageSchema
from server.domain import access, events
from server.http.session import db_session

blp = Blueprint(
    "events",
    __name__,
    url_prefix="/api/v1",
    description="The scan log: what handhelds reported, the evidence behind alerts",
)


@blp.route("/events")
class Events(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_EVENTS)
    @blp.arguments(EventPageArgs, location="query")
    @blp.response(200, EventPageSchema)
    def get(self, args):
        """Events on your sites, newest first, a page at a time (admin, supervisor)

        Pages follow a cursor: send the last page's `next_cursor` to get the events after it.
        An event synced late, from a handheld that was offline, takes its place by its
        corrected time, so one older than the page you are on shows up further on, and a
        newer one only when you start again from the top.
        """
        after, limit = args.pop("cursor", None), args.pop("limit")
        return events.page(db_session(), events.Filter(**args), after, limit)


@blp.route("/events.csv")
class Export(MethodView):
    @blp.authenticated
    @blp.allows(access.READ_EVENTS)
    @blp.arguments(EventListArgs, location="query")
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/csv",
        description="UTF-8 CSV with a byte order mark; times in each site's timezone with its "
        "offset (UTC for an event placed at no site)",
    )
    def get(self, args):
        """The same events as CSV for Excel, newest first (admin, supervisor)

        At most 100,000 events: more is refused (422) before anything is written.
        """
        lines = events.export(db_session, events.Filter(**args))
        return Response(
            stream_with_context(lines),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="events.csv"'},
        )
