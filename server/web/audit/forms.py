"""What the audit trail's filters accept: the API's own filters, days, and where a page starts."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma

from server.api.audit.schemas import AuditListArgs
from server.domain.errors import Invalid
from server.http.converters import MAX_ID
from server.web.forms import Fields, drop_nulls, load, number, typed

PAGE_SIZE = 50
# Who, what, which object and which site: read by the API's schema for /audit-events.
FILTERS = Fields(
    ("site_id", "actor_id", "object_type", "object_id", "action"),
    readers={"site_id": number, "actor_id": number, "object_id": number},
)
# Days a person may pick: any that leave room for the day after in every timezone.
_DAYS = ma.validate.Range(date(1900, 1, 1), date(2999, 12, 31))


class PageArgs(ma.Schema):
    """The page's own arguments: days in the chosen site's time, and the keyset cursors."""

    since = ma.fields.Date(validate=_DAYS)
    until = ma.fields.Date(validate=_DAYS)
    before = ma.fields.Integer(validate=ma.validate.Range(1, MAX_ID), strict=False)
    after = ma.fields.Integer(validate=ma.validate.Range(0, MAX_ID), strict=False)

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _blanks(self, data: Any, **_kw: Any) -> dict[str, Any]:
        return {k: data.get(k) for k in self.fields if data.get(k) not in ("", None)}


@dataclass(frozen=True)
class Chosen:
    """The filters as the form shows them, and the page asked for."""

    filters: dict[str, Any]
    since: date | None
    until: date | None
    before: int | None
    after: int | None

    def query(self, **changes: Any) -> dict[str, Any]:
        """The filters as a query string (the pager's links), with changes."""
        days = {"since": self.since, "until": self.until}
        kept = {k: v for k, v in (self.filters | days).items() if v is not None}
        return kept | changes


def read(args: Any) -> Chosen:
    """The trail's filters from the query string, or Invalid naming what is wrong."""
    filters = load(AuditListArgs(), drop_nulls(typed(args, FILTERS)))
    try:
        own = PageArgs().load(args)
    except ma.ValidationError as error:
        fields = ", ".join(sorted(error.messages))
        raise Invalid(f"these filters are not valid: {fields}", error.messages) from None
    return Chosen(filters, own.get("since"), own.get("until"), own.get("before"), own.get("after"))


def domain_filters(chosen: Chosen, timezone: str) -> dict[str, Any]:
    """The filters as audit.events_query takes them: days become instants in timezone, the
    last day included whole."""
    zone = ZoneInfo(timezone)
    found = dict(chosen.filters)
    if chosen.since is not None:
        found["since"] = datetime.combine(chosen.since, time(), zone)
    if chosen.until is not None:
        found["until"] = datetime.combine(chosen.until + timedelta(days=1), time(), zone)
    return found
