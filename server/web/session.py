"""Console sign-in: a server-side session behind an HttpOnly cookie, and its CSRF tokens."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import Response, current_app, g, request
from werkzeug.exceptions import Forbidden

from server.db import READS_ONLY
from server.domain.actor import Actor
from server.domain.clock import utcnow
from server.domain.errors import Unauthenticated
from server.domain.models import TokenKind
from server.domain.registry import auth
from server.http.session import db_session

COOKIE = "vigil_session"
# Before sign-in there is no session to bind the form's token to: this cookie stands in.
SIGN_IN_COOKIE = "vigil_sign_in"
PATH = "/console"
# A session's last use is written at most this often, not on every page.
TOUCH_EVERY = timedelta(minutes=1)
# Sent by a page refreshing itself (Today's cards): not a person's use, so an unattended
# screen still reaches the idle timeout.
POLL_HEADER = "X-Vigil-Poll"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def policy() -> auth.AuthPolicy:
    """The API's throttling with the console's lifetimes: absolute and idle."""
    config = current_app.config
    return auth.AuthPolicy(
        token_ttl=timedelta(hours=config["CONSOLE_SESSION_HOURS"]),
        idle=timedelta(minutes=config["CONSOLE_IDLE_MINUTES"]),
        window=timedelta(minutes=config["LOGIN_WINDOW_MINUTES"]),
        max_failures_per_login=config["LOGIN_MAX_FAILURES"],
        max_failures_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
    )


def sign_in(response: Response, login: str, password: str) -> None:
    """Check the password (throttled as the API is) and set a new session's cookie."""
    session = db_session()
    try:
        issued = auth.login(
            session, login, password, request.remote_addr or "", policy(), TokenKind.CONSOLE
        )
    except Unauthenticated:
        session.commit()  # the failure counts towards throttling
        raise
    session.commit()
    _set_cookie(response, COOKIE, issued.token, policy().token_ttl)
    response.delete_cookie(SIGN_IN_COOKIE, path=PATH)


def current() -> Actor:
    """The signed-in actor of this request, or Unauthenticated; a used session stays alive."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise Unauthenticated("sign in first")
    # In a session of its own, like the touch below: the page's session stays the page's.
    sessions = current_app.extensions["vigil"].sessionmaker
    with sessions(execution_options={READS_ONLY: True}) as session:
        found = auth.resolve(session, token, TokenKind.CONSOLE, policy().idle)
    g.token_id = found.token_id
    last = found.last_used_at
    polled = request.headers.get(POLL_HEADER) == "1"
    if not polled and (last is None or last < utcnow() - TOUCH_EVERY):
        _touch(found.token_id)
    return found.actor


def sign_out(response: Response) -> None:
    """Revoke the session server-side (its cookie stops working anywhere) and drop the cookie."""
    auth.revoke(db_session(), g.token_id)
    db_session().commit()
    response.delete_cookie(COOKIE, path=PATH)


def csrf_token() -> str:
    """The token every form of this session carries: an HMAC of the session, never stored."""
    bound = request.cookies.get(COOKIE) or g.get("sign_in_nonce") or ""
    return _mac(bound)


def ensure_sign_in_nonce(response: Response) -> None:
    """Give the sign-in form something to bind its CSRF token to (set before rendering)."""
    if g.get("sign_in_nonce") and not request.cookies.get(SIGN_IN_COOKIE):
        _set_cookie(response, SIGN_IN_COOKIE, g.sign_in_nonce, timedelta(hours=1))


def prepare_sign_in_nonce() -> None:
    g.sign_in_nonce = request.cookies.get(SIGN_IN_COOKIE) or secrets.token_urlsafe(24)


def check_csrf() -> None:
    """Refuse a state-changing request from another origin or without this session's token."""
    if request.method not in UNSAFE:
        return
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Forbidden("cross-site request refused")
    origin = request.headers.get("Origin")
    if origin and origin != request.host_url.rstrip("/"):
        raise Forbidden("request from another origin refused")
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    bound = request.cookies.get(COOKIE) or request.cookies.get(SIGN_IN_COOKIE) or ""
    if not bound or not hmac.compare_digest(sent, _mac(bound)):
        raise Forbidden("the form has expired or did not come from this console; reload it")


def _mac(value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"console-csrf:" + value.encode(), hashlib.sha256).hexdigest()


def _set_cookie(response: Response, name: str, value: str, lifetime: timedelta) -> None:
    response.set_cookie(
        name,
        value,
        max_age=int(lifetime.total_seconds()),
        path=PATH,
        httponly=True,
        secure=request.is_secure,
        samesite="Lax",
    )


def _touch(token_id: int) -> None:
    # Its own short transaction: the page's session may be read-only (GET on SQLite).
    with current_app.extensions["vigil"].sessionmaker() as session:
        auth.touch(session, token_id)
        session.commit()
