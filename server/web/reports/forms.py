"""What the report pages read: the list's filters, and the ask form as the API's POST body."""

from datetime import date, timedelta
from typing import Any

import marshmallow as ma
from werkzeug.datastructures import MultiDict

from server.api.reports.schemas import ReportAskSchema
from server.domain.errors import Invalid
from server.domain.models import ReportKind
from server.domain.reports import kinds
from server.domain.reports.library import Ask
from server.http.converters import MAX_ID
from server.web.forms import Fields, drop_nulls, load, number, typed

PAGE_SIZE = 20
MAX_PAGE = 100_000
# The fields each kind's ask needs, beside the site, language and format every ask has.
NEEDS: dict[ReportKind, tuple[str, ...]] = {
    ReportKind.DAILY_ACTIVITY: ("day", "shift"),
    ReportKind.COMPLIANCE: ("since", "until"),
    ReportKind.ASSET_MONTH: ("asset_id", "month"),
    ReportKind.AUDIT: ("record_id",),
}
ASK_FIELDS = Fields(
    ("site_id", "kind", "language", "format", *dict.fromkeys(n for f in NEEDS.values() for n in f)),
    readers={"site_id": number, "asset_id": number, "record_id": number},
)


def offered() -> list[ReportKind]:
    """The kinds the worker makes, in the order of the enum."""
    return [k for k in ReportKind if k in kinds.KINDS]


class ListArgs(ma.Schema):
    """The list's filters and the ask form's choice of site and kind (empty means any)."""

    site_id = ma.fields.Integer(validate=ma.validate.Range(1, MAX_ID), strict=False)
    kind = ma.fields.Enum(ReportKind, by_value=True)
    page = ma.fields.Integer(validate=ma.validate.Range(1, MAX_PAGE), load_default=1)

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _blanks(self, data: Any, **_kw: Any) -> dict[str, Any]:
        return {k: v for k, v in data.items() if v not in ("", None)}


def list_args(raw: MultiDict[str, str]) -> dict[str, Any]:
    """The filters, or Invalid naming what is wrong (a page, never a 500)."""
    try:
        return ListArgs().load(raw)
    except ma.ValidationError as error:
        fields = ", ".join(sorted(error.messages))
        raise Invalid(f"these filters are not valid: {fields}", error.messages) from None


def ask(form: MultiDict[str, str]) -> Ask:
    """The ask form as the API's POST /reports body, checked by its schema."""
    return Ask(**load(ReportAskSchema(), drop_nulls(typed(form, ASK_FIELDS))))


def first_values(kind: ReportKind, today: date, language: str) -> dict[str, Any]:
    """What a new ask form shows: today's shift, the week to today, this month."""
    return {
        "kind": kind.value,
        "language": language,
        "format": "pdf",
        "day": today.isoformat(),
        "since": (today - timedelta(days=6)).isoformat(),
        "until": today.isoformat(),
        "month": today.strftime("%Y-%m"),
    }
