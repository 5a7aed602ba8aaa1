"""Incidents and shift notes from the handhelds: a site's, by day, and each on its own page."""

from collections.abc import Sequence
from typing import Any

from flask import request

from server.domain import field_reports, flag_words, names, site_choices
from server.domain.actor import current_actor
from server.domain.listing import PageRequest
from server.http.session import db_session
from server.web.field_reports import form as report_form
from server.web.pages import group, page, render

blp = group("field_reports")
PAGE_SIZE = 20


@page(blp, "/field-reports")
def index():
    form = report_form.read(request.args)
    sites, site = site_choices.sites(db_session(), form.site_id)
    shown: dict[str, Any] = {"form": form, "sites": sites, "site": site, "found": None}
    if form.problems:
        return render("field_reports/index.html", 422, **shown)
    since, until = form.between(site.timezone)
    paging = PageRequest(form.page, PAGE_SIZE)
    if form.tab == "incidents":
        wanted = field_reports.IncidentFilter(site_id=site.id, since=since, until=until)
        found, total = field_reports.incidents(db_session(), wanted, paging)
    else:
        noted = field_reports.ShiftNoteFilter(site_id=site.id, since=since, until=until)
        found, total = field_reports.shift_notes(db_session(), noted, paging)
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        "field_reports/index.html",
        **shown | {"found": found, "total": total, "pages": pages},
        names=_names(found),
        say_flag=flag_words.say,
    )


@page(blp, "/field-reports/incidents/<id:event_id>")
def incident(event_id: int):
    return render(
        "field_reports/incident.html", **_one(field_reports.incident(db_session(), event_id))
    )


@page(blp, "/field-reports/shift-notes/<id:event_id>")
def shift_note(event_id: int):
    found = field_reports.shift_note(db_session(), event_id)
    return render("field_reports/shift_note.html", **_one(found))


def _one(report: field_reports.Report) -> dict[str, Any]:
    """A report with its site's clock and its people's names, for its own page."""
    zone = "UTC"  # a report placed at no site: its times in UTC
    if report.site is not None:
        zone = site_choices.sites(db_session(), report.site.id)[1].timezone
    return {"report": report, "zone": zone, "names": _names([report]), "say_flag": flag_words.say}


def _names(reports: Sequence[field_reports.Report]) -> dict[str, dict[int, str]]:
    """The reports' guards and handhelds by name."""
    actor, session = current_actor(), db_session()
    people = (r.user_id for r in reports if r.user_id)
    handhelds = (r.device_id for r in reports)
    return {
        "people": names.lookup(session, actor, names.Named.PERSON, people),
        "handhelds": names.lookup(session, actor, names.Named.HANDHELD, handhelds),
    }
