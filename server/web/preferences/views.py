"""My notifications: one's e-mail address, language, timezone, quiet hours and daily digest.

Everyone signed in (guards too) sets their own; an admin opens anyone's from the People page.
Each save calls the domain function the API's PUT calls (server/domain/notify/preferences.py).
"""

from typing import Any

from flask import g, redirect, request, url_for
from werkzeug.wrappers import Response

from server.domain import access
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.domain.notify import preferences
from server.domain.registry import users
from server.http.session import db_session
from server.web.forms import Refusal, refusal
from server.web.pages import group, page, render
from server.web.preferences import forms
from server.web.sites.forms import offset_if_known, timezone_choices

blp = group("preferences")
EVERYONE = frozenset(Role)


@page(blp, "/me/notifications", EVERYONE)
def mine():
    return _show(g.actor.user_id)


@page(blp, "/me/notifications", EVERYONE, methods=["POST"])
def save_mine():
    return _save(g.actor.user_id)


@page(blp, "/people/<id:user_id>/notifications", access.MANAGE_NOTIFY)
def of_person(user_id: int):
    return _show(user_id)


@page(blp, "/people/<id:user_id>/notifications", access.MANAGE_NOTIFY, methods=["POST"])
def save_of_person(user_id: int):
    return _save(user_id)


def _show(user_id: int) -> tuple[str, int]:
    found = preferences.get(db_session(), user_id)
    return _page(user_id, forms.values_of(found), None, done=request.args.get("done"))


def _save(user_id: int) -> Response | tuple[str, int]:
    session = db_session()
    try:
        preferences.put(session, user_id, forms.read(request.form))
    except Invalid as error:
        session.rollback()
        return _page(user_id, forms.as_typed(request.form), refusal(error))
    session.commit()
    return redirect(_address(user_id, done="saved"))


def _address(user_id: int, **args: Any) -> str:
    if user_id == g.actor.user_id:
        return url_for(".mine", **args)
    return url_for(".of_person", user_id=user_id, **args)


def _page(
    user_id: int, values: dict[str, Any], refused: Refusal | None, **context: Any
) -> tuple[str, int]:
    mine = user_id == g.actor.user_id
    # Someone else's: the admin's view of the tenant's people names them (404 if not theirs).
    person = None if mine else users.get(db_session(), user_id)
    now = utcnow()
    return render(
        "preferences/notifications.html",
        refused.status if refused else 200,
        mine=mine,
        person=person,
        action=_address(user_id),
        values=values,
        refused=refused,
        languages=forms.LANGUAGES,
        timezones=timezone_choices(now),
        offset_now=lambda name: offset_if_known(name, now),
        **context,
    )
