"""The notifications list: endpoints with their last delivery, policies, the form to add."""

from typing import Any

from flask import request

from server.domain.models import EscalationPolicy, NotifyEndpoint
from server.domain.notify import deliveries, endpoints, policies
from server.http.session import db_session
from server.web.forms import Refusal
from server.web.notify import forms, policy_form
from server.web.notify.common import all_sites, site_choices, zone_of
from server.web.pages import render


def listing(values: dict[str, Any], refused: Refusal | None = None) -> tuple[str, int]:
    """The endpoints and the policies, active first, with the form to add an endpoint."""
    session = db_session()
    by_active = (NotifyEndpoint.active.desc(), NotifyEndpoint.name, NotifyEndpoint.id)
    hooks = list(session.scalars(endpoints.list_query({}).order_by(*by_active)))
    ladders = policies.list_query({}).order_by(
        EscalationPolicy.active.desc(), EscalationPolicy.name, EscalationPolicy.id
    )
    known = all_sites()
    return render(
        "notify/index.html",
        refused.status if refused else 200,
        endpoints=hooks,
        last=deliveries.latest(session, [e.id for e in hooks]),
        policies=list(session.scalars(ladders)),
        sites=known,
        site_choices=site_choices(known, values.get("site_id")),
        zone_of=lambda site_id: zone_of(known, site_id),
        kinds=forms.KINDS,
        languages=forms.LANGUAGES,
        severities=forms.severities(),
        shown_url=forms.shown_url,
        who=policy_form.who,
        values=values,
        refused=refused,
        done=request.args.get("done"),
    )
