"""Setup: QR tags. Issue, re-issue and revoke them; print label sheets and single tags.

Every action is the API's (server/api/tags/routes.py): the same schemas read the forms, the
same domain functions (server/domain/registry/tags.py) write and audit, and the same label-sheet
code (qr/sheets.py) makes the PDF. The preview is that code's first page drawn as a picture.
"""

from typing import Any

from flask import redirect, request, url_for
from werkzeug.datastructures import MultiDict

from qr import render as qr_render
from qr import sheets
from server.domain import access, names, site_choices
from server.domain.actor import current_actor
from server.domain.errors import DomainError, NotFound
from server.domain.models import QrTag, TagStatus
from server.domain.registry import sites, tags
from server.http.session import db_session
from server.web.forms import Refusal, refusal
from server.web.pages import group, page, render, wants_part
from server.web.tags import forms, printing, rows

blp = group("tags")
MANAGE = access.MANAGE_REGISTRY  # the API's role set for every tag endpoint


@page(blp, "/tags", allowed=MANAGE)
def index():
    return _list(forms.site_id(request.args))


@page(blp, "/tags/issue", methods=["POST"], allowed=MANAGE)
def issue():
    try:
        tag = tags.issue(db_session(), forms.issue(request.form))
    except DomainError as error:
        db_session().rollback()
        return _list(forms.site_id(request.form), refusal(error))
    db_session().commit()
    return redirect(url_for(".show", tag_id=tag.id, done="issued"))


@page(blp, "/tags/<id:tag_id>", allowed=MANAGE)
def show(tag_id: int):
    return _tag_page(tag_id)


@page(blp, "/tags/<id:tag_id>/reissue", methods=["POST"], allowed=MANAGE)
def reissue(tag_id: int):
    try:
        successor = tags.reissue(db_session(), tag_id, forms.end(request.form))
    except DomainError as error:
        db_session().rollback()
        return _tag_page(tag_id, refusal(error), "reissue")
    db_session().commit()
    return redirect(url_for(".show", tag_id=successor.id, done="reissued"))


@page(blp, "/tags/<id:tag_id>/revoke", methods=["POST"], allowed=MANAGE)
def revoke(tag_id: int):
    try:
        tags.revoke(db_session(), tag_id, forms.revoke(request.form))
    except DomainError as error:
        db_session().rollback()
        return _tag_page(tag_id, refusal(error), "revoke")
    db_session().commit()
    return redirect(url_for(".show", tag_id=tag_id, done="revoked"))


@page(blp, "/tags/<id:tag_id>/image.png", allowed=MANAGE)
def image_png(tag_id: int):
    size = forms.image(request.args)
    payload, code = _payload(tag_id)
    data = qr_render.png(payload, size["size_mm"], size["dpi"])
    return printing.file(data, "image/png", f"tag-{code}.png")


@page(blp, "/tags/<id:tag_id>/image.svg", allowed=MANAGE)
def image_svg(tag_id: int):
    size = forms.image(request.args)
    payload, code = _payload(tag_id)
    data = qr_render.svg(payload, size["size_mm"])
    return printing.file(data, "image/svg+xml", f"tag-{code}.svg")


@page(blp, "/tags/<id:tag_id>/label.pdf", allowed=MANAGE)
def label_pdf(tag_id: int):
    tag = tags.get(db_session(), tag_id)  # another site's tag is not found, not "not active"
    one = MultiDict(request.args)
    one.setlist("tag_ids", [str(tag.id)])
    one["site_id"], one["which"] = str(tag.site_id), forms.Which.TICKED
    return printing.pdf(db_session(), forms.sheet(one))


@page(blp, "/tags/print", allowed=MANAGE)
def print_form():
    chosen = site_choices.sites(db_session(), forms.site_id(request.args))[1]
    default = {
        "site_id": str(chosen.id),
        "which": forms.Which.ALL,
        "paper": "a4",
        "layout": "small",
    }
    return _print_page(MultiDict(default), asked=False)


@page(blp, "/tags/print", methods=["POST"], allowed=MANAGE)
def print_sheet():
    if request.form.get("do") == "pdf":
        try:
            return printing.pdf(db_session(), forms.sheet(request.form))
        except DomainError as error:
            return _print_page(request.form, refusal(error))
    return _print_page(request.form)


def _payload(tag_id: int) -> tuple[str, str]:
    """The tag's QR text and the code printed beside it (the file's name)."""
    session = db_session()
    tag = tags.get(session, tag_id)
    return tags.payload_of(tag, tags.key_of(session, tag)), tags.subject_of(session, tag).code


def _list(site_id: int | None, refused: Refusal | None = None) -> tuple[str, int]:
    session = db_session()
    try:
        every, site = site_choices.sites(session, site_id)
    except NotFound:
        if site_id is not None:
            raise
        every, site = [], None  # nobody has given this person a site yet
    return render(
        "tags/index.html",
        refused.status if refused else 200,
        sites=every,
        site=site,
        rows=rows.of_site(session, site.id) if site else {},
        refused=refused,
    )


def _tag_page(tag_id: int, refused: Refusal | None = None, form: str = "") -> tuple[str, int]:
    session = db_session()
    tag = tags.get(session, tag_id)
    thing = tags.subject_of(session, tag)
    same_thing = tags.list_query({f"{tag.subject.value}_id": thing.id})
    history = list(session.scalars(same_thing.order_by(QrTag.issued_at.desc(), QrTag.id.desc())))
    people = [i for t in history for i in (t.issued_by, t.ended_by) if i is not None]
    return render(
        "tags/tag.html",
        refused.status if refused else 200,
        tag=tag,
        thing=thing,
        site=sites.get(session, tag.site_id),
        history=history,
        keys={t.id: tags.key_of(session, t).number for t in history},
        people=names.lookup(session, current_actor(), names.Named.PERSON, people),
        any_active=any(t.status is TagStatus.ACTIVE for t in history),
        refused=refused,
        refused_form=form,
        values=request.form if refused else {},
        done=request.args.get("done"),
        layouts=sheets.LAYOUTS,
        papers=sheets.PAPERS,
    )


def _print_page(
    sent: MultiDict[str, str], refused: Refusal | None = None, asked: bool = True
) -> tuple[str, int]:
    """The print form as sent, with its first page's preview or why there is none. A choice
    the person made (asked) and cannot print is refused; the page's first choice is not."""
    session = db_session()
    every, site = site_choices.sites(session, forms.site_id(sent))
    shown: printing.Preview | None = None
    nothing: Refusal | None = None
    if refused is None:
        try:
            shown = printing.first_page(session, forms.sheet(sent))
        except DomainError as error:
            refused, nothing = (refusal(error), None) if asked else (None, refusal(error))
    context: dict[str, Any] = {
        "sites": every,
        "site": site,
        "printable": [
            r for found in rows.of_site(session, site.id).values() for r in found if r.active
        ],
        "sent": sent,
        "ticked": set(sent.getlist("tag_ids")),
        "preview": shown,
        "nothing": nothing,
        "refused": refused,
        "layouts": sheets.LAYOUTS,
        "papers": sheets.PAPERS,
    }
    if wants_part():  # htmx swaps only a 2xx answer; the part says what was refused itself
        return render("tags/_preview.html", **context)
    return render("tags/print.html", refused.status if refused else 200, **context)
