"""Rounds: a site's day of rounds on a timeline, and one round stop by stop."""

from datetime import date

from flask import request

from server.domain.errors import Invalid
from server.domain.patrol import timeline
from server.http.session import db_session
from server.web.pages import group, page, render

blp = group("rounds")


@page(blp, "/rounds")
def index():
    site_id, day = _site_id(request.args.get("site_id")), _day(request.args.get("day"))
    return render("rounds/index.html", day=timeline.of_day(db_session(), site_id, day))


@page(blp, "/rounds/<id:round_id>")
def show(round_id: int):
    return render("rounds/show.html", walk=timeline.of_round(db_session(), round_id))


def _site_id(value: str | None) -> int | None:
    # A typo must not quietly show another site: refused, as the API refuses it.
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise Invalid("site_id must be a site's number", {"site_id": ["a site's number"]})
    return int(value)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid("day must be a date: YYYY-MM-DD", {"day": ["YYYY-MM-DD"]}) from None
