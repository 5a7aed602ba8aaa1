"""What a supervisor reviews: a site's recent records and findings, one record, the overdue list."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from server.domain import listing, names, site_choices
from server.domain.actor import current_actor
from server.domain.alerts import handling
from server.domain.alerts.kinds import AlertKind
from server.domain.inspection import checks, intake, limits, records, scoring
from server.domain.inspection.definition import NUMERIC, Bounds, Definition, Item
from server.domain.inspection.history import History
from server.domain.models import (
    Alert,
    AlertEntry,
    AlertState,
    Asset,
    InspectionRecord,
    InspectionTemplate,
    Reading,
    Site,
    TemplateVersion,
)
from server.domain.registry import assets

PAGE_SIZE = 25
STATUSES = ("normal", "abnormal", "incomplete")


@dataclass(frozen=True)
class Finding:
    """Something a record showed: its code, the item (and its label), the level."""

    code: str
    item: str | None
    level: str
    label: dict[str, str]


@dataclass(frozen=True)
class RecordLine:
    """A record as a list shows it: what, where, who, and what it found."""

    record: InspectionRecord
    asset: str | None  # None: a form about the whole site
    template: InspectionTemplate
    person: str | None
    handheld: str | None
    findings: list[Finding]


@dataclass(frozen=True)
class AssetLine:
    """A piece of plant on the site and its latest record, if any."""

    asset: Asset
    latest: InspectionRecord | None


@dataclass(frozen=True)
class Overdue:
    """An inspection past due, as the evaluator's open alert tells it."""

    alert: Alert
    asset_id: int | None
    due: datetime
    last_done: datetime | None


@dataclass(frozen=True)
class SiteReview:
    """The site's inspections page: the sites to choose from, records, plant and overdue list."""

    sites: list[site_choices.SiteChoice]
    site: site_choices.SiteChoice
    records: list[RecordLine]
    total: int
    plant: list[AssetLine]
    overdue: list[Overdue]


@dataclass(frozen=True)
class ReadingLine:
    """A number read, against the limits it is judged by, and the level it reached."""

    item: Item
    value: float
    bounds: Bounds
    level: str | None  # critical, warning, normal (outside normal only), None: within normal


@dataclass(frozen=True)
class CheckLine:
    """A check ticked, a choice made or a text written; level set when it is abnormal."""

    item: Item
    value: Any
    level: str | None


@dataclass(frozen=True)
class AuditLine:
    """An audit item: points earned of those possible, and each missing requirement's cost."""

    item: Item
    points: float | None
    missing: list[tuple[dict[str, str], float]]


@dataclass(frozen=True)
class RecordPage:
    """One record read against its form: readings, checks, audit, photos and its alerts."""

    line: RecordLine
    site: Site
    asset: Asset | None
    readings: list[ReadingLine]
    checks: list[CheckLine]
    audit: list[AuditLine]
    photos: list[tuple[dict[str, str], list[str]]]
    errors: list[tuple[dict[str, str], str]]
    missing: list[dict[str, str]]
    alerts: list[Alert]


def site_review(session: Session, site_id: int | None, status: str | None, page: int) -> SiteReview:
    """A site's recent records (newest first, paged), its plant and its overdue inspections."""
    every, site = site_choices.sites(session, site_id)
    stmt = records.list_query({"site_id": site.id, "status": status})
    found, total = listing.fetch_page(
        session,
        stmt,
        InspectionRecord,
        listing.PageRequest(page, PAGE_SIZE, "-at"),
        records.SORTABLE,
    )
    return SiteReview(
        every,
        site,
        lines(session, found),
        total,
        plant(session, site.id),
        overdue(session, site.id),
    )


def lines(session: Session, found: list[InspectionRecord]) -> list[RecordLine]:
    """Records with their asset, form, person or handheld and findings, in a few queries."""
    actor = current_actor()
    forms = _forms(session, {r.version_id for r in found})
    asset_ids = {r.asset_id for r in found if r.asset_id is not None}
    asset_names = {
        row.id: row.name
        for row in session.execute(select(Asset.id, Asset.name).where(Asset.id.in_(asset_ids)))
    }
    template_ids = {r.template_id for r in found}
    templates = {
        t.id: t
        for t in session.scalars(
            select(InspectionTemplate).where(InspectionTemplate.id.in_(template_ids))
        )
    }
    people = names.lookup(
        session, actor, names.Named.PERSON, (r.user_id for r in found if r.user_id)
    )
    handhelds = names.lookup(
        session, actor, names.Named.HANDHELD, (r.device_id for r in found if r.device_id)
    )
    return [
        RecordLine(
            record=r,
            asset=None if r.asset_id is None else asset_names.get(r.asset_id, ""),
            template=templates[r.template_id],
            person=people.get(r.user_id) if r.user_id else None,
            handheld=handhelds.get(r.device_id) if r.device_id else None,
            findings=[_finding(f, forms[r.version_id]) for f in r.findings],
        )
        for r in found
    ]


def plant(session: Session, site_id: int) -> list[AssetLine]:
    """The site's active assets by code, each with its latest record."""
    latest = {r.asset_id: r for r in session.scalars(records.latest_query({"site_id": site_id}))}
    stmt = assets.list_query({"site_id": site_id, "active": True}).order_by(Asset.code)
    return [AssetLine(a, latest.get(a.id)) for a in session.scalars(stmt)]


