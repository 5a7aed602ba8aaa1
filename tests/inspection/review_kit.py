"""A small plant for the review pages: a generator, a form with every kind of item, records."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.clock import reset_clock, set_clock
from server.domain.inspection import intake
from server.domain.inspection.intake import Submission
from server.domain.models import Asset, InspectionRecord, InspectionTemplate, TemplateVersion
from server.http.acting import acting_as
from server.testing.factories import Factory
from server.worker import EVALUATOR

# 10:00 on Monday 30 November 2026 in Shanghai.
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)

FORM = {
    "sections": [
        {
            "key": "main",
            "title": {"en": "Generator", "zh": "发电机"},
            "items": [
                {"key": "battery_v", "type": "number", "unit": "V", "decimals": 1,
                 "label": {"en": "Battery voltage", "zh": "电瓶电压"},
                 "normal": [13.2, 13.8], "warning": [12.0, 15.0], "critical": [None, 16.0]},
                {"key": "coolant_c", "type": "number", "unit": "°C", "decimals": 0,
                 "label": {"en": "Coolant temperature", "zh": "冷却液温度"},
                 "warning": [None, 95], "critical": [None, 105]},
                {"key": "no_leaks", "type": "check", "label": {"en": "No leaks", "zh": "无泄漏"}},
                {"key": "mode", "type": "choice", "choices": ["auto", "manual", "off"],
                 "abnormal": {"off": "critical"}, "label": {"en": "Mode", "zh": "模式"}},
                {"key": "panel", "type": "photo", "required": False,
                 "label": {"en": "Panel photo", "zh": "面板照片"}},
                {"key": "notes", "type": "text", "label": {"en": "Notes", "zh": "备注"}},
            ],
        }
    ]
}  # fmt: skip


def values(**changes: Any) -> dict[str, Any]:
    """A record with every item normal."""
    found = {"battery_v": 13.5, "coolant_c": 80, "no_leaks": True, "mode": "auto", "notes": "ok"}
    return found | changes


@dataclass
class Kit:
    """The generator, its form, and the session records are taken in."""

    db: Session
    generator: Asset
    template: InspectionTemplate
    version: TemplateVersion

    def record(
        self,
        at: datetime,
        given: dict[str, Any] | None = None,
        photos: dict[str, list[str]] | None = None,
        **extra: Any,
    ) -> InspectionRecord:
        """A record done at `at`, judged as it arrives twenty minutes later."""
        sent = Submission(
            org_id=self.generator.org_id,
            site_id=self.generator.site_id,
            asset=self.generator,
            template=self.template,
            version=self.version,
            at=at,
            values=values() if given is None else given,
            photos=photos or {},
            **extra,
        )
        set_clock(lambda: at + timedelta(minutes=20))
        try:
            with acting_as(EVALUATOR):  # as the gateway stores a handheld's record
                return intake.take(self.db, sent)
        finally:
            reset_clock()


def build(
    make: Factory, db: Session, org: Any, site: Any, name: str = "1号发电机 Generator G1"
) -> Kit:
    """A generator on site with the form installed; no records yet."""
    generator = make.asset(site, name=name, code="G1")
    template = make.template(
        org, definition=FORM, name="Generator weekly", name_zh="发电机每周巡检"
    )
    version = db.scalar(select(TemplateVersion).where(TemplateVersion.template_id == template.id))
    return Kit(db, generator, template, version)
