"""What the notification pages share: their blueprint, who may use them, the tenant's sites."""

from typing import Any

from server.domain import access
from server.domain.models import Site
from server.domain.registry import sites
from server.http.session import db_session
from server.web.pages import group

blp = group("notify")
MANAGE = access.MANAGE_NOTIFY
UTC = "UTC"


def all_sites() -> dict[int, Site]:
    """The tenant's sites by id, by name (an admin's: every one, deactivated ones too)."""
    found = db_session().scalars(sites.list_query({}).order_by(Site.name, Site.id))
    return {site.id: site for site in found}


def site_choices(known: dict[int, Site], chosen: Any = None) -> list[tuple[int, str]]:
    """The sites a form offers: the active ones, and the one already chosen if it is not."""
    return [
        (site.id, site.name)
        for site in known.values()
        if site.active or str(site.id) == str(chosen)
    ]


def zone_of(known: dict[int, Site], site_id: int | None) -> str:
    """Where times of something of one site are told: that site's clock, else UTC."""
    site = known.get(site_id) if site_id is not None else None
    return site.timezone if site is not None else UTC
