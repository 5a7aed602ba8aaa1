"""The daily activity report laid out: one site's shift as a document a property manager
hands to a client. Times are site time with the offset; every status is a word and a symbol."""

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from server.domain.models import AlertSeverity, RoundStatus
from server.domain.reports.daily_activity import DailyActivity, RoundActivity
from server.domain.reports.daily_alerts import AlertActivity, AlertNote
from server.domain.reports.daily_inspections import InspectionActivity
from server.reports import document as d

# A photo's bytes by its sha256 (a thumbnail), or None when it cannot be read.
Photos = Callable[[str], bytes | None]

ROUND_STATUS = {
    RoundStatus.COMPLETED: d.StatusKind.DONE,
    RoundStatus.INCOMPLETE: d.StatusKind.INCOMPLETE,
    RoundStatus.MISSED: d.StatusKind.MISSED,
    RoundStatus.IN_PROGRESS: d.StatusKind.PENDING,
    RoundStatus.SCHEDULED: d.StatusKind.PENDING,
}
STOP_STATUS = {
    "on_time": d.StatusKind.DONE,
    "early": d.StatusKind.EARLY,
    "late": d.StatusKind.LATE,
    "out_of_order": d.StatusKind.OUT_OF_ORDER,
    "incomplete_task": d.StatusKind.INCOMPLETE,
    "missed": d.StatusKind.MISSED,
    "skipped": d.StatusKind.SKIPPED,
    "pending": d.StatusKind.PENDING,
}
SEVERITY = {
    AlertSeverity.LOW: ("low", "低"),
    AlertSeverity.MEDIUM: ("medium", "中"),
    AlertSeverity.HIGH: ("high", "高"),
    AlertSeverity.CRITICAL: ("critical", "紧急"),
}
# The console's words for these (server/web/scans/templates/words.html and its catalogue),
# which the worker, outside Flask, cannot reach.
CATEGORIES = {
    "intrusion": ("intrusion", "入侵"),
    "fire": ("fire", "火情"),
    "water_leak": ("water leak", "漏水"),
    "damage": ("damage", "损坏"),
    "hazard": ("hazard", "安全隐患"),
    "medical": ("medical", "医疗急救"),
    "equipment_fault": ("equipment fault", "设备故障"),
    "suspicious": ("suspicious", "可疑情况"),
    "other": ("other", "其他"),
}
SHIFT_KINDS = {
    "clock_in": ("clock in", "上岗"),
    "clock_out": ("clock out", "下岗"),
    "handover": ("handover", "交接班"),
}
ACTIONS = {
    "acknowledged": ("acknowledged", "已确认"),
    "resolved": ("resolved", "已处理"),
    "rectified": ("rectified", "已整改"),
    "reopened": ("reopened", "重新打开"),
    "auto_resolved": ("cleared by itself", "自动解除"),
}


class _Words:
    """The report's language and clock."""

    def __init__(self, language: str, timezone: str) -> None:
        self.zh = language == "zh"
        self.zone = ZoneInfo(timezone)

    def say(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def pair(self, words: tuple[str, str]) -> str:
        return words[1] if self.zh else words[0]

    def hm(self, at: datetime | None) -> str:
        return "" if at is None else at.astimezone(self.zone).strftime("%H:%M")

    def when(self, at: datetime) -> str:
        local = at.astimezone(self.zone)
        offset = local.strftime("%z")
        return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]}"


def document(
    activity: DailyActivity, photos: Photos, made_at: datetime, changes: Sequence[str] = ()
) -> d.Document:
    """The report for a gathered shift; changes, when it amends an earlier version."""
    w = _Words(activity.language, activity.timezone)
    shift = activity.shift
    figures = activity.figures
    title = w.say(f"Daily activity report: {activity.site_name}", f"{activity.site_name} 安保日报")
    period = f"{w.when(shift.since)} – {w.when(shift.until)}"
    rounds = w.say(
        f"{figures['rounds']} due: {figures['rounds_completed']} completed, "
        f"{figures['rounds_incomplete']} incomplete, {figures['rounds_missed']} missed",
        f"应巡 {figures['rounds']} 轮：完成 {figures['rounds_completed']}，"
        f"未完成 {figures['rounds_incomplete']}，漏巡 {figures['rounds_missed']}",
    )
    facts = [
        (w.say("Site", "项目"), activity.site_name),
        (w.say("Shift", "班次"), f"{shift.day.isoformat()} {shift.name}"),
        (w.say("Period", "时段"), period),
        (w.say("Rounds", "巡更"), rounds),
        (w.say("Voluntary rounds", "自主巡更"), str(figures["voluntary_rounds"])),
        (w.say("Checkpoints", "点位"), _stops_fact(w, figures)),
        (w.say("Incidents", "事件"), str(figures["incidents"])),
        (w.say("Alerts", "告警"), _alerts_fact(w, figures)),
        (w.say("Inspections", "巡检"), _inspections_fact(w, figures)),
    ]
    if changes:
        facts.append((w.say("Amended", "更正"), "; ".join(changes)))
    sections = [
        d.Section(w.say("Rounds", "巡更记录"), [_round_table(w, activity.rounds)]),
        *[_stops_section(w, r, photos) for r in activity.rounds if r.stops],
        d.Section(w.say("Incidents", "事件报告"), [_incidents(w, activity, photos)]),
        d.Section(w.say("Alerts", "告警与处理"), [_alerts(w, activity.alerts)]),
        d.Section(w.say("Inspections", "设备巡检"), [_inspections(w, activity.inspections)]),
        d.Section(w.say("Shift notes and handover", "班次记录与交接"), _notes(w, activity)),
    ]
    return d.Document(
        title=title,
        language="zh" if w.zh else "en",
        made_at_text=w.when(made_at),
        subtitle=f"{shift.name} · {period}",
        facts=facts,
        sections=sections,
    )


