"""The supervisor console: server-rendered pages (Jinja2, htmx) over the same domain as the API."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Flask, Response, g, redirect, request, url_for
from flask_babel import gettext as _
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

from server.domain.alerts.explain import explain, explain_evidence
from server.web import i18n, pages, session, words
from server.web.alerts import views as alerts
from server.web.audit import views as audit
from server.web.checkpoints import views as checkpoints
from server.web.field_reports import views as field_reports
from server.web.handhelds import views as handhelds
from server.web.inspection_templates import views as inspection_templates
from server.web.inspections import views as inspections
from server.web.notify import views as notify
from server.web.people import views as people
from server.web.photos import views as photos
from server.web.preferences import views as preferences
from server.web.reports import views as reports
from server.web.rounds import views as rounds
from server.web.routes import views as routes
from server.web.scans import views as scans
from server.web.schedules import views as schedules
from server.web.setup import sections
from server.web.setup import views as setup
from server.web.signin import views as signin
from server.web.sites import views as sites
from server.web.tags import views as tags
from server.web.today import views as today
from server.web.wand_imports import views as wand_imports

HERE = Path(__file__).parent
STATIC = HERE / "static"
# One blueprint per page group; each group's templates are named "<group>/<file>".
GROUPS = (
    *(signin, today, alerts, rounds, scans, inspections, field_reports, reports, photos),
    *(setup, sites, checkpoints, tags, routes, schedules, inspection_templates),
    *(handhelds, people, notify, audit, wand_imports),
    preferences,
)

# Pages load only the console's own files: no inline script or style, no other origin.
POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


@cache
def _fingerprint(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def asset(name: str) -> str:
    """A static file's URL with its content hash, so a new release is never served stale."""
    return url_for("console.static", filename=name, v=_fingerprint(name))


def nav_items() -> list[tuple[str, str, bool]]:
    """The console's top-level pages, in the order the bar shows them, and whether the page
    shown is one of them (every setup section counts as Setup)."""
    here = sections.current_group()
    here = "setup" if here in sections.GROUPS else here
    items = [
        ("console.today.index", _("Today")),
        ("console.alerts.queue", _("Alerts")),
        ("console.rounds.index", _("Rounds")),
        ("console.scans.index", _("Scan log")),
        ("console.inspections.index", _("Inspections")),
        ("console.field_reports.index", _("Field reports")),
        ("console.reports.index", _("Reports")),
        ("console.setup.index", _("Setup")),
    ]
    # Only the pages the person may open (a guard has none of these, only their own page).
    role = g.actor.role if g.get("actor") else None
    items = [(e, label) for e, label in items if role is None or role in pages.ROLES.get(e, ())]
    return [(endpoint, label, endpoint.split(".")[1] == here) for endpoint, label in items]


def error_heading(code: int) -> str:
    headings = {
        403: _("Not allowed"),
        404: _("Not found"),
        409: _("Cannot do that now"),
        422: _("Please check what you entered"),
        429: _("Too many attempts"),
    }
    return headings.get(code, _("Something went wrong"))


def init_web(app: Flask) -> None:
    """Register the console's page groups, its static files, languages and headers."""
    i18n.init_i18n(app)
    app.jinja_loader = ChoiceLoader(  # type: ignore[method-assign]
        [
            FileSystemLoader(HERE / "templates"),
            PrefixLoader(
                {
                    module.blp.name: FileSystemLoader(Path(module.__file__).parent / "templates")
                    for module in GROUPS
                }
            ),
        ]
    )
    app.jinja_env.globals.update(
        asset=asset,
        csrf_token=session.csrf_token,
        nav_items=nav_items,
        error_heading=error_heading,
        **words.GLOBALS,
        explain=explain,
        explain_evidence=explain_evidence,
        setup_sections=sections.SECTIONS,
        current_group=sections.current_group,
        back_here=pages.back_here,
    )
    console = Blueprint("console", __name__, url_prefix=session.PATH, static_folder=str(STATIC))
    for module in GROUPS:
        console.register_blueprint(module.blp)
    app.register_blueprint(console)
    # Someone who types the server's address is a person: show them the console.
    app.add_url_rule("/", "root", lambda: redirect(url_for("console.today.index")))

    @app.after_request
    def _headers(response: Response) -> Response:
        if request.path.startswith(session.PATH):
            response.headers["Content-Security-Policy"] = POLICY
            # With no-referrer (the API's), Chromium sends "Origin: null" on form posts, and
            # the console's origin check needs the real one.
            response.headers["Referrer-Policy"] = "same-origin"
            if not request.path.startswith(f"{session.PATH}/static/"):
                # Pages show one person's view of their sites: never from a shared cache.
                response.headers.setdefault("Cache-Control", "private, no-cache")
                response.headers["Vary"] = "Cookie, Accept-Language, HX-Request"
        return response
