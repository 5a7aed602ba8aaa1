"""An asset's month for its inspection report: the records done on it, each numeric item's
readings against the limits in force, and the findings raised on it with their rectification.

gather() checks no one's access: whoever asked was checked then (the library), and the worker
gathers it later. Every query is bounded by the asset, its tenant and the month. Findings are
shown as they stood when the month ended, as the daily report shows a shift's alerts: what
was done later belongs to the next month.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.errors import Invalid, NotFound
from server.domain.inspection import checks, intake
from server.domain.inspection.definition import NUMERIC, Bounds, Definition, Item
from server.domain.inspection.history import History
from server.domain.models import (
    Alert,
    Asset,
    AssetKind,
    AssetLimit,
    InspectionRecord,
    InspectionTemplate,
    Reading,
    Report,
    ReportFormat,
    Site,
    TemplateVersion,
)
from server.domain.reports import daily_alerts, facts
from server.domain.reports.audit import grade_word
from server.domain.reports.daily_alerts import AlertActivity
from server.domain.reports.daily_inspections import ABNORMAL
from server.domain.reports.facts import Gathered, Scope

if TYPE_CHECKING:
    from server.domain.reports.library import Ask

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class RecordLine:
    """An inspection of the asset done in the month."""

    id: int
    at: datetime
    inspector: str | None
    form: str  # in the report's language
    status: str  # normal, abnormal, incomplete
    score: float | None  # a scored form's
    grade: str | None  # in the report's language


@dataclass(frozen=True)
class ReadingLine:
    """One reading and the level intake judged it at."""

    at: datetime
    value: float
    # critical, warning, normal (outside the normal range only), or None when within it.
    level: str | None
    side: str | None  # low or high of the level's range; None within, or if limits changed
    limit: float | None  # that side's limit as it stands
    record_id: int

    @property
    def abnormal(self) -> bool:
        return self.level in ABNORMAL


@dataclass(frozen=True)
class ItemReadings:
    """A numeric item of the asset's forms: its readings of the month, by time, and its limits
    as they stand (the form's, with the asset's own laid over them)."""

    key: str
    label: str  # in the report's language
    unit: str
    decimals: int
    bounds: Bounds
    readings: tuple[ReadingLine, ...]


@dataclass(frozen=True)
class AssetMonth:
    """Everything one asset's month holds, as of when it was gathered."""

    asset_id: int
    asset_name: str
    asset_code: str
    asset_kind: AssetKind
    site_id: int
    site_name: str
    timezone: str
    language: str  # zh or en: forms, items, alert titles and grades
    month: str  # "2026-11"
    since: datetime
    until: datetime
    records: tuple[RecordLine, ...]  # by time
    items: tuple[ItemReadings, ...]  # the latest used form's order first
    findings: tuple[AlertActivity, ...]  # raised in the month, by when

    @property
    def figures(self) -> dict[str, int]:
        """The counts a later version is compared by."""
        readings = [r for i in self.items for r in i.readings]
        return {
            "inspections": len(self.records),
            "readings": len(readings),
            "abnormal_readings": sum(r.abnormal for r in readings),
            "findings_raised": len(self.findings),
            "findings_resolved": sum(f.resolved_at is not None for f in self.findings),
        }


