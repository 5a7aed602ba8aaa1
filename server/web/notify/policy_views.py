"""The escalation policy editor: the ladder of steps as rows, the deadlines to rectify by, and
deactivation. Add a step and Remove post the whole form and come back with the change made
and nothing saved (no script needed); Save is one write, refused if someone saved meanwhile."""

from typing import Any

from flask import redirect, request, url_for
from flask_babel import gettext as _

from server.api.common import patch_schema
from server.api.escalation_policies.schemas import (
    EscalationPolicySchema,
    EscalationPolicyUpdateSchema,
)
from server.domain.errors import DomainError
from server.domain.models import EscalationPolicy, NotifyEndpoint, User
from server.domain.notify import endpoints, policies
from server.domain.registry import users
from server.http.session import db_session
from server.web.forms import Refusal, load, refusal, stamp
from server.web.forms import unchanged_since as shared_unchanged_since
from server.web.notify import forms, policy_form
from server.web.notify.common import MANAGE, all_sites, blp, site_choices
from server.web.pages import page, render


@page(blp, "/notify/policies/new", allowed=MANAGE, methods=["GET", "POST"])
def new_policy():
    if request.method == "GET":
        return _editor(None, policy_form.new_draft())
    draft = policy_form.draft_from(request.form)
    step = policy_form.instruction(request.form, draft)
    if step is not None:
        return _editor(None, step.draft, step=step)
    session = db_session()
    try:
        created = policies.create(session, load(EscalationPolicySchema(), draft.body()))
    except DomainError as error:
        session.rollback()
        return _editor(None, draft, refusal(error))
    session.commit()
    return redirect(url_for(".index", done="policy_created", _anchor=f"policy-{created.id}"))


@page(blp, "/notify/policies/<id:policy_id>", allowed=MANAGE, methods=["GET", "POST"])
def policy(policy_id: int):
    session = db_session()
    found = policies.get(session, policy_id)
    if request.method == "GET":
        return _editor(found, policy_form.draft_of(found), done=request.args.get("done"))
    draft = policy_form.draft_from(request.form)
    step = policy_form.instruction(request.form, draft)
    if step is not None:
        return _editor(found, step.draft, step=step)
    try:
        data = load(patch_schema(EscalationPolicyUpdateSchema), draft.body())
        policies.update(session, policy_id, data, _unchanged_since(draft.version))
    except DomainError as error:
        session.rollback()
        return _editor(policies.get(session, policy_id), draft, refusal(error))
    session.commit()
    return redirect(url_for(".policy", policy_id=policy_id, done="saved"))


@page(blp, "/notify/policies/<id:policy_id>/deactivate", allowed=MANAGE, methods=["POST"])
def deactivate_policy(policy_id: int):
    policies.deactivate(db_session(), policy_id)
    db_session().commit()
    return redirect(url_for(".policy", policy_id=policy_id, done="deactivated"))


def _unchanged_since(seen: str) -> Any:
    message = _(
        "Someone changed this policy after you opened it, so your changes were not saved. "
        "Open the policy again to see it as it is now, then make your changes."
    )
    return shared_unchanged_since(seen, stamp, message)


def _editor(
    found: EscalationPolicy | None,
    draft: policy_form.Draft,
    refused: Refusal | None = None,
    step: policy_form.Step | None = None,
    done: str | None = None,
) -> tuple[str, int]:
    named = {
        name: {int(v) for row in draft.rows for v in getattr(row, name) if v.isdigit()}
        for name in ("user_ids", "endpoint_ids")
    }
    known = all_sites()
    return render(
        "notify/policy.html",
        refused.status if refused else 200,
        policy=found,
        draft=draft,
        sites=known,
        site_choices=site_choices(known, draft.values.get("site_id")),
        severities=forms.severities(),
        roles=[(role.value, word) for role, word in policy_form.ROLES.items()],
        people=_people(named["user_ids"]),
        endpoints=_endpoints(named["endpoint_ids"]),
        kinds=forms.KINDS,
        defaults=policy_form.DEFAULT_HOURS,
        deadlines=policy_form.SEVERITIES,
        refused=refused,
        step=step,
        row_problems=policy_form.row_problems,
        list_problems=policy_form.list_problems(refused),
        hours_problems=policy_form.hours_problems(refused),
        done=done,
    )


def _people(chosen: set[int]) -> list[User]:
    """Who a step may name: the active people, and any deactivated one a step still names
    (so the page shows them, and saving says they must be replaced)."""
    every = users.list_query({}).order_by(User.name, User.id)
    return [u for u in db_session().scalars(every) if u.active or u.id in chosen]


def _endpoints(chosen: set[int]) -> list[NotifyEndpoint]:
    every = endpoints.list_query({}).order_by(NotifyEndpoint.name, NotifyEndpoint.id)
    return [e for e in db_session().scalars(every) if e.active or e.id in chosen]
