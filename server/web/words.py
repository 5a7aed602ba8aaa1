"""Words the console's pages share: severities, states, what was done to an alert, kinds."""

from flask_babel import lazy_gettext as _l

from server.domain.alerts import titles
from server.domain.models import Alert
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


GLOBALS = {
    "severity_word": severity,
    "severity_mark": SEVERITY_MARK.get,
    "state_word": state,
    "state_mark": STATE_MARK.get,
    "action_word": action,
    "kind_name": kind,
    "alert_title": alert_title,
}