def overdue(session: Session, site_id: int) -> list[Overdue]:
    """Inspections past due on the site: the evaluator's open overdue alerts, most late first."""
    stmt = (
        handling.list_query({"site_id": site_id, "kind": AlertKind.INSPECTION_OVERDUE})
        .where(Alert.state != AlertState.RESOLVED)
        .order_by(Alert.raised_at, Alert.id)
    )
    found = []
    for alert in session.scalars(stmt):
        last = alert.evidence.get("last_done_at")
        found.append(
            Overdue(
                alert=alert,
                asset_id=alert.asset_id,
                due=datetime.fromisoformat(alert.evidence["due_at"]),
                last_done=None if last is None else datetime.fromisoformat(last),
            )
        )
    return sorted(found, key=lambda o: o.due)


def record_page(session: Session, record_id: int) -> RecordPage:
    """One record on the actor's sites, read item by item against its version of the form."""
    record = records.get(session, record_id)
    (line,) = lines(session, [record])
    form = _forms(session, {record.version_id})[record.version_id]
    asset = None if record.asset_id is None else session.get_one(Asset, record.asset_id)
    bounds_of = _bounds(session, asset, form)
    stored = {
        row.item_key: row.level
        for row in session.execute(
            select(Reading.item_key, Reading.level).where(Reading.record_id == record.id)
        )
    }
    readings, ticked = _items(form, record.values, bounds_of, stored)
    return RecordPage(
        line=line,
        site=session.get_one(Site, record.site_id),
        asset=asset,
        readings=readings,
        checks=ticked,
        audit=_audit(form, record.values),
        photos=[(_label(form, key), shas) for key, shas in record.photos.items() if shas],
        errors=[(_label(form, key), why) for key, why in record.errors.items()],
        missing=[_label(form, key) for key in record.missing],
        alerts=raised_by(session, record),
    )


def _items(
    form: Definition, values: dict[str, Any], bounds: dict[str, Bounds], stored: dict[str, Any]
) -> tuple[list[ReadingLine], list[CheckLine]]:
    """Each value given, in form order: numbers against their limits; checks, choices, texts."""
    readings, ticked = [], []
    for item in form.items:
        value = values.get(item.key)
        if value is None:
            continue
        if item.type in NUMERIC:
            if item.key in stored:
                level = stored[item.key]
            else:  # a site-wide form keeps no readings: judge it as intake does
                verdict = checks.classify(value, bounds[item.key])
                level = None if verdict is None else verdict[0]
            readings.append(ReadingLine(item, value, bounds[item.key], level))
        elif item.type == "check":
            ticked.append(CheckLine(item, value, None if value else item.fail_level))
        elif item.type == "choice":
            ticked.append(CheckLine(item, value, item.abnormal.get(value)))
        elif item.type == "text":
            ticked.append(CheckLine(item, value, None))
    return readings, ticked


def _audit(form: Definition, values: dict[str, Any]) -> list[AuditLine]:
    """Each audit item assessed: its points (None while the audit is partial), what was missing."""
    graded = scoring.score(form, values)
    found = []
    for item in form.items:
        if item.type != "audit" or item.key not in values:
            continue
        taken = values[item.key].get("missing", {})
        missing = [
            (item.requirements[int(n) - 1] if 0 < int(n) <= len(item.requirements) else {}, p)
            for n, p in sorted(taken.items(), key=lambda kv: int(kv[0]))
        ]
        found.append(AuditLine(item, graded.by_item[item.key] if graded else None, missing))
    return found


def raised_by(session: Session, record: InspectionRecord) -> list[Alert]:
    """The alerts this record raised or carried on (their history names it), oldest first."""
    named = exists().where(
        AlertEntry.alert_id == Alert.id,
        AlertEntry.evidence["record_id"].as_integer() == record.id,
    )
    stmt = handling.list_query({"site_id": record.site_id}).where(named)
    if record.asset_id is None:
        stmt = stmt.where(Alert.asset_id.is_(None))
    else:
        stmt = stmt.where(Alert.asset_id == record.asset_id)
    return list(session.scalars(stmt.order_by(Alert.raised_at, Alert.id)))


def _forms(session: Session, version_ids: set[int]) -> dict[int, Definition]:
    stmt = select(TemplateVersion).where(TemplateVersion.id.in_(version_ids))
    return {v.id: intake.definition(v) for v in session.scalars(stmt)}


def _bounds(session: Session, asset: Asset | None, form: Definition) -> dict[str, Bounds]:
    """Each numeric item's limits now: the template's with the asset's own, as intake lays them."""
    if asset is None:
        return History().bounds(None, form)
    own = {limit.item_key: limit for limit in limits.list_for(session, asset.id)}
    return History(limits={asset.id: own}).bounds(asset.id, form)


def _finding(summary: dict[str, Any], form: Definition) -> Finding:
    item = summary.get("item")
    return Finding(summary["code"], item, summary["level"], _label(form, item))


def _label(form: Definition, key: str | None) -> dict[str, str]:
    item = form.item(key) if key else None
    if item is None:
        return {"en": key} if key else {}
    return item.label
