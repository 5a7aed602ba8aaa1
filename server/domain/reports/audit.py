"""A supervisory audit's report: one scored inspection record, its score and grade, and each
scored item with the points it lost and why; the items that cost points first.

gather() checks no one's access: whoever asked was checked then (the library), and the worker
gathers it later. Every query is bounded by the record's site and tenant.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.errors import Invalid, NotFound
from server.domain.inspection import intake, scoring
from server.domain.models import (
    Asset,
    InspectionRecord,
    InspectionTemplate,
    Photo,
    Report,
    ReportFormat,
    Site,
    TemplateVersion,
)
from server.domain.reports import facts
from server.domain.reports.facts import Gathered, Scope

if TYPE_CHECKING:
    from server.domain.reports.library import Ask


@dataclass(frozen=True)
class Missing:
    """A requirement the auditor found missing, and the points it cost."""

    requirement: str  # in the report's language
    points: float


@dataclass(frozen=True)
class AuditItem:
    """A scored item: the points it is worth, those it earned, and its missing requirements."""

    key: str
    section: str  # in the report's language
    label: str
    points: float
    earned: float
    missing: tuple[Missing, ...]

    @property
    def lost(self) -> float:
        """What the item cost: never more than it is worth, however much was taken."""
        return round(self.points - self.earned, 2)


@dataclass(frozen=True)
class Audit:
    """One scored record as it stands."""

    record_id: int
    site_id: int
    site_name: str
    timezone: str
    language: str  # zh or en: form, item and grade names
    form: str
    version: int
    asset: str | None  # None: a form about the whole site, as the supervisory audit is
    at: datetime
    auditor: str | None
    score: float
    grade: str  # excellent, good, fail
    grade_word: str  # in the report's language
    items: tuple[AuditItem, ...]  # in form order
    note: str
    remarks: tuple[tuple[str, str], ...]  # (label, text) of the form's text items
    photos: tuple[str, ...]  # sha256 of each photo named that the server holds

    @property
    def deducted(self) -> tuple[AuditItem, ...]:
        """The items that cost points, the costliest first, then in form order."""
        costly = [(n, i) for n, i in enumerate(self.items) if i.lost > 0]
        return tuple(i for _, i in sorted(costly, key=lambda ni: (-ni[1].lost, ni[0])))

    @property
    def figures(self) -> dict[str, int]:
        return {
            "score_tenths": round(self.score * 10),  # figures are whole numbers
            "items": len(self.items),
            "items_deducted": len(self.deducted),
        }


def grade_word(grade: str | None, language: str) -> str | None:
    """A grade (excellent, good, fail) in a language: 优秀, 良好, 不及格."""
    if grade is None or language != "zh":
        return grade
    return next((zh for _, en, zh in scoring.GRADES if en == grade), grade)


def scope(session: Session, site: Site, ask: "Ask") -> "Scope":
    """An audit report covers one scored record of the site: the instant it was done."""

    if ask.record_id is None:
        raise Invalid("an audit report is of one record", {"record_id": ["a scored record"]})
    record = _record(session, site.org_id, site.id, ask.record_id)
    if record is None:
        raise Invalid(
            f"record {ask.record_id} not found", {"record_id": ["unknown inspection record"]}
        )
    if record.score is None:
        raise Invalid(
            "the record has no score", {"record_id": ["a scored audit, every item assessed"]}
        )
    return Scope(
        subject=f"record:{record.id}",
        since=record.at,
        until=record.at + timedelta(seconds=1),
        params={"record_id": record.id},
        formats=(ReportFormat.PDF,),
    )


def gathered(session: Session, report: Report) -> "Gathered":

    found = gather(session, report.site_id, report.params["record_id"], report.language)
    return Gathered(found, facts.fingerprint(found), found.figures)


def gather(session: Session, site_id: int, record_id: int, language: str) -> Audit:
    """The scored record as it stands; NotFound for no such site or scored record."""
    site = session.get(Site, site_id)
    record = None if site is None else _record(session, site.org_id, site.id, record_id)
    if site is None or record is None or record.score is None or record.grade is None:
        raise NotFound(f"scored record {record_id} not found")
    template = session.get_one(InspectionTemplate, record.template_id)
    version = session.get_one(TemplateVersion, record.version_id)
    form = intake.definition(version)
    graded = scoring.score(form, record.values)
    if graded is None:  # scored when it was taken: every item was assessed
        raise NotFound(f"scored record {record_id} not found")
    titles = {
        s.get("key"): _label(s.get("title"), language) for s in version.definition["sections"]
    }
    items = []
    for item in form.items:
        if item.type != "audit":
            continue
        taken = record.values[item.key].get("missing", {})
        missing = [
            Missing(_label(item.requirements[int(n) - 1], language), float(points))
            for n, points in sorted(taken.items(), key=lambda kv: int(kv[0]))
            if 0 < int(n) <= len(item.requirements)
        ]
        items.append(
            AuditItem(
                key=item.key,
                section=titles.get(item.section, item.section),
                label=_label(item.label, language),
                points=item.points,
                earned=graded.by_item[item.key],
                missing=tuple(missing),
            )
        )
    remarks = tuple(
        (_label(i.label, language), str(record.values[i.key]).strip())
        for i in form.items
        if i.type == "text" and str(record.values.get(i.key) or "").strip()
    )
    asset = session.get(Asset, record.asset_id) if record.asset_id else None
    named = facts.people(session, site.org_id, [record.user_id])
    return Audit(
        record_id=record.id,
        site_id=site.id,
        site_name=site.name,
        timezone=site.timezone,
        language=language,
        form=(template.name_zh or template.name) if language == "zh" else template.name,
        version=record.version,
        asset=asset.name if asset else None,
        at=record.at,
        auditor=named.get(record.user_id) if record.user_id else None,
        score=record.score,
        grade=record.grade,
        grade_word=grade_word(record.grade, language) or record.grade,
        items=tuple(items),
        note=record.note.strip(),
        remarks=remarks,
        photos=_received(session, site.org_id, record.photos),
    )


def _record(session: Session, org_id: int, site_id: int, record_id: int) -> InspectionRecord | None:
    return session.scalar(
        select(InspectionRecord).where(
            InspectionRecord.id == record_id,
            InspectionRecord.org_id == org_id,
            InspectionRecord.site_id == site_id,
        )
    )


def _received(session: Session, org_id: int, photos: dict[str, list[str]]) -> tuple[str, ...]:
    """The photos the record names that the server holds, in the record's order."""
    named = list(dict.fromkeys(sha for shas in photos.values() for sha in shas))
    if not named:
        return ()
    stmt = select(Photo.sha256).where(Photo.org_id == org_id, Photo.sha256.in_(named))
    held = set(session.scalars(stmt))
    return tuple(sha for sha in named if sha in held)


def _label(label: Any, language: str) -> str:
    if isinstance(label, str):
        return label
    label = label or {}
    return str(label.get(language) or label.get("en") or label.get("zh") or "")
