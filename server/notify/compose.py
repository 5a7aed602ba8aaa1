"""What a notification says: one alert's change, a group of them, or a person's daily digest,
told in the recipient's language, as Markdown text (robots, webhooks) and HTML (e-mail)."""

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from server.domain.actor import Role
from server.domain.alerts.kinds import AlertKind
from server.domain.alerts.titles import render
from server.domain.models import (
    Alert,
    AlertState,
    Notification,
    NotificationState,
    NotifyEndpoint,
    NotifyPreference,
    Report,
    Site,
    User,
)
from server.notify.channels import Attachment, Message
from server.notify.target import EMAIL, Target

# What happened, as a reader is told it.
CHANGES = {
    "raised": ("New alert", "新告警"),
    "severity_up": ("Alert escalated", "告警升级"),
    "reopened": ("Alert reopened", "告警重新打开"),
    "auto_resolved": ("Alert cleared", "告警已自动解除"),
    "unacknowledged": ("Still not acknowledged", "告警仍未确认"),
    "overdue": ("Rectification overdue", "整改已逾期"),
}
SEVERITIES = {"low": ("low", "低"), "medium": ("medium", "中"), "high": ("high", "高")}
SEVERITIES["critical"] = ("critical", "严重")
LABELS = {
    "site": ("Site", "项目"),
    "severity": ("Severity", "级别"),
    "raised": ("Raised", "发生时间"),
    "due": ("Rectify by", "整改期限"),
    "group": ("{n} alert{s} at {site}", "{site}：{n} 条告警"),
    "digest": ("Vigil daily digest: {n} alert{s}", "Vigil 每日汇总：{n} 条告警"),
    "held": ("Held during your quiet hours", "免打扰时段内暂缓的通知"),
    "open": ("Still open at your sites", "您负责项目仍未处理的告警"),
    "more": ("and {n} more", "另有 {n} 条"),
}
# A scheduled report, by kind; "{what}" is what it covers ("2026-11-20 夜班", "2026-11").
REPORTS = {
    "daily_activity": ("Daily activity report", "安保日报"),
    "compliance": ("Compliance report", "巡更合规报告"),
    "asset_month": ("Equipment monthly report", "设备月度报告"),
    "audit": ("Supervisory audit report", "督导检查报告"),
}
ATTACH_MAX = 10 * 2**20  # a larger file goes by its link only (mail servers refuse big mail)
DIGEST_OPEN_MAX = 50  # open alerts listed in a digest; the count says how many more


@dataclass
class Batch:
    """Rows that go as one message to one recipient, and what the message needs of them."""

    key: int  # the row whose id keys the message (webhook-id, Message-ID)
    rows: list[Notification]
    target: Target
    language: str
    public_url: str
    alerts: dict[int, Alert] = field(default_factory=dict)
    sites: dict[int, Site] = field(default_factory=dict)
    held: list[Notification] = field(default_factory=list)  # a digest's rows
    open: list[Alert] = field(default_factory=list)  # a digest's still-open alerts
    open_count: int = 0
    report: Report | None = None  # a scheduled report's
    report_file: bytes | None = None  # its bytes, attached to an e-mail

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(row.id for row in self.rows)


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


def load(
    session: Session,
    rows: Sequence[Notification],
    public_url: str,
    most: int,
    alerts: dict[int, Alert],
    read: Callable[[str], bytes | None] = lambda sha256: None,
) -> list[Batch]:
    """The claimed rows as messages (their alerts read already): a batch sent before stays
    one; fresh rows for one recipient and site go together (at most `most` alerts each); a
    digest goes alone, and so does a report (its file read by `read`, for an e-mail)."""
    endpoints = {
        e.id: e
        for e in session.scalars(
            select(NotifyEndpoint).where(
                NotifyEndpoint.id.in_({r.endpoint_id for r in rows if r.endpoint_id})
            )
        )
    }
    people = {
        p.user_id: p
        for p in session.scalars(
            select(NotifyPreference).where(
                NotifyPreference.user_id.in_({r.user_id for r in rows if r.user_id})
            )
        )
    }
    site_ids = {alert.site_id for alert in alerts.values()}
    sites = {s.id: s for s in session.scalars(select(Site).where(Site.id.in_(site_ids)))}
    groups: dict[Any, list[Notification]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.id):
        if row.batch_id is not None:
            groups[("batch", row.batch_id)].append(row)
        elif row.alert_id is None or row.attempts > 0:
            groups[("alone", row.id)].append(row)
        else:
            groups[("fresh", row.endpoint_id, row.user_id, row.site_id)].append(row)
    batches: list[Batch] = []
    for group_key, members in groups.items():
        parts = [members] if group_key[0] != "fresh" else list(_chunks(members, most))
        for part in parts:
            first = part[0]
            if first.endpoint_id is not None:
                endpoint = endpoints[first.endpoint_id]
                target = Target(
                    endpoint.kind.value,
                    endpoint.url,
                    tuple(endpoint.secrets),
                    endpoint_id=endpoint.id,
                )
                language = endpoint.language
            else:
                person = people.get(first.user_id)  # type: ignore[arg-type]
                address = person.email if person is not None and person.email else ""
                target = Target(EMAIL, address, user_id=first.user_id)
                language = person.language if person is not None else "zh"
            key = group_key[1] if group_key[0] == "batch" else first.id
            batch = Batch(key, part, target, language, public_url)
            batch.alerts = {r.alert_id: alerts[r.alert_id] for r in part if r.alert_id}
            batch.sites = sites
            if first.report_id is not None:
                batch.report = session.get(Report, first.report_id)
                site = session.get(Site, first.site_id)
                batch.sites = {site.id: site} if site is not None else {}
                if target.kind == EMAIL and batch.report is not None and batch.report.sha256:
                    batch.report_file = read(batch.report.sha256)
            elif first.alert_id is None:
                _digest_contents(session, batch, first)
            batches.append(batch)
    return batches


