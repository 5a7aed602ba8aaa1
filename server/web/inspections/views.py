"""Inspections: a site's recent records and overdue list, one record, an asset's trends."""

from datetime import timedelta

from flask import request

from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.inspection import asset_trends, review
from server.http.session import db_session
from server.web.i18n import lang
from server.web.inspections import charts
from server.web.pages import group, page, render

blp = group("inspections")
PERIODS = (7, 30, 90, 365)  # days an asset's page looks back


@page(blp, "/inspections")
def index():
    status = request.args.get("status") or None
    if status not in (None, *review.STATUSES):
        raise Invalid("unknown status", {"status": [f"one of: {', '.join(review.STATUSES)}"]})
    number = _whole("page") or 1
    found = review.site_review(db_session(), _whole("site_id"), status, number)
    pages = max(1, -(-found.total // review.PAGE_SIZE))
    return render(
        "inspections/index.html",
        review=found,
        status=status,
        page=number,
        pages=pages,
        alert_title=charts.alert_title,
    )


@page(blp, "/inspections/<id:record_id>")
def record(record_id: int):
    found = review.record_page(db_session(), record_id)
    return render("inspections/record.html", found=found, alert_title=charts.alert_title)


@page(blp, "/inspections/assets/<id:asset_id>")
def asset(asset_id: int):
    days = _whole("days") or 30
    if days not in PERIODS:
        raise Invalid("days must be 7, 30, 90 or 365", {"days": ["7, 30, 90 or 365"]})
    now = utcnow()
    trends = asset_trends.over(db_session(), asset_id, now - timedelta(days=days), now)
    return render(
        "inspections/asset.html",
        trends=trends,
        charts=charts.item_charts(trends, lang()),
        days=days,
        periods=PERIODS,
        alert_title=charts.alert_title,
    )


def _whole(name: str) -> int | None:
    """A positive whole number from the query string, None when absent; anything else is 422."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise Invalid(f"{name} must be a positive whole number", {name: ["a positive integer"]})
    return int(raw)
