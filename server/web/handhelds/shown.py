"""How the handheld pages say times: how long ago, how far a clock is off, how long a code lives."""

from datetime import datetime, timedelta

from flask_babel import format_timedelta
from flask_babel import gettext as _

from device_protocol.clock import SKEW_FLAG
from server.domain.clock import utcnow

# A sync's offset includes the time the batch took to arrive: a few seconds is the network.
IN_STEP = timedelta(seconds=5)


def ago(when: datetime | None, now: datetime | None = None) -> str:
    """'3 hours ago', in the page's language."""
    if when is None:
        return ""
    return format_timedelta(when - (now or utcnow()), add_direction=True)


def clock_offset(offset: timedelta) -> str:
    """The handheld's clock against the server's, in words."""
    if abs(offset) < IN_STEP:
        return _("in step")
    amount = format_timedelta(abs(offset), granularity="second", threshold=1)
    if offset > timedelta(0):
        return _("%(amount)s behind", amount=amount)
    return _("%(amount)s ahead", amount=amount)


def clock_is_off(offset: timedelta) -> bool:
    """Off by as much as the protocol flags on each event the handheld sends."""
    return abs(offset) >= SKEW_FLAG


def lifetime(minutes: int) -> str:
    """'30 minutes', '4 hours'."""
    return format_timedelta(timedelta(minutes=minutes), threshold=1)
