"""A shift's inspections for its daily activity report: who inspected what, and the readings
that reached warning or critical level, beside the limit each one broke."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.inspection import checks, intake, scoring
from server.domain.inspection.definition import Bounds, Definition
from server.domain.inspection.history import History
from server.domain.models import (
    Asset,
    AssetLimit,
    InspectionRecord,
    InspectionTemplate,
    Reading,
    Site,
    TemplateVersion,
)

ABNORMAL = ("warning", "critical")  # the reading levels that make a record abnormal (intake)

People = Callable[[Iterable[int | None]], dict[int, str]]


@dataclass(frozen=True)
class AbnormalReading:
    """A reading at warning or critical level, and the limit it broke."""

    item: str  # the form's label, in the report's language
    value: float
    unit: str
    level: str  # warning, critical
    side: str | None  # low or high; None when the asset's limits have changed since
    limit: float | None


@dataclass(frozen=True)
class InspectionActivity:
    """An inspection done in the shift."""

    id: int
    at: datetime
    asset: str | None  # None: a form about the whole site
    template: str  # in the report's language
    inspector: str | None
    status: str  # normal, abnormal, incomplete
    score: float | None  # a scored form's (the supervisory audit)
    grade: str | None  # in the report's language
    abnormal: tuple[AbnormalReading, ...]


def in_shift(
    session: Session, site: Site, since: datetime, until: datetime, language: str, people: People
) -> tuple[InspectionActivity, ...]:
    """The site's records done in [since, until), in the order they were done."""
    stmt = (
        select(InspectionRecord, InspectionTemplate.name, InspectionTemplate.name_zh, Asset.name)
        .join(InspectionTemplate, InspectionTemplate.id == InspectionRecord.template_id)
        .outerjoin(Asset, Asset.id == InspectionRecord.asset_id)
        .where(
            InspectionRecord.org_id == site.org_id,
            InspectionRecord.site_id == site.id,
            InspectionRecord.at >= since,
            InspectionRecord.at < until,
        )
        .order_by(InspectionRecord.at, InspectionRecord.id)
    )
    rows = session.execute(stmt).all()
    if not rows:
        return ()
    records = [row[0] for row in rows]
    versions = {r.version_id for r in records}
    forms = {
        v.id: intake.definition(v)
        for v in session.scalars(select(TemplateVersion).where(TemplateVersion.id.in_(versions)))
    }
    limits = _limits(session, site.org_id, {r.asset_id for r in records if r.asset_id})
    abnormal = _abnormal(session, site.org_id, [r.id for r in records])
    named = people(r.user_id for r in records)
    found = []
    for record, name, name_zh, asset in rows:
        form = forms[record.version_id]
        bounds = limits.bounds(record.asset_id, form)
        found.append(
            InspectionActivity(
                id=record.id,
                at=record.at,
                asset=asset,
                template=(name_zh or name) if language == "zh" else name,
                inspector=named.get(record.user_id) if record.user_id else None,
                status=record.status,
                score=record.score,
                grade=_grade(record.grade, language),
                abnormal=tuple(
                    _reading(r, form, bounds, language) for r in abnormal.get(record.id, [])
                ),
            )
        )
    return tuple(found)


def _limits(session: Session, org_id: int, asset_ids: set[int | None]) -> History:
    """The assets' own limits, laid over their forms' as intake lays them."""
    own: dict[int, dict[str, AssetLimit]] = {}
    if not asset_ids:
        return History()
    stmt = select(AssetLimit).where(AssetLimit.org_id == org_id, AssetLimit.asset_id.in_(asset_ids))
    for limit in session.scalars(stmt):
        own.setdefault(limit.asset_id, {})[limit.item_key] = limit
    return History(limits=own)


def _abnormal(session: Session, org_id: int, record_ids: list[int]) -> dict[int, list[Reading]]:
    """The records' readings at warning or critical level, by record, in form order."""
    found: dict[int, list[Reading]] = {}
    stmt = select(Reading).where(
        Reading.org_id == org_id, Reading.record_id.in_(record_ids), Reading.level.in_(ABNORMAL)
    )
    for reading in session.scalars(stmt.order_by(Reading.id)):
        found.setdefault(reading.record_id, []).append(reading)
    return found


def _reading(
    reading: Reading, form: Definition, bounds: dict[str, Bounds], language: str
) -> AbnormalReading:
    item = form.item(reading.item_key)
    level = reading.level or ""
    # The level is the one intake judged; the limit is that level's range as the limits stand.
    now = bounds.get(reading.item_key, Bounds())
    broken = checks.classify(reading.value, Bounds(**{level: getattr(now, level)}))
    label = item.label if item is not None else {}
    return AbnormalReading(
        item=label.get(language) or label.get("en") or reading.item_key,
        value=reading.value,
        unit=item.unit if item is not None else "",
        level=level,
        side=broken[1] if broken else None,
        limit=broken[2] if broken else None,
    )


def _grade(grade: str | None, language: str) -> str | None:
    if grade is None or language != "zh":
        return grade
    return next((zh for _, en, zh in scoring.GRADES if en == grade), grade)
