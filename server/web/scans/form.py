"""The scan log's filter form: query text read into typed values, or problems said in words."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from device_protocol.events import EventType
from device_protocol.flags import Flag
from server.domain import events
from server.domain.errors import Invalid

Choice = TypeVar("Choice", EventType, Flag)
# Ids fit the database's integer columns, as the API's do.
MAX_ID = 2**31 - 1
IDS = ("site_id", "guard", "handheld", "checkpoint")
# Every parameter the form sends; the links it makes (older, CSV) carry the same ones.
FIELDS = (*IDS, "from", "to", "type", "flagged", "flag")


@dataclass
class ScanForm:
    """What the form asked for: ids, site-local times, type and flags, and the page's cursor."""

    args: dict[str, str]  # the non-empty parameters as sent, for links and to refill the form
    ids: dict[str, int | None] = field(default_factory=dict)
    since: datetime | None = None  # site-local wall time, naive
    until: datetime | None = None
    type: EventType | None = None
    flagged: bool = False
    flag: Flag | None = None
    cursor: events.Cursor | None = None
    problems: dict[str, str] = field(default_factory=dict)

    def filter(self, timezone: str) -> events.Filter:
        """The domain's filter: local times placed in the site's timezone, as UTC."""
        zone = ZoneInfo(timezone)
        return events.Filter(
            site_id=self.ids["site_id"],
            device_id=self.ids["handheld"],
            user_id=self.ids["guard"],
            checkpoint_id=self.ids["checkpoint"],
            type=self.type,
            flags=frozenset({self.flag} if self.flag else Flag if self.flagged else ()),
            since=_utc(self.since, zone),
            until=_utc(self.until, zone),
        )


def read(query: Mapping[str, str]) -> ScanForm:
    """The form as sent; anything that cannot be read is a problem, never an exception."""
    form = ScanForm({k: query[k].strip() for k in FIELDS if query.get(k, "").strip()})
    for name in IDS:
        form.ids[name] = _id(form, name)
    form.since = _local(form, "from")
    form.until = _local(form, "to")
    if form.since and form.until and form.since >= form.until:
        form.problems["to"] = _("“To” must be later than “From”.")
    form.type = _choice(form, "type", EventType)
    form.flag = _choice(form, "flag", Flag)
    form.flagged = form.args.get("flagged") == "1"
    if query.get("cursor"):
        try:
            form.cursor = events.Cursor.decode(query["cursor"][:100])
        except Invalid:
            form.problems["cursor"] = _("This page link is out of date: start from the newest.")
    return form


def _id(form: ScanForm, name: str) -> int | None:
    text = form.args.get(name)
    if text is None:
        return None
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ID:
        return int(text)
    form.problems[name] = _("Choose one from the list.")
    return None


def _local(form: ScanForm, name: str) -> datetime | None:
    text = form.args.get(name)
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text)
        if when.tzinfo is None and 1900 <= when.year < 3000:
            return when
    except ValueError:
        pass
    form.problems[name] = _("Enter a date and time such as 2026-03-01 08:00.")
    return None


def _choice(form: ScanForm, name: str, kind: type[Choice]) -> Choice | None:
    text = form.args.get(name)
    if text is None:
        return None
    try:
        return kind(text)
    except ValueError:
        form.problems[name] = _("Choose one from the list.")
        return None


def _utc(local: datetime | None, zone: ZoneInfo) -> datetime | None:
    return None if local is None else local.replace(tzinfo=zone).astimezone(UTC)
