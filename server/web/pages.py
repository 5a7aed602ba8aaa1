"""What every console page shares: who is signed in, what they may see, and how errors show."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from server.domain import access, errors
from server.domain.actor import Role
from server.http.acting import acting_as
from server.http.limits import FORM_OVERHEAD
from server.http.statuses import status_of
from server.web import session

log = logging.getLogger("vigil.console")

# Every console page and action, by endpoint, with the roles it is open to; the access table
# in the tests reads this, so a page added without roles fails the suite.
ROLES: dict[str, frozenset[Role]] = {}


def group(name: str) -> Blueprint:
    """A page group's blueprint (inside the console's, under /console); errors shown as pages."""
    blp = Blueprint(name, __name__)
    blp.register_error_handler(errors.DomainError, _domain_error)
    blp.register_error_handler(HTTPException, _http_error)
    blp.register_error_handler(OperationalError, _unavailable)
    blp.register_error_handler(Exception, _unexpected)
    return blp


def page(
    blp: Blueprint,
    rule: str,
    allowed: frozenset[Role] = access.CONSOLE,
    upload: bool = False,
    **options: Any,
):
    """Route a console page: signed in (else to the sign-in page), role checked, CSRF checked.
    upload: the form may carry a photo, so its body may be as large as a photo."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def signed_in(*args: Any, **kwargs: Any) -> Any:
            try:
                actor = session.current()
            except errors.Unauthenticated:
                return _to_sign_in()
            if upload:  # before the CSRF check reads the form
                limit = current_app.extensions["vigil"].photo_limits.max_bytes
                request.max_content_length = limit + FORM_OVERHEAD
            session.check_csrf()
            g.actor = actor
            with acting_as(actor):
                access.require_role(actor, allowed)
                return view(*args, **kwargs)

        blp.add_url_rule(rule, view_func=signed_in, **options)
        ROLES[f"console.{blp.name}.{view.__name__}"] = allowed
        return signed_in

    return register


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A page (or a part of one, for htmx) with its status."""
    return render_template(template, **context), status


def wants_part() -> bool:
    """htmx asked for a piece of the page, not the page."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def back_here() -> str:
    """A console address that shows this page again by GET (the language switch and sign-in
    return there): this one when a GET asked for it; after a form's POST, which a GET cannot
    repeat, the page the form was on if it is this console's, else home."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    same_origin = f"{referrer.scheme}://{referrer.netloc}" == request.host_url.rstrip("/")
    if same_origin and _answers_get(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("console.today.index")


def _answers_get(path: str) -> bool:
    """A console page is at path for GET (a form's own address may take POST only)."""
    if not path.startswith(session.PATH + "/"):
        return False
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(path, "GET")
    except HTTPException:  # not found, POST only, or a redirect to somewhere else
        return False
    return endpoint.startswith("console.") and endpoint != "console.signin.unknown"


def _to_sign_in() -> Response:
    where = url_for("console.signin.form", next=back_here())
    if wants_part():  # htmx follows this header with a full-page navigation
        response = Response(status=401)
        response.headers["HX-Redirect"] = where
        return response
    return redirect(where)


def _domain_error(error: errors.DomainError) -> tuple[str, int]:
    code = status_of(error)
    if code == 401:
        return _to_sign_in()  # type: ignore[return-value]
    return render("error.html", code, code=code, message=error.message, problems=error.errors)


def _unavailable(error: OperationalError) -> tuple[str, int]:
    log.warning("database unavailable", extra={"error": str(error.orig)})
    message = "The database is busy or unavailable; try again in a moment."
    return render("error.html", 503, code=503, message=message, problems=None)


def _unexpected(error: Exception) -> tuple[str, int]:
    log.exception("unhandled error")
    message = "Something went wrong on our side; the request id in X-Request-ID helps find it."
    return render("error.html", 500, code=500, message=message, problems=None)


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    return render("error.html", code, code=code, message=error.description, problems=None)