def month_period(site: Site, month: str | None) -> tuple[datetime, datetime]:
    """The site's local month "2026-11", from its 1st 00:00 to the next 1st, in UTC."""
    found = _MONTH.match(month or "")
    try:
        if found is None:
            raise ValueError(month)
        year, number = int(found[1]), int(found[2])
        first = date(year, number, 1)
        following = date(year + number // 12, number % 12 + 1, 1)
    except ValueError:
        raise Invalid("a month, as 2026-11", {"month": ["a month, as 2026-11"]}) from None
    zone = ZoneInfo(site.timezone)
    since = datetime.combine(first, time(), zone).astimezone(UTC)
    return since, datetime.combine(following, time(), zone).astimezone(UTC)


def scope(session: Session, site: Site, ask: "Ask") -> "Scope":
    """An asset's report covers one local month of one asset of the site."""

    if ask.asset_id is None:
        raise Invalid("an asset report is of one asset", {"asset_id": ["an asset of the site"]})
    since, until = month_period(site, ask.month)
    if _asset(session, site, ask.asset_id) is None:  # another site's is as unknown as none
        raise Invalid(f"asset {ask.asset_id} not found", {"asset_id": ["unknown asset"]})
    return Scope(
        subject=f"asset:{ask.asset_id} {ask.month}",
        since=since,
        until=until,
        params={"asset_id": ask.asset_id, "month": ask.month},
        formats=(ReportFormat.PDF,),
    )


def gathered(session: Session, report: Report) -> "Gathered":

    found = gather(
        session, report.site_id, report.params["asset_id"], report.params["month"], report.language
    )
    return Gathered(found, facts.fingerprint(found), found.figures)


def gather(session: Session, site_id: int, asset_id: int, month: str, language: str) -> AssetMonth:
    """The asset's month as of now; NotFound for no such site or asset of the site."""
    site = session.get(Site, site_id)
    asset = None if site is None else _asset(session, site, asset_id)
    if site is None or asset is None:
        raise NotFound(f"asset {asset_id} not found")
    since, until = month_period(site, month)
    rows = session.execute(
        select(InspectionRecord, InspectionTemplate.name, InspectionTemplate.name_zh)
        .join(InspectionTemplate, InspectionTemplate.id == InspectionRecord.template_id)
        .where(
            InspectionRecord.org_id == site.org_id,
            InspectionRecord.asset_id == asset.id,
            InspectionRecord.at >= since,
            InspectionRecord.at < until,
        )
        .order_by(InspectionRecord.at, InspectionRecord.id)
    ).all()
    findings = list(
        session.scalars(
            select(Alert)
            .where(
                Alert.org_id == site.org_id,
                Alert.asset_id == asset.id,
                Alert.raised_at >= since,
                Alert.raised_at < until,
            )
            .order_by(Alert.raised_at, Alert.id)
        )
    )
    named = facts.people(
        session,
        site.org_id,
        [r.user_id for r, _, _ in rows] + [e.user_id for a in findings for e in a.history],
    )
    records = tuple(
        RecordLine(
            id=record.id,
            at=record.at,
            inspector=named.get(record.user_id) if record.user_id else None,
            form=(name_zh or name) if language == "zh" else name,
            status=record.status,
            score=record.score,
            grade=grade_word(record.grade, language),
        )
        for record, name, name_zh in rows
    )
    return AssetMonth(
        asset_id=asset.id,
        asset_name=asset.name,
        asset_code=asset.code,
        asset_kind=asset.kind,
        site_id=site.id,
        site_name=site.name,
        timezone=site.timezone,
        language=language,
        month=month,
        since=since,
        until=until,
        records=records,
        items=_items(session, asset, [r for r, _, _ in rows], since, until, language),
        findings=tuple(
            # As each stood when the month ended.
            daily_alerts._as_of(a, [e for e in a.history if e.at < until], named, language)
            for a in findings
        ),
    )


def _asset(session: Session, site: Site, asset_id: int) -> Asset | None:
    return session.scalar(
        select(Asset).where(
            Asset.id == asset_id, Asset.org_id == site.org_id, Asset.site_id == site.id
        )
    )


def _items(
    session: Session,
    asset: Asset,
    done: list[InspectionRecord],
    since: datetime,
    until: datetime,
    language: str,
) -> tuple[ItemReadings, ...]:
    """Each numeric item read in the month, with its readings and limits."""
    if not done:
        return ()
    versions = {r.version_id for r in done}
    forms = {
        v.id: intake.definition(v)
        for v in session.scalars(select(TemplateVersion).where(TemplateVersion.id.in_(versions)))
    }
    # Each item as the latest form that has it says it.
    known: dict[str, tuple[Item, Definition]] = {}
    for record in reversed(done):
        form = forms[record.version_id]
        for item in form.items:
            if item.type in NUMERIC and item.key not in known:
                known[item.key] = (item, form)
    own = {
        limit.item_key: limit
        for limit in session.scalars(
            select(AssetLimit).where(
                AssetLimit.org_id == asset.org_id, AssetLimit.asset_id == asset.id
            )
        )
    }
    laid = History(limits={asset.id: own})
    read: dict[str, list[tuple[datetime, float, str | None, int]]] = {}
    stmt = (
        select(Reading.item_key, Reading.at, Reading.value, Reading.level, Reading.record_id)
        .where(
            Reading.org_id == asset.org_id,
            Reading.asset_id == asset.id,
            Reading.at >= since,
            Reading.at < until,
        )
        .order_by(Reading.at, Reading.id)
    )
    for key, at, value, level, record_id in session.execute(stmt):
        read.setdefault(key, []).append((at, value, level, record_id))
    found = []
    for key, (item, form) in known.items():
        if key not in read:
            continue
        label = item.label.get(language) or item.label.get("en") or key
        bounds = laid.bounds(asset.id, form)[key]
        lines = tuple(_line(*r, bounds) for r in read.pop(key))
        found.append(ItemReadings(key, label, item.unit, item.decimals, bounds, lines))
    # Readings of items no form of the month names (a form since changed): shown bare.
    for key, rows in sorted(read.items()):
        found.append(
            ItemReadings(key, key, "", 1, Bounds(), tuple(_line(*r, Bounds()) for r in rows))
        )
    return tuple(found)


def _line(
    at: datetime, value: float, level: str | None, record_id: int, bounds: Bounds
) -> ReadingLine:
    """A reading at the level intake judged, beside that level's limit as the limits stand."""
    broken = None
    if level in ("normal", *ABNORMAL):
        broken = checks.classify(value, Bounds(**{level: getattr(bounds, level)}))
    side, limit = (broken[1], broken[2]) if broken else (None, None)
    return ReadingLine(at, value, level, side, limit, record_id)
