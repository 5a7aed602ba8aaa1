"""The console's first page: what needs a supervisor's eye today on each of their sites."""

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, make_response, request

from server.domain.alerts import titles
from server.domain.alerts.kinds import AlertKind
from server.domain.clock import utcnow
from server.domain.overview import today as overview
from server.http.session import db_session
from server.web import i18n
from server.web.pages import group, page, render, wants_part

blp = group("today")
HERE = Path(__file__).parent
# How often a site's card asks for itself again; unchanged, the answer is a bodiless 304.
REFRESH_SECONDS = 60


@page(blp, "/today")
def index():
    return render("today/index.html", days=overview.today(db_session()), **_helpers())


@page(blp, "/today/sites/<id:site_id>")
def site(site_id: int) -> Response:
    """One site's card (for htmx), or a page of it alone; 304 while it would read the same."""
    now = utcnow()
    session = db_session()
    tag = _etag(overview.fingerprint(session, site_id, now))
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
    else:
        [day] = overview.today(session, site_id, now)
        template = "today/card.html" if wants_part() else "today/index.html"
        response = make_response(render(template, days=[day], day=day, **_helpers()))
    response.set_etag(tag)
    # Stored by the browser but asked again each time: the ETag makes asking cheap.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _etag(fingerprint: str) -> str:
    """What the card shows (the domain's fingerprint), in which language and form, by which
    release of its templates and translations."""
    seen = f"{fingerprint}:{i18n.lang()}:{wants_part()}:{_release()}"
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


@cache
def _release() -> str:
    files = sorted((HERE / "templates").glob("*.html")) + sorted(i18n.TRANSLATIONS.rglob("*.mo"))
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]


def _helpers() -> dict[str, Any]:
    return {
        "title_of": _title_of,
        "clock": _clock,
        "quiet_hours": int(overview.QUIET_AFTER.total_seconds() // 3600),
        "refresh_seconds": REFRESH_SECONDS,
    }


def _title_of(overdue: overview.Overdue) -> str:
    """The alert's title in the page's language (the stored English one for older alerts)."""
    if overdue.title_args is None:
        return overdue.title
    return titles.render(AlertKind.INSPECTION_OVERDUE, overdue.title_args, i18n.lang())


def _clock(when: datetime | None, day: overview.SiteDay) -> str:
    """A time in the site's zone with its offset; the date too when it is not today's."""
    if when is None:
        return ""
    local_day = when.astimezone(ZoneInfo(day.timezone)).date().isoformat()
    return i18n.site_time(when, day.timezone, with_date=local_day != day.day)
