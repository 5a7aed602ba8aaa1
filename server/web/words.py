"""Words the console's pages share: severities, states, what was done to an alert, kinds, and
what came of notifications."""

from flask_babel import lazy_gettext as _l

from server.domain.alerts import titles
from server.domain.models import Alert, Notification
from server.web.i18n import lang

SEVERITY = {
    "critical": _l("Critical"),
    "high": _l("High"),
    "medium": _l("Medium"),
    "low": _l("Low"),
}
# Marks beside the word, so print and colour-blind readers lose nothing.
SEVERITY_MARK = {"critical": "‼", "high": "!", "medium": "▲", "low": "·"}
STATE = {
    "open": _l("Open"),
    "acknowledged": _l("Acknowledged"),
    "resolved": _l("Resolved"),
}
STATE_MARK = {"open": "●", "acknowledged": "◐", "resolved": "✓"}
ACTION = {
    "raised": _l("Raised"),
    "updated": _l("Updated with new evidence"),
    "reopened": _l("Reopened"),
    "acknowledged": _l("Acknowledged"),
    "resolved": _l("Resolved"),
    "auto_resolved": _l("Cleared by itself"),
    "rectified": _l("Rectified, waiting for a reading back within limits"),
    "follow_up_ok": _l("Reading back within limits"),
    "overdue": _l("Not rectified by its deadline"),
}


def severity(value: str) -> str:
    return str(SEVERITY.get(str(value), value))


def state(value: str) -> str:
    return str(STATE.get(str(value), value))


def action(value: str) -> str:
    return str(ACTION.get(value, value))


def kind(value: str) -> str:
    """An alert kind's name in the page's language."""
    return titles.name(value, lang())


def alert_title(alert: Alert) -> str:
    """The alert's title in the page's language (alerts from before titles were kept as facts
    have their English title only)."""
    if alert.title_args is None:
        return alert.title
    return titles.render(alert.kind, alert.title_args, lang())


# Notifications: the channel a message went by, what it told, and what came of it.
CHANNEL = {
    "email": _l("E-mail"),
    "webhook": _l("Webhook"),
    "wecom": _l("WeCom"),
    "dingtalk": _l("DingTalk"),
}
CHANGE = {
    "raised": _l("Raised"),
    "severity_up": _l("Severity went up"),
    "reopened": _l("Reopened"),
    "auto_resolved": _l("Cleared by itself"),
    "unacknowledged": _l("Not acknowledged yet"),
    "overdue": _l("Rectification overdue"),
    "digest": _l("Daily digest"),
}
# A pending row that was tried already is being retried; the rest say their state.
DELIVERY = {
    "delivered": ("✓", _l("Delivered")),
    "pending": ("…", _l("Waiting to be sent")),
    "retrying": ("↻", _l("Retrying")),
    "sending": ("…", _l("Sending")),
    "dead": ("✗", _l("Failed: given up")),
    "held": ("◷", _l("Held for the daily digest")),
    "digested": ("✉", _l("Told in the daily digest")),
    "cancelled": ("–", _l("Cancelled: acknowledged or resolved first")),
}


def channel(value: str) -> str:
    return str(CHANNEL.get(value, value))


def change(value: str) -> str:
    return str(CHANGE.get(value, value))


def delivery(notification: Notification) -> tuple[str, str, str]:
    """A notification's state as (key, mark, words): retrying is pending after a try."""
    key = notification.state.value
    if key == "pending" and notification.attempts:
        key = "retrying"
    mark, words = DELIVERY.get(key, ("", key))
    return key, mark, str(words)


GLOBALS = {
    "severity_word": severity,
    "severity_mark": SEVERITY_MARK.get,
    "state_word": state,
    "state_mark": STATE_MARK.get,
    "action_word": action,
    "kind_name": kind,
    "alert_title": alert_title,
    "channel_word": channel,
    "change_word": change,
    "delivery": delivery,
}
