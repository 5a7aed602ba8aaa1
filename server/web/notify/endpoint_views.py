"""An endpoint's pages: add one, its settings, a new signing key shown once, deactivation, and
its delivery log with Redeliver. Secrets are never shown but once, right after they are made."""

from typing import Any

from flask import make_response, redirect, request, url_for

from server.api.notify_endpoints.schemas import RotateSecretSchema
from server.domain.errors import DomainError
from server.domain.listing import PageRequest, fetch_page
from server.domain.models import EndpointKind, NotificationAttempt, NotifyEndpoint
from server.domain.notify import deliveries, endpoints
from server.http.session import db_session
from server.web.forms import Refusal, load, refusal, stamp, unchanged_since
from server.web.notify import forms
from server.web.notify.common import MANAGE, all_sites, blp, site_choices, zone_of
from server.web.notify.listing import listing
from server.web.pages import page, render

PAGE_SIZE = 50
MAX_PAGE = 10_000


@page(blp, "/notify/endpoints", allowed=MANAGE, methods=["POST"])
def create_endpoint():
    session = db_session()
    try:
        data, made = forms.created(request.form)
        endpoint = endpoints.create(session, data)
    except DomainError as error:
        session.rollback()
        return listing(forms.as_typed(request.form), refusal(error))
    session.commit()
    if made:
        return _shown_once(endpoint, made, 201, "created")
    return redirect(url_for(".endpoint", endpoint_id=endpoint.id, done="created"))


@page(blp, "/notify/endpoints/<id:endpoint_id>", allowed=MANAGE)
def endpoint(endpoint_id: int):
    found = endpoints.get(db_session(), endpoint_id)
    return render("notify/endpoint.html", **_endpoint(found) | {"done": request.args.get("done")})


@page(blp, "/notify/endpoints/<id:endpoint_id>/edit", allowed=MANAGE, methods=["POST"])
def edit_endpoint(endpoint_id: int):
    session = db_session()
    try:
        data = forms.changes(request.form)
        endpoints.update(session, endpoint_id, data, unchanged_since(request.form.get("seen")))
    except DomainError as error:
        return _refused(endpoint_id, refusal(error), forms.as_typed(request.form))
    session.commit()
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id, done="saved"))


@page(blp, "/notify/endpoints/<id:endpoint_id>/rotate", allowed=MANAGE, methods=["POST"])
def rotate_secret(endpoint_id: int):
    """A webhook gets a key Vigil makes; a DingTalk robot the one DingTalk showed, typed."""
    session = db_session()
    found = endpoints.get(session, endpoint_id)
    secret = request.form.get("secret", "").strip()
    if not secret and found.kind is EndpointKind.WEBHOOK:
        secret = forms.new_secret()
    try:
        data = load(RotateSecretSchema(), {"secret": secret})
        found = endpoints.rotate_secret(session, endpoint_id, data["secret"])
    except DomainError as error:
        return _refused(endpoint_id, refusal(error))
    session.commit()
    return _shown_once(found, data["secret"], 200, "rotated")


@page(blp, "/notify/endpoints/<id:endpoint_id>/deactivate", allowed=MANAGE, methods=["POST"])
def deactivate_endpoint(endpoint_id: int):
    endpoints.deactivate(db_session(), endpoint_id)
    db_session().commit()
    return redirect(url_for(".endpoint", endpoint_id=endpoint_id, done="deactivated"))


@page(blp, "/notify/endpoints/<id:endpoint_id>/deliveries", allowed=MANAGE)
def delivery_log(endpoint_id: int):
    return _log(endpoint_id, request.args.get("page", 1, type=int) or 1)


@page(blp, "/notify/notifications/<id:notification_id>/redeliver", allowed=MANAGE, methods=["POST"])
def redeliver(notification_id: int):
    """Send a delivered or given-up notification again, now, under the same webhook-id."""
    session = db_session()
    back = request.form.get("page", 1, type=int) or 1
    try:
        notification = deliveries.redeliver(session, notification_id)
    except DomainError as error:
        session.rollback()
        notification = deliveries.get(session, notification_id)
        if notification.endpoint_id is None:
            raise
        return _log(notification.endpoint_id, back, refusal(error))
    session.commit()
    if notification.endpoint_id is None:  # a person's e-mail: it has no log page here
        return redirect(url_for(".index", done="redelivered"))
    where = url_for(
        ".delivery_log",
        endpoint_id=notification.endpoint_id,
        page=back,
        done="redelivered",
        _anchor=f"n{notification.id}",
    )
    return redirect(where)


def _log(endpoint_id: int, page_number: int, refused: Refusal | None = None) -> Any:
    session = db_session()
    stmt = deliveries.log_query(session, endpoint_id)  # another tenant's endpoint: not found
    found = endpoints.get(session, endpoint_id)
    wanted = PageRequest(min(max(page_number, 1), MAX_PAGE), PAGE_SIZE)
    attempts, total = fetch_page(session, stmt, NotificationAttempt, wanted, ())
    told = deliveries.notifications(session, attempts)
    known = all_sites()
    return render(
        "notify/deliveries.html",
        refused.status if refused else 200,
        endpoint=found,
        site=known.get(found.site_id) if found.site_id else None,
        zone=zone_of(known, found.site_id),
        attempts=attempts,
        told=told,
        # Redeliver is offered on each notification's newest attempt shown, once it is done.
        offered=_offered(attempts, told),
        states=forms.STATES,
        kinds=forms.KINDS,
        total=total,
        page_number=wanted.page,
        page_size=PAGE_SIZE,
        refused=refused,
        done=request.args.get("done"),
    )


def _offered(attempts: list[NotificationAttempt], told: dict[int, Any]) -> set[int]:
    seen: set[int] = set()
    offered = set()
    for attempt in attempts:
        if attempt.notification_id in seen:
            continue
        seen.add(attempt.notification_id)
        notification = told.get(attempt.notification_id)
        if notification is not None and notification.state in forms.SENDABLE:
            offered.add(attempt.id)
    return offered


def _shown_once(found: NotifyEndpoint, secret: str, status: int, done: str) -> Any:
    """The endpoint's page with its new key: in this answer only, never in a URL, never
    cached (the back button must not bring it back from a cache either)."""
    context = _endpoint(found) | {"secret": secret, "done": done}
    response = make_response(render("notify/endpoint.html", status, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(endpoint_id: int, refused: Refusal, values: dict[str, Any] | None = None) -> Any:
    """The endpoint's page again (as stored), with what was typed and why it was refused."""
    db_session().rollback()
    context = _endpoint(endpoints.get(db_session(), endpoint_id)) | {"refused": refused}
    if values is not None:
        context["values"] = values | {"seen": request.form.get("seen", "")}
    return render("notify/endpoint.html", refused.status, **context)


def _endpoint(found: NotifyEndpoint) -> dict[str, Any]:
    known = all_sites()
    return {
        "endpoint": found,
        "url": forms.shown_url(found),
        "sites": known,
        "site_choices": site_choices(known, found.site_id),
        "zone": zone_of(known, found.site_id),
        "last": deliveries.latest(db_session(), [found.id]).get(found.id),
        "kinds": forms.KINDS,
        "languages": forms.LANGUAGES,
        "severities": forms.severities(),
        "values": forms.values_of(found) | {"seen": stamp(found)},
        "refused": None,
        "secret": None,
        "done": None,
    }
