"""People: accounts, roles, sites and person tags; a new password shown once; deactivation."""

from typing import Any

from flask import g, make_response, redirect, request, url_for

from server.api.common import patch_schema
from server.api.users.schemas import UserSchema, UserUpdateSchema
from server.domain import access
from server.domain.errors import DomainError
from server.domain.listing import PageRequest, fetch_page
from server.domain.models import Site, User
from server.domain.registry import passwords, sites, users
from server.http.session import db_session
from server.web.forms import Refusal, drop_nulls, load, refusal, typed
from server.web.pages import group, page, render
from server.web.people import forms

blp = group("people")
PAGE_SIZE = 100


@page(blp, "/people", allowed=access.READ_PEOPLE)
def index():
    args = forms.list_args(request.args)
    if args.get("site_id") is not None:
        sites.get(db_session(), args["site_id"])  # another tenant's or site's: not found
    values = {"role": "guard", "site_ids": [args["site_id"]] if args.get("site_id") else []}
    return render("people/index.html", **_listing(args), values=values, refused=None)


@page(blp, "/people/new", allowed=access.MANAGE_USERS, methods=["POST"])
def create():
    session = db_session()
    typed_password = request.form.get("password", "")
    password = typed_password or passwords.generate()
    try:
        data = drop_nulls(typed(request.form, forms.PERSON)) | {"password": password}
        user = users.create(session, load(UserSchema(), data))
    except DomainError as error:
        session.rollback()
        context = _listing(forms.list_args(request.args))
        refused = refusal(error)
        values = forms.as_typed(request.form)
        return render(
            "people/index.html", refused.status, **context, values=values, refused=refused
        )
    session.commit()
    if typed_password:
        return redirect(url_for(".show", user_id=user.id, done="created"))
    return _shown_once(user, password, 201, "created")


@page(blp, "/people/<id:user_id>", allowed=access.READ_PEOPLE)
def show(user_id: int):
    user = users.get(db_session(), user_id)
    return render("people/person.html", **_person(user), done=request.args.get("done"))


@page(blp, "/people/<id:user_id>/edit", allowed=access.MANAGE_USERS, methods=["POST"])
def edit(user_id: int):
    session = db_session()
    try:
        data = load(patch_schema(UserUpdateSchema), typed(request.form, forms.PERSON))
        users.update(session, user_id, data)
    except DomainError as error:
        return _refused(user_id, refusal(error), forms.as_typed(request.form))
    session.commit()
    return redirect(url_for(".show", user_id=user_id, done="saved"))


@page(blp, "/people/<id:user_id>/password", allowed=access.MANAGE_USERS, methods=["POST"])
def reset_password(user_id: int):
    session = db_session()
    password = passwords.generate()
    try:
        # The API's way to set a password: the old one stops working, their tokens end.
        user = users.update(session, user_id, {"password": password})
    except DomainError as error:
        return _refused(user_id, refusal(error))
    session.commit()
    return _shown_once(user, password, 200, "password")


@page(blp, "/people/<id:user_id>/deactivate", allowed=access.MANAGE_USERS, methods=["POST"])
def deactivate(user_id: int):
    return _set_active(user_id, False)


@page(blp, "/people/<id:user_id>/reactivate", allowed=access.MANAGE_USERS, methods=["POST"])
def reactivate(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Any:
    session = db_session()
    try:
        users.update(session, user_id, {"active": active})  # deactivating revokes their tokens
    except DomainError as error:
        return _refused(user_id, refusal(error))
    session.commit()
    done = "reactivated" if active else "deactivated"
    return redirect(url_for(".show", user_id=user_id, done=done))


def _shown_once(user: User, password: str, status: int, done: str) -> Any:
    """The person's page with their new password: in this answer only, never in a URL, never
    cached (the browser's back button must not bring it back from a cache either)."""
    response = make_response(
        render("people/person.html", status, **_person(user) | {"secret": password, "done": done})
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(user_id: int, refused: Refusal, values: dict[str, Any] | None = None) -> Any:
    """The person's page again (as stored), with what was typed and why it was refused."""
    db_session().rollback()
    user = users.get(db_session(), user_id)
    context = _person(user) | {"refused": refused}
    if values is not None:
        context["values"] = values
    return render("people/person.html", refused.status, **context)


def _sites() -> dict[int, Site]:
    return {s.id: s for s in db_session().scalars(sites.list_query({}).order_by(Site.name))}


def _common() -> dict[str, Any]:
    return {
        "sites": _sites(),
        "roles": forms.ROLES,
        "role_choices": [(role.value, word) for role, word in forms.ROLES.items()],
        "can_manage": g.actor.role in access.MANAGE_USERS,
    }


def _listing(args: dict[str, Any]) -> dict[str, Any]:
    """The people the actor may see (by site, role or name), a page of them."""
    found = users.list_query({k: args.get(k) for k in ("site_id", "role", "q")})
    found = found.order_by(User.active.desc())
    wanted = PageRequest(args["page"], PAGE_SIZE, "name,login")
    people, total = fetch_page(db_session(), found, User, wanted, users.SORTABLE)
    return _common() | {
        "people": people,
        "total": total,
        "args": args,
        "page_number": args["page"],
        "page_size": PAGE_SIZE,
        "done": None,
    }


def _person(user: User) -> dict[str, Any]:
    return _common() | {
        "person": user,
        "values": forms.values_of(user),
        "refused": None,
        "secret": None,
    }
