"""Sign-in and sign-out pages, the console's front door, and the language switch."""

from flask import g, make_response, redirect, request, url_for
from werkzeug.wrappers import Response

from server.domain.actor import Role
from server.domain.errors import NotFound, Throttled, Unauthenticated
from server.web import i18n, session
from server.web.pages import group, page, render

blp = group("signin")
EVERYONE = frozenset(Role)


def _local(target: str | None) -> str:
    """Where to go after signing in: only a console path, so the link cannot lead off-site."""
    if target and target.startswith(session.PATH + "/") and not target.startswith("//"):
        return target
    return url_for("console.today.index")


@blp.get("/sign-in")
def form() -> Response:
    session.prepare_sign_in_nonce()
    response = make_response(_form_page(request.args.get("next"), None, 200))
    session.ensure_sign_in_nonce(response)
    return response


@blp.post("/sign-in")
def submit() -> Response:
    session.check_csrf()
    target = request.form.get("next")
    try:
        response = redirect(_local(target))
        session.sign_in(response, request.form.get("login", ""), request.form.get("password", ""))
    except Unauthenticated:
        return _retry(target, "wrong", 401)
    except Throttled as error:
        retry = _retry(target, "throttled", 429)
        retry.headers["Retry-After"] = str(error.retry_after)
        return retry
    return response


@page(blp, "/sign-out", EVERYONE, methods=["POST"])
def sign_out() -> Response:
    response = redirect(url_for("console.signin.form"))
    session.sign_out(response)
    return response


@blp.get("/language/<code>")
def language(code: str) -> Response:
    """The switch: the choice sticks in a cookie for a year."""
    response = redirect(_local(request.args.get("next")))
    if code in i18n.LANGUAGES:
        response.set_cookie(
            i18n.COOKIE, code, max_age=365 * 86400, path="/", samesite="Lax", httponly=True
        )
    return response


@blp.get("/")
def home() -> Response:
    return redirect(url_for("console.today.index"))


@page(blp, "/<path:anything>", EVERYONE)
def unknown(anything: str) -> Response:
    raise NotFound(f"no page at /console/{anything}")


def _retry(target: str | None, problem: str, status: int) -> Response:
    session.prepare_sign_in_nonce()
    response = make_response(_form_page(target, problem, status))
    session.ensure_sign_in_nonce(response)
    return response


def _form_page(target: str | None, problem: str | None, status: int) -> tuple[str, int]:
    g.signing_in = True
    return render("signin/form.html", status, next=target or "", problem=problem)
