"""A tenant with one site, for benchmarks to build on."""

from sqlalchemy.orm import Session

from server.domain.models import Organization, Site


def tenant(session: Session) -> tuple[Organization, Site]:
    """Organization 'Bench' and its site 湖畔花园, flushed."""
    org = Organization(name="Bench")
    session.add(org)
    session.flush()
    site = Site(org_id=org.id, name="湖畔花园", timezone="Asia/Shanghai")
    session.add(site)
    session.flush()
    return org, site
