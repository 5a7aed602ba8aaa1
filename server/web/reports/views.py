"""Reports: the list, asking for one (the worker makes it), one version's page, its file."""

import io
import re
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, redirect, request, send_file, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from server.domain import access, names
from server.domain.actor import current_actor
from server.domain.clock import utcnow
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.listing import PageRequest
from server.domain.models import Report, ReportKind, ReportState, Site
from server.domain.registry import sites
from server.domain.reports import library
from server.http.session import db_session
from server.web.forms import Refusal, refusal
from server.web.i18n import lang
from server.web.pages import group, page, render, wants_part
from server.web.reports import choices, forms, words

blp = group("reports")
# How often a report's page asks whether the worker has made it yet.
POLL_SECONDS = 3
UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')  # not in a file's name on any system


@blp.context_processor
def _words() -> dict[str, Any]:
    return {"say": words}


@page(blp, "/reports", access.READ_REPORTS)
def index():
    args = forms.list_args(request.args)
    session = db_session()
    visible = _sites(session)
    if args.get("site_id") is not None and args["site_id"] not in visible:
        raise NotFound(f"site {args['site_id']} not found")
    wanted = library.ReportFilter(site_id=args.get("site_id"), kind=args.get("kind"))
    paging = PageRequest(args["page"], forms.PAGE_SIZE, "-since,-version")
    found, total = library.listing(session, wanted, paging)
    context = {
        "args": args,
        "found": found,
        "total": total,
        "pages": max(1, -(-total // forms.PAGE_SIZE)),
        "sites": visible,
        "kinds": forms.offered(),
        "assets": choices.asset_names(session, found),
    }
    return render("reports/_list.html" if wants_part() else "reports/index.html", **context)


@page(blp, "/reports/new", access.READ_REPORTS)
def new():
    args = forms.list_args(request.args)
    return _ask_page(args.get("site_id"), args.get("kind"), None, None)


@page(blp, "/reports/new", access.READ_REPORTS, methods=["POST"])
def ask():
    session = db_session()
    try:
        report, new = library.request(session, forms.ask(request.form))
    except Invalid as error:
        session.rollback()
        site_id = request.form.get("site_id", type=int)
        kind = next((k for k in forms.offered() if k.value == request.form.get("kind")), None)
        return _ask_page(site_id, kind, request.form.to_dict(), refusal(error), lenient=True)
    session.commit()
    return redirect(url_for(".show", report_id=report.id, asked="new" if new else "made"))


@page(blp, "/reports/<id:report_id>", access.READ_REPORTS)
def show(report_id: int):
    session = db_session()
    report = library.get(session, report_id)
    if wants_part() and report.state is ReportState.REQUESTED:
        return Response(status=204)  # not made yet: htmx keeps what it shows and asks again
    context = _one(session, report) | {"asked": request.args.get("asked")}
    return render("reports/_report.html" if wants_part() else "reports/show.html", **context)


@page(blp, "/reports/<id:report_id>/file", access.READ_REPORTS)
def download(report_id: int):
    session = db_session()
    try:
        report = library.made(session, report_id)
    except Conflict:
        return render(
            "reports/not_ready.html", 409, **_one(session, library.get(session, report_id))
        )
    with current_app.extensions["vigil"].blobs.open(report.sha256) as stored:
        blob = io.BytesIO(stored.read())  # a few megabytes at most; the file closes here
    site = sites.get(session, report.site_id)
    return send_file(
        blob,
        mimetype=report.format.mimetype,
        as_attachment=True,
        download_name=_file_name(report, site),
        etag=report.sha256,
    )


def _sites(session: Session, active: bool | None = None) -> dict[int, Site]:
    """The actor's sites by name."""
    stmt = sites.list_query({"active": active}).order_by(Site.name, Site.id)
    return {s.id: s for s in session.scalars(stmt)}


def _ask_page(
    site_id: int | None,
    kind: ReportKind | None,
    values: dict[str, Any] | None,
    refused: Refusal | None,
    lenient: bool = False,
) -> tuple[str, int]:
    """The ask form for a site and kind (the first of each unless chosen). lenient: a refused
    form naming a site it may not see shows the first site, beside its refusal."""
    session = db_session()
    visible = _sites(session, active=True)
    site = visible.get(site_id) if site_id is not None else None
    if site is None and site_id is not None and not lenient:
        raise NotFound(f"site {site_id} not found")
    site = site or next(iter(visible.values()), None)
    kind = kind or forms.offered()[0]
    context: dict[str, Any] = {"sites": visible, "site": site, "kind": kind, "refused": refused}
    context |= {"kinds": forms.offered(), "needs": forms.NEEDS.get(kind, ())}
    if site is not None:
        today = utcnow().astimezone(ZoneInfo(site.timezone)).date()
        context["values"] = values or forms.first_values(kind, today, lang())
        context["shifts"] = choices.shifts(site)
        if "asset_id" in context["needs"]:
            context["equipment"] = choices.equipment(session, site)
        if "record_id" in context["needs"]:
            context["audits"] = choices.audits(session, site, lang())
    return render("reports/ask.html", refused.status if refused else 200, **context)


def _one(session: Session, report: Report) -> dict[str, Any]:
    """A report version with its site, who asked, its other versions and what it changed."""
    versions = library.versions(session, report)
    amended = next((v for v in versions if v.id == report.amends_id), None)
    moved = None  # known once both are made: until then, what the worker noted
    if amended is not None and {report.state, amended.state} == {ReportState.MADE}:
        moved = words.moved(amended.figures or {}, report.figures or {})
    asker = [report.requested_by] if report.requested_by else []
    people = names.lookup(session, current_actor(), names.Named.PERSON, asker)
    return {
        "report": report,
        "site": sites.get(session, report.site_id),
        "versions": versions,
        "amended": amended,
        "moved": moved,
        "asker": people.get(report.requested_by) if report.requested_by else None,
        "assets": choices.asset_names(session, [report]),
        "poll_seconds": POLL_SECONDS,
    }


def _file_name(report: Report, site: Site) -> str:
    """ "Daily_activity-湖畔花园-2026-11-20_夜班-v2.pdf": Flask sends it as RFC 5987's filename*,
    with an ASCII copy for old clients (the kind then still names it)."""
    covers = words.covers(report, choices.asset_names(db_session(), [report]))
    parts = (words.kind(report.kind), site.name, covers, f"v{report.version}")
    stem = "-".join(UNSAFE.sub("_", p).strip("_.") for p in parts)
    return f"{stem}.{report.format.value}"