def _chunks(rows: list[Notification], size: int) -> Iterator[list[Notification]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _digest_contents(session: Session, batch: Batch, digest: Notification) -> None:
    """A digest tells what was held for it, and the alerts still open at the person's sites."""
    batch.held = list(
        session.scalars(
            select(Notification)
            .where(
                Notification.batch_id == digest.id,
                Notification.state == NotificationState.DIGESTED,
            )
            .order_by(Notification.id)
        )
    )
    held_ids = {row.alert_id for row in batch.held if row.alert_id is not None}
    user = session.get(User, digest.user_id)
    stmt = select(Alert).options(lazyload(Alert.history))
    stmt = stmt.where(Alert.org_id == digest.org_id, Alert.state != AlertState.RESOLVED)
    if user is not None and user.role is not Role.ADMIN:
        stmt = stmt.where(Alert.site_id.in_(user.site_ids))
    if held_ids:  # listed once, as held: the open list and its count are the others
        stmt = stmt.where(Alert.id.not_in(held_ids))
    batch.open = list(session.scalars(stmt.order_by(Alert.raised_at.desc()).limit(DIGEST_OPEN_MAX)))
    batch.open_count = len(batch.open)
    if batch.open_count == DIGEST_OPEN_MAX:  # more than are listed: say how many in all
        batch.open_count = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ids = held_ids | {alert.id for alert in batch.open}
    batch.alerts = {
        alert.id: alert
        for alert in session.scalars(
            select(Alert).options(lazyload(Alert.history)).where(Alert.id.in_(ids))
        )
    }
    batch.sites = {
        site.id: site
        for site in session.scalars(
            select(Site).where(Site.id.in_({a.site_id for a in batch.alerts.values()}))
        )
    }


def compose(batch: Batch, now: datetime) -> Message:
    """The message for a batch, keyed by its first row so every retry carries the same key."""
    if batch.report is not None:
        return _report(batch)
    if batch.rows[0].alert_id is None:
        return _digest(batch)
    if len(batch.rows) == 1:
        return _one(batch, batch.rows[0])
    return _group(batch)


def _line(batch: Batch, alert: Alert) -> tuple[str, str]:
    """One alert as a list item: Markdown and HTML."""
    language = batch.language
    site = batch.sites[alert.site_id]
    severity = _say(SEVERITIES[alert.severity], language)
    when = local_time(alert.raised_at, site.timezone)
    url = link(batch.public_url, alert.id)
    named = title(alert, language)
    text = f"- [{severity}] {named} · {site.name} · {when} · {url}"
    html = (
        f'<li>[{escape(severity)}] <a href="{escape(url)}">{escape(named)}</a>'
        f" · {escape(site.name)} · {escape(when)}</li>"
    )
    return text, html


def _one(batch: Batch, row: Notification) -> Message:
    language = batch.language
    alert = batch.alerts[row.alert_id]  # type: ignore[index]
    site = batch.sites[alert.site_id]
    named = title(alert, language)
    raised = local_time(alert.raised_at, site.timezone)
    colon = _say((": ", "："), language)
    heading = _say(CHANGES.get(row.change, (row.change, row.change)), language)
    pairs = [
        (_say(LABELS["site"], language), site.name),
        (_say(LABELS["severity"], language), _say(SEVERITIES[alert.severity], language)),
        (_say(LABELS["raised"], language), raised),
    ]
    if alert.due_at is not None and row.change in ("overdue", "unacknowledged", "raised"):
        pairs.append((_say(LABELS["due"], language), local_time(alert.due_at, site.timezone)))
    text = "\n\n".join([f"**{heading}**", *(f"{k}{colon}{v}" for k, v in pairs)])
    url = link(batch.public_url, alert.id)
    html = (
        f"<p><strong>{escape(heading)}</strong></p><p>{escape(named)}</p><ul>"
        + "".join(f"<li>{escape(k)}{escape(colon)}{escape(v)}</li>" for k, v in pairs)
        + f'</ul><p><a href="{escape(url)}">{escape(url)}</a></p>'
    )
    return Message(
        idempotency_key=f"vigil-n{batch.key}",
        change=row.change,
        title=named,
        text=text,
        link=url,
        facts={**_facts(alert, site), "step": row.step},
        html=html,
    )


def _group(batch: Batch) -> Message:
    language = batch.language
    first = batch.alerts[batch.rows[0].alert_id]  # type: ignore[index]
    site = batch.sites[first.site_id]
    changes = {row.change for row in batch.rows}
    change = changes.pop() if len(changes) == 1 else "grouped"
    heading = _say(CHANGES.get(change, ("Alerts", "告警")), language)
    alerts = [batch.alerts[row.alert_id] for row in batch.rows]  # type: ignore[index]
    lines = [_line(batch, alert) for alert in alerts]
    name = _say(LABELS["group"], language).format(n=len(alerts), s="s", site=site.name)
    url = f"{batch.public_url.rstrip('/')}/console/alerts?site_id={site.id}"
    return Message(
        idempotency_key=f"vigil-n{batch.key}",
        change=change,
        title=f"{heading} · {name}",
        text="\n".join([f"**{heading}**", "", *(text for text, _ in lines)]),
        link=url,
        facts={
            "site_id": site.id,
            "site": site.name,
            # Each listed as a single message would tell it: a webhook gets no Markdown list.
            "alerts": [
                {
                    **_facts(alert, site),
                    "title": title(alert, language),
                    "link": link(batch.public_url, alert.id),
                }
                for alert in alerts
            ],
        },
        html=f"<p><strong>{escape(heading)}</strong></p><ul>"
        + "".join(html for _, html in lines)
        + "</ul>",
    )


def _digest(batch: Batch) -> Message:
    language = batch.language
    held = [batch.alerts[r.alert_id] for r in batch.held if r.alert_id in batch.alerts]
    held = list({alert.id: alert for alert in held}.values())
    count = len(held) + batch.open_count
    text: list[str] = []
    html: list[str] = []
    for label, alerts, total in (
        ("held", held, len(held)),
        ("open", batch.open, batch.open_count),
    ):
        if not alerts:
            continue
        lines = [_line(batch, alert) for alert in alerts]
        heading = f"{_say(LABELS[label], language)} ({total})"
        text += [f"**{heading}**", "", *(t for t, _ in lines), ""]
        html += [f"<h3>{escape(heading)}</h3><ul>", *(h for _, h in lines), "</ul>"]
        if total > len(alerts):
            more = _say(LABELS["more"], language).format(n=total - len(alerts))
            text.append(more)
            html.append(f"<p>{escape(more)}</p>")
    url = f"{batch.public_url.rstrip('/')}/console/alerts"
    return Message(
        idempotency_key=f"vigil-n{batch.key}",
        change="digest",
        title=_say(LABELS["digest"], language).format(n=count, s="" if count == 1 else "s"),
        text="\n".join(text).strip(),
        link=url,
        facts={"held": [a.id for a in held], "open": [a.id for a in batch.open]},
        html="".join(html),
    )


def _facts(alert: Alert, site: Site) -> dict[str, Any]:
    return {
        "alert_id": alert.id,
        "kind": alert.kind,
        "severity": str(alert.severity),
        "state": str(alert.state),
        "site_id": site.id,
        "site": site.name,
        "raised_at": alert.raised_at.isoformat(),
        "raised_local": local_time(alert.raised_at, site.timezone),
        "due_at": alert.due_at.isoformat() if alert.due_at else None,
    }


def _report(batch: Batch) -> Message:
    """A scheduled report made (or amended): what it covers and its file or its link."""
    report = batch.report
    assert report is not None
    language = batch.language
    site = batch.sites.get(report.site_id)
    site_name = site.name if site is not None else ""
    named = _say(REPORTS.get(report.kind.value, ("Report", "报告")), language)
    what = report.subject
    if report.kind.value == "daily_activity":
        what = f"{report.params.get('day', '')} {report.params.get('name', '')}".strip()
    amended = report.amends_id is not None
    title = f"{site_name} {named} {what}".strip()
    if amended:
        title += _say((" (amended)", "（更正）"), language)
    url = f"{batch.public_url.rstrip('/')}/api/v1/reports/{report.id}/file"
    lines = [f"**{title}**"]
    if report.changes and amended:
        lines.append(_say(("Changed: ", "更正内容："), language) + "; ".join(report.changes))
    attached: tuple[Attachment, ...] = ()
    data = batch.report_file
    if data is not None and len(data) <= ATTACH_MAX:
        name = f"{site_name}-{named}-{what}-v{report.version}.{report.format.value}"
        attached = (Attachment(name.replace(" ", "_"), report.format.mimetype, data),)
        lines.append(_say(("The report is attached.", "报告见附件。"), language))
    return Message(
        idempotency_key=f"vigil-n{batch.key}",
        change="amended" if amended else "made",
        title=title,
        text="\n\n".join(lines),
        link=url,
        facts={
            "report_id": report.id,
            "kind": report.kind.value,
            "site_id": report.site_id,
            "site": site_name,
            "subject": report.subject,
            "version": report.version,
            "amends_id": report.amends_id,
            "format": report.format.value,
            "sha256": report.sha256,
            "since": report.since.isoformat(),
            "until": report.until.isoformat(),
        },
        html="".join(f"<p>{escape(line.strip('*'))}</p>" for line in lines),
        topic="report",
        attachments=attached,
    )
