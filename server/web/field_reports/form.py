"""The field reports' filter: a site, a site-local day, a tab and a page, or problems in words."""

from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

TABS = ("incidents", "shift-notes")
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


@dataclass
class ReportForm:
    """Which reports: the site (None: the first), the day (None: every day), the tab, the page."""

    tab: str = TABS[0]
    site_id: int | None = None
    day: date | None = None
    page: int = 1
    problems: dict[str, str] = field(default_factory=dict)

    def between(self, timezone: str) -> tuple[datetime | None, datetime | None]:
        """The day as the UTC instants it runs between at the site (23 or 25 hours on DST days)."""
        if self.day is None:
            return None, None
        zone = ZoneInfo(timezone)
        since = datetime.combine(self.day, time(0), zone)
        until = datetime.combine(self.day + timedelta(days=1), time(0), zone)
        return since.astimezone(UTC), until.astimezone(UTC)

    def link(self, site_id: int, **changes: Any) -> dict[str, Any]:
        """url_for arguments for this view of the list, with changes (another tab, page)."""
        args = {"site_id": site_id, "tab": self.tab, "day": self.day and self.day.isoformat()}
        return {k: v for k, v in (args | changes).items() if v is not None}


def read(query: Mapping[str, str]) -> ReportForm:
    """The query as sent; what cannot be read is a problem, never an exception."""
    form = ReportForm(tab=query.get("tab") if query.get("tab") in TABS else TABS[0])
    form.site_id = _number(form, query, "site_id", MAX_ID, _("Choose one from the list."))
    form.page = _number(form, query, "page", MAX_PAGE, _("No such page.")) or 1
    text = query.get("day", "").strip()
    if text:
        with suppress(ValueError):
            form.day = date.fromisoformat(text)
        if form.day is None or not 1900 <= form.day.year < 3000:
            form.day = None
            form.problems["day"] = _("Enter a date such as 2026-03-01.")
    return form


def _number(
    form: ReportForm, query: Mapping[str, str], name: str, top: int, why: str
) -> int | None:
    text = query.get(name, "").strip()
    if not text:
        return None
    if text.isascii() and text.isdigit() and 1 <= int(text) <= top:
        return int(text)
    form.problems[name] = why
    return None