def _stops_fact(w: _Words, figures: dict[str, int]) -> str:
    return w.say(
        f"{figures['stops_scanned']} scanned, {figures['stops_late']} late, "
        f"{figures['stops_missed']} missed",
        f"已巡 {figures['stops_scanned']}，迟到 {figures['stops_late']}，"
        f"漏巡 {figures['stops_missed']}",
    )


def _alerts_fact(w: _Words, figures: dict[str, int]) -> str:
    return w.say(
        f"{figures['alerts_raised']} raised, {figures['alerts_resolved']} resolved",
        f"新增 {figures['alerts_raised']}，已处理 {figures['alerts_resolved']}",
    )


def _inspections_fact(w: _Words, figures: dict[str, int]) -> str:
    return w.say(
        f"{figures['inspections']} done, {figures['abnormal_readings']} abnormal readings",
        f"完成 {figures['inspections']} 次，异常读数 {figures['abnormal_readings']} 项",
    )


def _round_status(w: _Words, found: RoundActivity) -> d.Status:
    # A missed round never started: its late start says nothing more.
    late = found.late_start and found.status is not RoundStatus.MISSED
    note = w.say("late start", "迟开始") if late else ""
    return d.Status(ROUND_STATUS[found.status], note)


def _round_table(w: _Words, rounds: Sequence[RoundActivity]) -> d.Table:
    columns = [
        d.Column(w.say("Due", "计划"), 0.7, "center"),
        d.Column(w.say("Route", "路线"), 2.0),
        d.Column(w.say("Guard", "巡更员"), 1.2),
        d.Column(w.say("Walked", "实际"), 1.2, "center"),
        d.Column(w.say("Status", "状态"), 1.3),
    ]
    rows = []
    for found in rounds:
        route = found.route + (w.say(" (voluntary)", "（自主）") if found.voluntary else "")
        walked = f"{w.hm(found.started_at)}–{w.hm(found.finished_at)}" if found.started_at else ""
        rows.append([w.hm(found.due_at), route, found.guard or "", walked, _round_status(w, found)])
    return d.Table(columns, rows)


def _stops_section(w: _Words, found: RoundActivity, photos: Photos) -> d.Section:
    columns = [
        d.Column(w.say("Planned", "计划"), 0.7, "center"),
        d.Column(w.say("Checkpoint", "点位"), 2.0),
        d.Column(w.say("Scanned", "打卡"), 0.7, "center"),
        d.Column(w.say("Status", "状态"), 1.3),
        d.Column(w.say("Note and photos", "备注与照片"), 2.2),
    ]
    rows = []
    for stop in found.stops:
        off = ""
        if stop.minutes_off and stop.status in ("late", "early"):
            off = w.say(f"{abs(stop.minutes_off):.0f} min", f"{abs(stop.minutes_off):.0f} 分钟")
        pictures = [p for p in (photos(sha) for sha in stop.photos) if p is not None]
        rows.append(
            [
                w.hm(stop.planned_at),
                stop.checkpoint_name,
                w.hm(stop.scanned_at),
                d.Status(STOP_STATUS.get(stop.status, d.StatusKind.PENDING), off),
                d.Cell(stop.note, photos=pictures),
            ]
        )
    heading = f"{w.hm(found.due_at)} {found.route}"
    caption = " · ".join(p for p in (found.guard or "", _round_status(w, found).text(
        "zh" if w.zh else "en")) if p)  # fmt: skip
    return d.Section(heading, [d.Table(columns, rows, caption=caption)])


