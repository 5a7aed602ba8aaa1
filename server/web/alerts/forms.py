"""What the alert pages accept: the queue's filters and the actions' forms."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma

from device_protocol.text import first_unstorable
from server.domain.alerts.kinds import AlertKind
from server.domain.errors import Invalid
from server.domain.models import AlertSeverity, AlertState
from server.http.converters import MAX_ID

PAGE_SIZE = 50
MAX_PAGE = 1_000_000
NOTE_MAX = 4000
# The queue's orders, by the name the page uses: the sort keys the domain knows.
ORDERS = {
    "urgent": "-severity,-raised_at",
    "newest": "-raised_at",
    "oldest": "raised_at",
}


def _id(**kw: Any) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(1, MAX_ID), strict=False, **kw)


class QueueArgs(ma.Schema):
    """The queue's filters as the filter form sends them (empty fields mean 'any')."""

    site_id = _id()
    kind = ma.fields.String(validate=ma.validate.OneOf([k.value for k in AlertKind]))
    severity = ma.fields.Enum(AlertSeverity, by_value=True)
    state = ma.fields.Enum(AlertState, by_value=True)
    round_id = _id()
    checkpoint_id = _id()
    since = ma.fields.Date()  # days in the site's time
    until = ma.fields.Date()
    order = ma.fields.String(validate=ma.validate.OneOf(list(ORDERS)), load_default="urgent")
    page = ma.fields.Integer(validate=ma.validate.Range(1, MAX_PAGE), load_default=1)

    class Meta:
        unknown = ma.EXCLUDE  # htmx adds nothing, but a bookmarked URL may carry old keys

    @ma.pre_load
    def _blanks(self, data: Any, **_kw: Any) -> dict[str, Any]:
        return {k: v for k, v in data.items() if v not in ("", None)}


def queue_args(raw: Any) -> dict[str, Any]:
    """The filters, or Invalid naming what is wrong (a page, never a 500)."""
    try:
        return QueueArgs().load(raw)
    except ma.ValidationError as error:
        fields = ", ".join(sorted(error.messages))
        raise Invalid(f"these filters are not valid: {fields}", error.messages) from None


def domain_filters(args: dict[str, Any], timezone: str) -> dict[str, Any]:
    """The queue's filters as handling.list_query takes them: days become UTC instants."""
    zone = ZoneInfo(timezone)
    found = {
        k: args[k]
        for k in ("site_id", "kind", "severity", "state", "round_id", "checkpoint_id")
        if k in args
    }
    if "since" in args:
        found["since"] = _midnight(args["since"], zone)
    if "until" in args:  # the whole of the last day
        found["until"] = _midnight(args["until"] + timedelta(days=1), zone)
    return found


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), zone)


def note(raw: Any, required: bool = False) -> str:
    """A note or rectification as typed: storable text of a sane length."""
    text = str(raw or "").strip()
    if first_unstorable(text) is not None:
        raise Invalid("the note holds characters that cannot be stored", {"note": ["invalid"]})
    if len(text) > NOTE_MAX:
        raise Invalid(f"notes are at most {NOTE_MAX} characters", {"note": ["too long"]})
    if required and not text:
        raise Invalid("say what was done", {"note": ["required"]})
    return text


def alert_ids(raw: list[str]) -> list[int]:
    """The alerts ticked in the queue."""
    try:
        ids = [int(v) for v in raw]
    except ValueError:
        raise Invalid("alerts are chosen by their numbers", {"alert_ids": ["invalid"]}) from None
    if not ids or any(not 1 <= i <= MAX_ID for i in ids) or len(ids) > PAGE_SIZE:
        raise Invalid("tick the alerts to acknowledge (a page at most)", {"alert_ids": ["none"]})
    return ids
