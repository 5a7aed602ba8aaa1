"""Reports: made once by the worker, stored by their hash, never rewritten; late data makes a
new version that says what changed, and the earlier one stays."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, str_enum
from server.domain.clock import utcnow
from server.domain.models.mixins import Registry, Tenanted


class ReportKind(enum.StrEnum):
    """What a report tells."""

    DAILY_ACTIVITY = "daily_activity"  # one site's shift: rounds, incidents, alerts, handover
    COMPLIANCE = "compliance"  # a period's rounds by outcome, guard, route and checkpoint
    ASSET_MONTH = "asset_month"  # one asset's month: readings, trends, findings
    AUDIT = "audit"  # a supervisory audit: score, grade, the items that cost points


class ReportFormat(enum.StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"

    @property
    def mimetype(self) -> str:
        """The file's media type, for a download or an attachment."""
        return _MIMETYPES[self.value]


_MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


class ReportState(enum.StrEnum):
    REQUESTED = "requested"  # waiting for the worker
    MADE = "made"  # stored: sha256 names its bytes
    FAILED = "failed"  # the worker could not make it; error says why


class Report(Tenanted, Base):
    """One version of one report. What it covers is (site, kind, subject, format, language);
    versions of it count up, each made from the data as it stood at made_at."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("org_id", "site_id", "kind", "subject", "format", "language", "version"),
        Index("ix_reports_state_requested_at", "state", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, 20))
    # What it covers, as people say it: "2026-12-01 20:00" (a day and shift), "2026-11".
    subject: Mapped[str] = mapped_column(String(120))
    format: Mapped[ReportFormat] = mapped_column(str_enum(ReportFormat, 8))
    language: Mapped[str] = mapped_column(String(8))
    since: Mapped[datetime]  # the period covered, [since, until) in UTC
    until: Mapped[datetime]
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # asset_id, shift, ...
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[ReportState] = mapped_column(
        str_enum(ReportState, 12), default=ReportState.REQUESTED
    )
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: a schedule
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    made_at: Mapped[datetime | None]
    # Last looked at for late data that would change it (made_at until then).
    checked_at: Mapped[datetime | None]
    sha256: Mapped[str | None] = mapped_column(String(64))  # the stored bytes' name
    size: Mapped[int | None]
    # The hash of the facts it was made from: a later making from changed facts differs.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # The figures it shows, kept to say what a later version changed.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))
    changes: Mapped[list[str]] = mapped_column(JSON, default=list)  # what the amendment changed
    error: Mapped[str | None] = mapped_column(Text)


class Cadence(enum.StrEnum):
    """When a schedule asks for its report: after each shift, or each month on the 1st."""

    SHIFT = "shift"  # each shift's report once the shift has ended
    MONTH = "month"  # the month before, on the 1st at `at_local`, site time


class ReportSchedule(Registry, Tenanted, Base):
    """A report delivered on a schedule: "every shift's report to the site manager by e-mail",
    "the month's compliance on the 1st at 08:00"; through the notification channels."""

    __tablename__ = "report_schedules"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, 20))
    format: Mapped[ReportFormat] = mapped_column(
        str_enum(ReportFormat, 8), default=ReportFormat.PDF
    )
    language: Mapped[str] = mapped_column(String(8), default="zh")
    cadence: Mapped[Cadence] = mapped_column(str_enum(Cadence, 8))
    at_local: Mapped[str] = mapped_column(String(5), default="08:00")  # a month's: on the 1st
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # asset_id, ...
    user_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # told by e-mail
    endpoint_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # A report with nothing in it (no rounds, no incidents, nothing found) is not sent unless so.
    send_empty: Mapped[bool] = mapped_column(default=False)
    # The end of the last period asked for: the next is the one after it.
    done_until: Mapped[datetime | None]
