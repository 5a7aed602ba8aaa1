"""What a reader of a site's records can pick from: their sites, and a site's people, handhelds
and checkpoints, each by the name people know it by."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import access, names
from server.domain.actor import current_actor
from server.domain.errors import NotFound
from server.domain.models import Checkpoint, Site, device_sites, user_sites


@dataclass(frozen=True)
class SiteChoice:
    """A site, with the timezone its times are read in."""

    id: int
    name: str
    timezone: str


@dataclass(frozen=True)
class Choice:
    """Something to filter by: its id and its name."""

    id: int
    name: str


@dataclass(frozen=True)
class Choices:
    """The actor's sites, the one chosen, and that site's people, handhelds and checkpoints."""

    sites: list[SiteChoice]
    site: SiteChoice
    people: list[Choice]
    handhelds: list[Choice]
    checkpoints: list[Choice]


def sites(session: Session, site_id: int | None) -> tuple[list[SiteChoice], SiteChoice]:
    """The actor's sites by name, and the one asked for (else the first); NotFound if hidden."""
    actor = current_actor()
    access.require_role(actor, access.READ_EVENTS)
    stmt = select(Site.id, Site.name, Site.timezone).where(Site.org_id == actor.org_id)
    if not actor.all_sites:
        stmt = stmt.where(Site.id.in_(actor.site_ids))
    found = [SiteChoice(*row) for row in session.execute(stmt.order_by(Site.name, Site.id))]
    if site_id is None and found:
        return found, found[0]
    chosen = next((s for s in found if s.id == site_id), None)
    if chosen is None:
        raise NotFound(f"site {site_id} not found" if site_id else "you work on no site yet")
    return found, chosen


def at_site(session: Session, site_id: int | None) -> Choices:
    """The actor's sites, the chosen one, and the people, handhelds and checkpoints it has."""
    actor = current_actor()
    every, site = sites(session, site_id)
    people = select(user_sites.c.user_id).where(user_sites.c.site_id == site.id)
    handhelds = select(device_sites.c.device_id).where(device_sites.c.site_id == site.id)
    checkpoints = select(Checkpoint.id, Checkpoint.name).where(
        Checkpoint.org_id == actor.org_id, Checkpoint.site_id == site.id
    )
    return Choices(
        every,
        site,
        _by_name(names.lookup(session, actor, names.Named.PERSON, session.scalars(people))),
        _by_name(names.lookup(session, actor, names.Named.HANDHELD, session.scalars(handhelds))),
        _by_name({row.id: row.name for row in session.execute(checkpoints)}),
    )


def _by_name(found: dict[int, str]) -> list[Choice]:
    return sorted((Choice(i, n) for i, n in found.items()), key=lambda c: (c.name, c.id))


__all__ = ["Choice", "Choices", "SiteChoice", "at_site", "sites"]
