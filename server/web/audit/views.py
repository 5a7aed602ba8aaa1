"""The audit trail: who changed what and when, each change shown before and after."""

from flask import request

from server.domain import access, audit, names
from server.domain.actor import current_actor
from server.domain.models import Site, User
from server.domain.registry import sites, users
from server.http.session import db_session
from server.web.audit import forms, words
from server.web.pages import group, page, render, wants_part

blp = group("audit")
# People offered in the "who" filter; anyone else is reached from an event's own link.
MAX_PEOPLE = 500


@page(blp, "/audit", allowed=access.READ_AUDIT)
def index():
    session = db_session()
    chosen = forms.read(request.args)
    site_id = chosen.filters.get("site_id")
    chosen_site = sites.get(session, site_id) if site_id else None
    timezone = chosen_site.timezone if chosen_site else "UTC"
    trail = audit.browse(
        session,
        forms.domain_filters(chosen, timezone),
        forms.PAGE_SIZE,
        chosen.before,
        chosen.after,
    )
    context = {
        "chosen": chosen,
        "trail": trail,
        "changes": {e.id: audit.changes_of(e) for e in trail.events},
        "timezone": timezone,
        "sites": {s.id: s for s in session.scalars(sites.list_query({}).order_by(Site.name))},
        "people": _people(chosen.filters.get("actor_id")),
        "object_types": words.OBJECT_TYPES,
        "actions": words.ACTIONS,
        **words.GLOBALS,
    }
    return render("audit/_trail.html" if wants_part() else "audit/index.html", **context)


def _people(chosen: int | None) -> list[tuple[int, str]]:
    """(id, name) of the people the viewer may see, and the one chosen even when not among
    them (an admin whose change a supervisor follows from the event's link)."""
    stmt = users.list_query({}).order_by(User.name).limit(MAX_PEOPLE)
    found = [(user.id, user.name) for user in db_session().scalars(stmt)]
    if chosen and chosen not in {i for i, _ in found}:
        named = names.lookup(db_session(), current_actor(), names.Named.PERSON, [chosen])
        found.insert(0, (chosen, named.get(chosen, f"#{chosen}")))
    return found
