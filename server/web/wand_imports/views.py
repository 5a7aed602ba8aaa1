"""Wand import: upload a classic wand's export, see what it would store, then import it."""

from typing import Any

from flask import current_app, redirect, request, url_for

from server.domain import access, audit, errors, flag_words
from server.domain.models import AuditEvent, Site
from server.domain.registry import sites
from server.http.limits import FORM_OVERHEAD
from server.http.session import db_session
from server.ingest import wand
from server.web.forms import Refusal, refusal
from server.web.pages import group, page, render
from server.web.wand_imports import carry, forms

blp = group("wand_imports")
RECENT = 5  # imports listed under the form
# The check's page carries the file back base64-encoded: a third larger than the file.
LIMIT = wand.MAX_FILE_BYTES * 4 // 3 + FORM_OVERHEAD


@blp.before_request
def _limit() -> None:
    # Before the CSRF check reads the form: an export is larger than the console's usual forms.
    request.max_content_length = LIMIT
    request.max_form_memory_size = LIMIT


@page(blp, "/wand-imports", allowed=access.MANAGE_DEVICES)
def index():
    site = (
        sites.get(db_session(), forms.site_id(request.args))
        if request.args.get("site_id")
        else None
    )
    return _form(site, None, {}, forms.read_result(request.args))


@page(blp, "/wand-imports/preview", allowed=access.MANAGE_DEVICES, methods=["POST"])
def preview():
    session = db_session()
    try:
        item = _checked()
        site = sites.get(session, item.site_id)
        options = wand.Options(**item.options)
        report = wand.import_file(session, site.id, item.data, item.filename, options, True)
    except errors.DomainError as error:
        session.rollback()
        return _form(_site(request.form.get("site_id")), refusal(error), request.form, None)
    token, content = carry.seal(_secret(), item)
    values = forms.values(item, None)
    return render(
        "wand_imports/preview.html",
        site=site,
        report=report,
        item=item,
        token=token,
        content=content,
        values=values,
        choices=forms.choices(_sites()),
        clock_flags=forms.CLOCK_FLAGS,
        say_flag=flag_words.say,
    )


@page(blp, "/wand-imports/import", allowed=access.MANAGE_DEVICES, methods=["POST"])
def store():
    session = db_session()
    try:
        item = carry.unseal(_secret(), request.form.get("token", ""), _content())
        site = sites.get(session, item.site_id)
        options = wand.Options(**item.options)
        report = wand.import_file(session, site.id, item.data, item.filename, options)
    except errors.DomainError as error:
        session.rollback()
        return _form(None, refusal(error), {}, None)
    session.commit()
    done = forms.result(report, item.filename)
    return redirect(url_for(".index", site_id=site.id, done="imported", **done))


def _checked() -> carry.Checked:
    """The export to check: the file chosen, or the one the page carried (options re-read)."""
    sent = forms.upload(request.files)
    if sent is None and request.form.get("token"):
        carried = carry.unseal(_secret(), request.form["token"], _content())
        sent = (carried.filename, carried.data)
    if sent is None:
        raise errors.Invalid("choose the wand's export file", {"file": ["choose a file"]})
    return forms.checked(request.form, *sent)


def _form(
    site: Site | None, refused: Refusal | None, typed: Any, result: dict[str, Any] | None
) -> tuple[str, int]:
    """The upload form: what was typed when refused, the site's last imports under it."""
    visible = _sites()
    if site is None and refused is None and len(visible) == 1:
        site = visible[0]
    recent: list[AuditEvent] = []
    if site is not None:
        filters = {"object_type": "site", "object_id": site.id, "action": "import"}
        recent = list(db_session().scalars(audit.events_query(filters).limit(RECENT)))
    values = forms.values(None, typed) or {"site_id": site.id if site else ""}
    return render(
        "wand_imports/index.html",
        refused.status if refused else 200,
        site=site,
        refused=refused,
        values=values,
        result=result,
        recent=recent,
        choices=forms.choices(visible),
    )


def _sites() -> list[Site]:
    stmt = sites.list_query({"active": True}).order_by(Site.name)
    return list(db_session().scalars(stmt))


def _site(raw: str | None) -> Site | None:
    visible = {str(s.id): s for s in _sites()}
    return visible.get(raw or "")


def _content() -> str:
    return request.form.get("content", "")


def _secret() -> str:
    return current_app.config["SECRET_KEY"]