def _incidents(w: _Words, activity: DailyActivity, photos: Photos) -> d.Table:
    columns = [
        d.Column(w.say("Time", "时间"), 0.7, "center"),
        d.Column(w.say("Guard", "报告人"), 1.0),
        d.Column(w.say("Where", "地点"), 1.2),
        d.Column(w.say("Kind", "类别"), 1.0),
        d.Column(w.say("What happened", "内容与照片"), 3.0),
    ]
    rows = []
    for found in activity.incidents:
        pictures = [p for p in (photos(sha) for sha in found.photos) if p is not None]
        category = w.pair(CATEGORIES.get(found.category, (found.category, found.category)))
        kind = f"{category} · {w.pair(SEVERITY[AlertSeverity(found.severity.value)])}"
        urgent = found.severity.value in ("high", "critical")
        status = d.Status(d.StatusKind.ABNORMAL) if urgent else None
        text = found.text
        if found.photos_awaited:
            text += w.say(
                f"\n({found.photos_awaited} photo(s) not received yet)",
                f"\n（{found.photos_awaited} 张照片尚未上传）",
            )
        rows.append(
            [
                w.hm(found.at),
                found.guard or "",
                found.checkpoint or "",
                kind,
                d.Cell(text, status=status, photos=pictures),
            ]
        )
    return d.Table(columns, rows)


def _alerts(w: _Words, alerts: Sequence[AlertActivity]) -> d.Table:
    columns = [
        d.Column(w.say("Raised", "发生"), 0.7, "center"),
        d.Column(w.say("Alert", "告警"), 2.2),
        d.Column(w.say("Severity", "级别"), 0.6, "center"),
        d.Column(w.say("Handled", "处理"), 1.4),
        d.Column(w.say("Notes", "处理记录"), 2.4),
    ]
    rows = []
    for found in alerts:
        handled = []
        if found.acknowledged_at:
            who = found.acknowledged_by or ""
            handled.append(f"{w.say('ack', '确认')} {w.hm(found.acknowledged_at)} {who}".strip())
        if found.resolved_at:
            who = found.resolved_by or ""
            handled.append(f"{w.say('resolved', '处理')} {w.hm(found.resolved_at)} {who}".strip())
        status = (
            d.Status(d.StatusKind.DONE) if found.resolved_at else d.Status(d.StatusKind.ABNORMAL)
        )
        notes = "\n".join(_note(w, n) for n in found.notes if n.note or n.by is None)
        rows.append(
            [
                w.hm(found.raised_at),
                found.title,
                w.pair(SEVERITY[found.severity]),
                d.Cell("\n".join(handled), status=status),
                notes,
            ]
        )
    return d.Table(columns, rows)


def _note(w: _Words, note: AlertNote) -> str:
    """A person's note as they wrote it; Vigil's own (an alert clearing itself) by its action
    alone, since its notes are English evidence for the log, not words for a client."""
    action = w.pair(ACTIONS.get(note.action, (note.action, note.action)))
    if note.by is None:
        return f"{w.hm(note.at)} {action}"
    return f"{w.hm(note.at)} {action} {note.by}: {note.note}"


def _inspections(w: _Words, inspections: Sequence[InspectionActivity]) -> d.Table:
    columns = [
        d.Column(w.say("Time", "时间"), 0.7, "center"),
        d.Column(w.say("Equipment", "设备"), 1.4),
        d.Column(w.say("Form", "表单"), 1.4),
        d.Column(w.say("By", "巡检人"), 0.9),
        d.Column(w.say("Result", "结果"), 2.4),
    ]
    rows = []
    for found in inspections:
        lines = [
            f"{r.item} {r.value:g}{r.unit}"
            + (f" ({w.say('limit', '限值')} {r.limit:g}{r.unit})" if r.limit is not None else "")
            for r in found.abnormal
        ]
        if found.score is not None:
            lines.append(f"{w.say('score', '得分')} {found.score:g} {found.grade or ''}".strip())
        kind = {
            "normal": d.StatusKind.NORMAL,
            "abnormal": d.StatusKind.ABNORMAL,
            "incomplete": d.StatusKind.INCOMPLETE,
        }.get(found.status, d.StatusKind.PENDING)
        rows.append(
            [
                w.hm(found.at),
                found.asset or w.say("(site)", "（全项目）"),
                found.template,
                found.inspector or "",
                d.Cell("\n".join(lines), status=d.Status(kind)),
            ]
        )
    return d.Table(columns, rows)


def _notes(w: _Words, activity: DailyActivity) -> list[d.Paragraph | d.Table]:
    columns = [
        d.Column(w.say("Time", "时间"), 0.7, "center"),
        d.Column(w.say("Guard", "人员"), 1.0),
        d.Column(w.say("Kind", "类型"), 0.8),
        d.Column(w.say("Note", "记录"), 3.5),
    ]
    rows = [
        [w.hm(n.at), n.guard or "", w.pair(SHIFT_KINDS.get(n.kind, (n.kind, n.kind))), n.note]
        for n in activity.shift_notes
    ]
    blocks: list[d.Paragraph | d.Table] = [d.Table(columns, rows)]
    handover = activity.handover
    if handover is not None:
        said = handover.note or w.say("(nothing written)", "（未填写）")
        blocks.append(
            d.Paragraph(
                w.say("Handover", "交接班") + f" {w.hm(handover.at)} {handover.guard or ''}: {said}"
            )
        )
    return blocks
