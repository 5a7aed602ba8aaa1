"""The alert queue and an alert's page: see what went wrong, why, and close it."""

from flask import current_app, redirect, request, url_for

from server.domain import photos
from server.domain.alerts import handling
from server.domain.alerts.kinds import AlertKind
from server.domain.alerts.queue import queue as alert_queue
from server.domain.listing import PageRequest
from server.domain.models import Checkpoint, Site
from server.domain.notify import deliveries
from server.domain.overview.alert_case import case
from server.domain.patrol import timeline
from server.domain.registry import checkpoints as registry_checkpoints
from server.domain.registry import sites
from server.http.session import db_session
from server.web.alerts import forms
from server.web.alerts.plan import draw
from server.web.pages import group, page, render, wants_part

blp = group("alerts")


@page(blp, "/alerts")
def queue():
    args = forms.queue_args(request.args)
    session = db_session()
    visible = list(session.scalars(sites.list_query({"active": True}).order_by(Site.name)))
    chosen = next((s for s in visible if s.id == args.get("site_id")), None)
    timezone = (chosen or (visible[0] if visible else None) or Site(timezone="UTC")).timezone
    wanted = PageRequest(args["page"], forms.PAGE_SIZE, forms.ORDERS[args["order"]])
    found = alert_queue(session, forms.domain_filters(args, timezone), wanted)
    checkpoints = []
    if chosen is not None:
        in_site = registry_checkpoints.list_query({"site_id": chosen.id, "active": True})
        checkpoints = list(session.scalars(in_site.order_by(Checkpoint.name)))
    context = {
        "found": found,
        "args": args,
        "sites": {s.id: s for s in visible},
        "checkpoints": checkpoints,
        "timezone": timezone,
        "page_size": forms.PAGE_SIZE,
        "kinds": [kind.value for kind in AlertKind],
        "done": request.args.get("acknowledged", type=int),
        "skipped": request.args.getlist("skipped", type=int),
    }
    return render("alerts/_queue.html" if wants_part() else "alerts/queue.html", **context)


@page(blp, "/alerts/acknowledge", methods=["POST"])
def acknowledge_many():
    ids = forms.alert_ids(request.form.getlist("alert_ids"))
    outcomes = handling.acknowledge_many(db_session(), ids, forms.note(request.form.get("note")))
    db_session().commit()
    back = {k: v for k, v in request.form.items() if k.startswith("f_") and v}
    done = sum(o.done for o in outcomes)
    skipped = [o.alert_id for o in outcomes if not o.done]
    filters = {k.removeprefix("f_"): v for k, v in back.items()}
    return redirect(url_for(".queue", **filters, acknowledged=done, skipped=skipped))


@page(blp, "/alerts/<id:alert_id>")
def show(alert_id: int):
    found = case(db_session(), alert_id)
    return render(
        "alerts/alert.html",
        case=found,
        timeline=timeline.of_round(db_session(), found.round.id) if found.round else None,
        # A plan helps where people walked: a round, or the scans behind the alert.
        plan=draw(found.places, found.scans) if found.round or found.scans else None,
        told=deliveries.for_alert(db_session(), alert_id),
        done=request.args.get("done"),
    )


@page(blp, "/alerts/<id:alert_id>/acknowledge", methods=["POST"])
def acknowledge(alert_id: int):
    handling.acknowledge(db_session(), alert_id, forms.note(request.form.get("note")))
    return _done(alert_id, "acknowledged")


@page(blp, "/alerts/<id:alert_id>/resolve", methods=["POST"], upload=True)
def resolve(alert_id: int):
    note = forms.note(request.form.get("note"), required=True)
    photo = None
    sent = request.files.get("photo")
    if sent is not None and sent.filename:
        vigil = current_app.extensions["vigil"]
        kept = photos.upload_file(db_session(), vigil.blobs, sent.stream, vigil.photo_limits)
        photo = kept.sha256
    handling.resolve(db_session(), alert_id, note, photo)
    return _done(alert_id, "resolved")


@page(blp, "/alerts/<id:alert_id>/reopen", methods=["POST"])
def reopen(alert_id: int):
    handling.reopen(db_session(), alert_id, forms.note(request.form.get("note"), required=True))
    return _done(alert_id, "reopened")


def _done(alert_id: int, what: str):
    db_session().commit()
    return redirect(url_for(".show", alert_id=alert_id, done=what))
