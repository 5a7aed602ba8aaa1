"""What a notification says: an alert's change told in the endpoint's language."""

from datetime import datetime
from zoneinfo import ZoneInfo

from server.domain.alerts.kinds import AlertKind
from server.domain.alerts.titles import render
from server.domain.models import Alert, Notification, NotifyEndpoint, Site
from server.notify.channels import Message

# What happened, as a reader is told it.
CHANGES = {
    "raised": ("New alert", "新告警"),
    "severity_up": ("Alert escalated", "告警升级"),
    "reopened": ("Alert reopened", "告警重新打开"),
    "auto_resolved": ("Alert cleared", "告警已自动解除"),
}
SEVERITIES = {"low": ("low", "低"), "medium": ("medium", "中"), "high": ("high", "高")}
SEVERITIES["critical"] = ("critical", "严重")
LABELS = {
    "site": ("Site", "站点"),
    "severity": ("Severity", "级别"),
    "raised": ("Raised", "发生时间"),
}


def _say(words: tuple[str, str], language: str) -> str:
    return words[1] if language == "zh" else words[0]


def title(alert: Alert, language: str) -> str:
    """The alert's title in a language; the stored English one for alerts kept before titles."""
    if alert.title_args is None or alert.kind not in set(AlertKind):
        return alert.title
    return render(AlertKind(alert.kind), alert.title_args, language)


def local_time(at: datetime, timezone: str) -> str:
    """An instant as the site's clock shows it, with the offset: 2026-12-04 10:00 +08:00."""
    local = at.astimezone(ZoneInfo(timezone))
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def link(public_url: str, alert_id: int) -> str:
    """The alert's page in the console."""
    return f"{public_url.rstrip('/')}/console/alerts/{alert_id}"


def compose(
    notification: Notification, alert: Alert, site: Site, endpoint: NotifyEndpoint, public_url: str
) -> Message:
    """The message for one outbox row, keyed by the row so every retry carries the same key."""
    language = endpoint.language
    change = notification.change
    raised = local_time(alert.raised_at, site.timezone)
    severity = _say(SEVERITIES[alert.severity], language)
    colon = _say((": ", "："), language)
    lines = [
        f"**{_say(CHANGES.get(change, (change, change)), language)}**",
        f"{_say(LABELS['site'], language)}{colon}{site.name}",
        f"{_say(LABELS['severity'], language)}{colon}{severity}",
        f"{_say(LABELS['raised'], language)}{colon}{raised}",
    ]
    return Message(
        idempotency_key=notification.key,
        change=change,
        title=title(alert, language),
        text="\n\n".join(lines),
        link=link(public_url, alert.id),
        facts={
            "alert_id": alert.id,
            "kind": alert.kind,
            "severity": str(alert.severity),
            "state": str(alert.state),
            "site_id": site.id,
            "site": site.name,
            "raised_at": alert.raised_at.isoformat(),
            "raised_local": raised,
            "step": notification.step,
        },
    )
