"""Handhelds: enroll one with a QR code on the screen, see when each last synced, revoke one."""

from datetime import timedelta
from typing import Any

from flask import make_response, redirect, request, url_for
from werkzeug.wrappers import Response

from server.domain import access
from server.domain.clock import utcnow
from server.domain.errors import DomainError
from server.domain.listing import PageRequest, fetch_page
from server.domain.models import Device, Site
from server.domain.registry import devices, enrollment, sites
from server.http.session import db_session
from server.web.forms import Refusal, refusal
from server.web.handhelds import forms, shown
from server.web.handhelds.drawing import draw
from server.web.pages import group, page, render, wants_part

blp = group("handhelds")
PAGE_SIZE = 100
# How often the page showing a code asks whether a handheld has used it.
POLL_SECONDS = 3


@page(blp, "/handhelds", allowed=access.MANAGE_DEVICES)
def index():
    args = forms.list_args(request.args)
    if args.get("site_id") is not None:
        sites.get(db_session(), args["site_id"])  # another tenant's or site's: not found
    values = {"site_id": args.get("site_id"), "ttl_minutes": forms.DEFAULT_LIFETIME}
    return render("handhelds/index.html", **_listing(args), values=values, refused=None)


@page(blp, "/handhelds/codes", allowed=access.MANAGE_DEVICES, methods=["POST"])
def create_code():
    session = db_session()
    try:
        data = forms.code_request(request.form)
        ttl = timedelta(minutes=data["ttl_minutes"])
        record, code = enrollment.create_code(session, data["site_id"], ttl)
    except DomainError as error:
        session.rollback()
        return _refused(refusal(error))
    session.commit()
    # The code is shown here once and never again (only its hash is kept): no redirect to
    # carry it, and no cache to keep it.
    context = _code_context(record)
    payload = enrollment.qr_payload(code)
    shown_once = render(
        "handhelds/code.html", 201, **context, code=code, payload=payload, qr=draw(payload)
    )
    response = make_response(shown_once)
    response.headers["Cache-Control"] = "no-store"
    return response


@page(blp, "/handhelds/codes/<id:code_id>", allowed=access.MANAGE_DEVICES)
def code(code_id: int):
    context = _code_context(enrollment.get_code(db_session(), code_id))
    if wants_part():
        if context["state"] is enrollment.CodeState.OPEN:
            return Response(status=204)  # nothing new: htmx keeps what it shows and asks again
        return render("handhelds/_code_state.html", **context)
    return render("handhelds/code.html", **context, code=None)


@page(blp, "/handhelds/codes/<id:code_id>/revoke", allowed=access.MANAGE_DEVICES, methods=["POST"])
def revoke_code(code_id: int):
    record = enrollment.revoke_code(db_session(), code_id)
    db_session().commit()
    return redirect(url_for(".index", site_id=record.site_id, done="code_revoked"))


@page(blp, "/handhelds/<id:device_id>/revoke", allowed=access.MANAGE_DEVICES, methods=["POST"])
def revoke(device_id: int):
    devices.update(db_session(), device_id, {"active": False})
    db_session().commit()
    site_id = request.form.get("site_id", type=int)
    return redirect(url_for(".index", site_id=site_id, done="revoked"))


def _refused(refused: Refusal) -> Any:
    """The list with the enrollment form as it was sent, and why it was refused."""
    values = {k: request.form.get(k) for k in ("site_id", "ttl_minutes")}
    return render(
        "handhelds/index.html",
        refused.status,
        **_listing({"page": 1}),
        values=values,
        refused=refused,
    )


def _listing(args: dict[str, Any]) -> dict[str, Any]:
    """The handhelds on the actor's sites (or one site), their clocks, and the open codes."""
    session = db_session()
    visible = {s.id: s for s in session.scalars(sites.list_query({}).order_by(Site.name))}
    site_id = args.get("site_id")
    found = devices.list_query({"site_id": site_id}).order_by(Device.active.desc())
    wanted = PageRequest(args["page"], PAGE_SIZE, "label,serial")
    handhelds, total = fetch_page(session, found, Device, wanted, devices.SORTABLE)
    codes = session.scalars(enrollment.list_query({"site_id": site_id, "open": True}))
    return {
        "handhelds": handhelds,
        "total": total,
        "page_number": args["page"],
        "page_size": PAGE_SIZE,
        "readings": devices.clock_readings(session, [d.id for d in handhelds]),
        "codes": list(codes),
        "sites": visible,
        "site_choices": [(s.id, s.name) for s in visible.values() if s.active],
        "site_id": site_id,
        "now": utcnow(),
        "shown": shown,
        "lifetimes": [(m, shown.lifetime(m)) for m in forms.LIFETIMES],
        "done": request.args.get("done"),
    }


def _code_context(record: Any) -> dict[str, Any]:
    session = db_session()
    now = utcnow()
    return {
        "record": record,
        "site": session.get_one(Site, record.site_id),
        "state": enrollment.code_state(record, now),
        "seconds_left": max(0, int((record.expires_at - now).total_seconds())),
        "device": session.get(Device, record.device_id) if record.device_id else None,
        "server_url": request.host_url,
        "poll_seconds": POLL_SECONDS,
    }
