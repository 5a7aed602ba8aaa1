"""What the ask form offers at a site: its shifts, its equipment, its scored audits; and the
names the list shows for the equipment its reports cover."""

from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.inspection import records
from server.domain.models import (
    Asset,
    InspectionRecord,
    InspectionTemplate,
    Report,
    ReportKind,
    Site,
)
from server.domain.models.tenancy import DEFAULT_SHIFTS
from server.domain.registry import assets
from server.web.i18n import site_time

AUDITS = 50  # the latest scored audits offered


class Option(NamedTuple):
    """A choice in a select: its value and what it says."""

    value: str
    label: str


def shifts(site: Site) -> list[Option]:
    """The site's shifts by their start, "夜班 (20:00)"."""
    found = sorted(site.shifts or DEFAULT_SHIFTS, key=lambda s: s["start"])
    return [Option(s["start"], f"{s['name']} ({s['start']})") for s in found]


def equipment(session: Session, site: Site) -> list[Option]:
    """The site's equipment in service, by name."""
    stmt = assets.list_query({"site_id": site.id, "active": True}).order_by(Asset.name, Asset.id)
    return [Option(str(a.id), a.name) for a in session.scalars(stmt)]


def audits(session: Session, site: Site, language: str) -> list[Option]:
    """The site's latest scored records: "2026-11-20 14:00 +08:00 · 安全巡查 · 86.5"."""
    scored = (
        records.list_query({"site_id": site.id})
        .where(InspectionRecord.score.is_not(None))
        .order_by(InspectionRecord.at.desc(), InspectionRecord.id.desc())
        .limit(AUDITS)
        .subquery()
    )
    stmt = select(
        scored.c.id,
        scored.c.at,
        scored.c.score,
        InspectionTemplate.name,
        InspectionTemplate.name_zh,
    ).join(InspectionTemplate, InspectionTemplate.id == scored.c.template_id)
    options = []
    for row in session.execute(stmt.order_by(scored.c.at.desc(), scored.c.id.desc())):
        name = (row.name_zh if language == "zh" else "") or row.name
        when = site_time(row.at, site.timezone)
        options.append(Option(str(row.id), f"{when} · {name} · {row.score:g} (#{row.id})"))
    return options


def asset_names(session: Session, reports: Iterable[Report]) -> dict[int, str]:
    """The equipment the reports cover, by id (what the actor may see of it)."""
    ids = {
        r.params["asset_id"]
        for r in reports
        if r.kind is ReportKind.ASSET_MONTH and isinstance(r.params.get("asset_id"), int)
    }
    if not ids:
        return {}
    stmt = assets.list_query({}).where(Asset.id.in_(ids))
    return {a.id: a.name for a in session.scalars(stmt)}
