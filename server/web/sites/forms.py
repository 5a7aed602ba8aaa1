"""What the site pages read from their forms, and the words and numbers they show beside them.

The forms carry what the API's site and zone bodies carry (server/api/sites/schemas.py); the
limits and defaults shown in the hints are the domain's and the model's own, never copied.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from server.domain import access
from server.domain.actor import Actor
from server.domain.alerts.kinds import AlertKind
from server.domain.models import Site, ZoneKind
from server.domain.registry.sites import DETECTION_LIMITS, timezone_names
from server.web.forms import Fields, number


def yes_no(text: str) -> Any:
    """The words a hidden 'active' field sends, as JSON's true and false; anything else goes
    to the schema as it is, which refuses it."""
    return {"true": True, "false": False}.get(text, text)


SETTINGS = tuple(DETECTION_LIMITS)
NEW_SITE = Fields(("name", "address", "timezone"))
SITE = Fields(
    ("name", "address", "timezone", *SETTINGS),
    readers=dict.fromkeys(SETTINGS, number),
    keep_blank=("address",),  # an address may be cleared
)
ACTIVE = Fields(("active",), readers={"active": yes_no})
ZONE = Fields(("name", "kind"))

KINDS = {
    ZoneKind.BUILDING: _l("Building"),
    ZoneKind.FLOOR: _l("Floor"),
    ZoneKind.CAR_PARK: _l("Car park"),
    ZoneKind.PLANT_ROOM: _l("Plant room"),
    ZoneKind.OUTDOOR: _l("Outdoor area"),
    ZoneKind.OTHER: _l("Other"),
}


@dataclass(frozen=True)
class Setting:
    """One detection setting as a person reads it: what it is called, what it does, its unit."""

    name: str
    label: Any
    hint: Any
    unit: Any
    alert: AlertKind  # what it raises
    whole: bool  # a whole number (minutes, seconds) or a decimal

    @property
    def least(self) -> float:
        return DETECTION_LIMITS[self.name][0]

    @property
    def most(self) -> float:
        return DETECTION_LIMITS[self.name][1]

    @property
    def default(self) -> Any:
        """What a new site starts with (the model's default; None for no default)."""
        column_default = Site.__table__.c[self.name].default
        return column_default.arg if column_default is not None else None

    @property
    def attrs(self) -> dict[str, str]:
        """The number field's bounds, so a browser helps before the domain refuses."""
        step, keys = ("1", "numeric") if self.whole else ("any", "decimal")
        return {"min": f"{self.least:g}", "max": f"{self.most:g}", "step": step, "inputmode": keys}


DETECTION = (
    Setting(
        "inactivity_min",
        _l("Lone-worker silence"),
        _l(
            "A guard on duty whose handheld sends nothing for this many minutes raises an "
            "alert. Leave it empty to turn this watch off."
        ),
        _l("minutes"),
        AlertKind.GUARD_INACTIVE,
        whole=True,
    ),
    Setting(
        "max_speed_mps",
        _l("Speed limit"),
        _l(
            "Two scans by one handheld further apart than anyone could walk at this speed in "
            "the time between them are flagged as impossible. Brisk walking is about 1.5."
        ),
        _l("metres a second"),
        AlertKind.IMPOSSIBLE_SPEED,
        whole=False,
    ),
    Setting(
        "twin_window_s",
        _l("Copied-tag window"),
        _l(
            "One checkpoint scanned by two different handhelds within this many seconds "
            "means one of them scanned a copy of its tag."
        ),
        _l("seconds"),
        AlertKind.TWIN_SCAN,
        whole=True,
    ),
    Setting(
        "geofence_radii",
        _l("Far-scan distance"),
        _l(
            "A scan further from its checkpoint than this many times the checkpoint's radius, "
            "after allowing for the GPS accuracy, is flagged as a far scan."
        ),
        _l("checkpoint radii"),
        AlertKind.FAR_SCAN,
        whole=False,
    ),
    Setting(
        "default_grace_min",
        _l("Default grace for a late start"),
        _l(
            "How many minutes after its due time a round may start before it counts as late, "
            "for new schedules that do not set their own."
        ),
        _l("minutes"),
        AlertKind.ROUND_LATE_START,
        whole=True,
    ),
)


def values_of(site: Site) -> dict[str, Any]:
    """The site's form as it stands (2.0 radii shown as 2, as a person would type it)."""
    values = {name: getattr(site, name) for name in SITE.names}
    return {k: f"{v:g}" if isinstance(v, float) else v for k, v in values.items()}


def may(actor: Actor) -> dict[str, bool]:
    """What the actor may change here (the same role sets the API's endpoints use)."""
    return {
        "sites": actor.role in access.MANAGE_SITES,
        "zones": actor.role in access.MANAGE_REGISTRY,
    }


# Offered first: the zones a Chinese estate uses, named in words a person searches for.
FIRST = {
    "Asia/Shanghai": _l("China (Beijing time)"),
    "Asia/Hong_Kong": _l("Hong Kong"),
    "Asia/Macau": _l("Macau"),
    "Asia/Taipei": _l("Taiwan"),
    "Asia/Urumqi": _l("Xinjiang (Urumqi time)"),
}


@dataclass(frozen=True)
class TimezoneChoice:
    name: str
    offset: str  # "UTC+08:00", now
    note: str  # words to find it by, for the zones offered first

    @property
    def label(self) -> str:
        return f"{self.offset} · {self.note}" if self.note else self.offset


def utc_offset(name: str, at: datetime) -> str:
    """The zone's offset from UTC at that instant: 'UTC+08:00', 'UTC-03:30'."""
    delta = at.astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours:02d}:{rest:02d}"


def offset_if_known(name: str | None, at: datetime) -> str | None:
    """A site's offset now, or None for text that names no zone a site may take."""
    return utc_offset(name, at) if name in timezone_names() else None


def timezone_choices(at: datetime) -> list[TimezoneChoice]:
    """Every zone a site may take, with its offset now: China's first, then A to Z."""
    names = timezone_names()
    first = [name for name in FIRST if name in names]
    rest = sorted(names - set(first))
    return [TimezoneChoice(n, utc_offset(n, at), str(FIRST.get(n, ""))) for n in first + rest]
