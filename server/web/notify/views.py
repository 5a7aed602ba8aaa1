"""Setup: notifications (admins only). Where alerts are announced (webhooks and group robots,
each with its delivery log) and who is told when nobody acknowledges one (escalation policies).

The list is here; an endpoint's pages are in endpoint_views.py, the policy editor in
policy_views.py. Every write calls the same domain function as the API's.
"""

from server.web.i18n import lang
from server.web.notify import endpoint_views, policy_views
from server.web.notify.common import MANAGE, blp
from server.web.notify.listing import listing
from server.web.pages import page

__all__ = ["blp", "endpoint_views", "policy_views"]


@page(blp, "/notify", allowed=MANAGE)
def index():
    values = {"kind": "webhook", "min_severity": "medium", "language": lang()}
    return listing(values)
