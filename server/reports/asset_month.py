"""An asset's monthly inspection report laid out: its inspections, each numeric item's trend
drawn against its limits and its readings by word, and the findings with their rectification.
Times are site time; every status is a word and a symbol, every limit a labelled line."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from server.domain.inspection.definition import Bounds
from server.domain.reports.asset_month import AssetMonth, ItemReadings, ReadingLine, RecordLine
from server.domain.reports.daily_alerts import AlertActivity, AlertNote
from server.reports import document as d
from server.reports.daily_activity import ACTIONS, SEVERITY
from server.reports.words import ASSET_KINDS, Words, number

LEVELS = {
    "normal": (("normal", "正常"), d.LimitLevel.NORMAL),
    "warning": (("warning", "警告"), d.LimitLevel.WARNING),
    "critical": (("critical", "严重"), d.LimitLevel.CRITICAL),
}
SIDES = {"low": ("low", "下限"), "high": ("high", "上限")}
# Vigil's own lines of a finding's history worth a reader's eye, shown by word (their notes are
# English for the console); the daily report's words for them, and those a month adds.
VIGILS = {
    "auto_resolved": ACTIONS["auto_resolved"],
    "follow_up_ok": ("reading back within limits", "读数已恢复正常"),
    "overdue": ("not rectified by its deadline", "逾期未整改"),
}
RECORD_STATUS = {
    "normal": d.StatusKind.NORMAL,
    "abnormal": d.StatusKind.ABNORMAL,
    "incomplete": d.StatusKind.INCOMPLETE,
}


def document(month: AssetMonth, made_at: datetime, changes: Sequence[str] = ()) -> d.Document:
    """The report for a gathered month; changes, when it amends an earlier version."""
    w = Words(month.language, month.timezone)
    figures = month.figures
    last_day = w.local(month.until) - timedelta(days=1)
    period = f"{w.local(month.since):%Y-%m-%d} – {last_day:%Y-%m-%d}"
    facts = [
        (w.say("Asset", "设备"), month.asset_name),
        (w.say("Code", "编号"), month.asset_code),
        (w.say("Kind", "类型"), w.pair(ASSET_KINDS[month.asset_kind])),
        (w.say("Site", "项目"), month.site_name),
        (w.say("Month", "月份"), month.month),
        (w.say("Period", "时段"), f"{w.when(month.since)} – {w.when(month.until)}"),
        (
            w.say("Inspections", "巡检"),
            w.say(
                f"{figures['inspections']} done; {figures['readings']} readings, "
                f"{figures['abnormal_readings']} abnormal",
                f"完成 {figures['inspections']} 次；读数 {figures['readings']} 项，"
                f"异常 {figures['abnormal_readings']} 项",
            ),
        ),
        (
            w.say("Findings", "发现问题"),
            w.say(
                f"{figures['findings_raised']} raised, {figures['findings_resolved']} rectified",
                f"发现 {figures['findings_raised']} 项，已整改 {figures['findings_resolved']} 项",
            ),
        ),
    ]
    if changes:
        facts.append((w.say("Amended", "更正"), "; ".join(changes)))
    readings: list[d.Section] = [_item_section(w, item) for item in month.items]
    if not readings:
        none = w.say("No readings this month.", "本月无读数。")
        readings = [d.Section(w.say("Readings", "读数"), [d.Paragraph(none)])]
    return d.Document(
        title=w.say(
            f"Monthly inspection report: {month.asset_name}, {month.month}",
            f"{month.asset_name} {month.month} 月度巡检报告",
        ),
        language=w.language,
        made_at_text=w.when(made_at),
        subtitle=f"{month.site_name} · {period}",
        facts=facts,
        sections=[
            d.Section(w.say("Inspections", "巡检记录"), [_records(w, month.records)]),
            *readings,
            d.Section(
                w.say("Findings and rectification", "发现问题与整改"),
                [_findings(w, month.findings)],
            ),
        ],
    )


def _records(w: Words, records: Sequence[RecordLine]) -> d.Table:
    scored = any(r.score is not None for r in records)  # a column for scored forms' only
    columns = [
        d.Column(w.say("Time", "时间"), 1.0, "center"),
        d.Column(w.say("Form", "表单"), 2.4),
        d.Column(w.say("By", "巡检人"), 1.0),
        d.Column(w.say("Result", "结果"), 1.1),
        *([d.Column(w.say("Score", "得分"), 0.9, "center")] if scored else []),
    ]
    rows: list[list[d.CellValue]] = []
    for found in records:
        row: list[d.CellValue] = [
            w.day_time(found.at),
            found.form,
            found.inspector or "",
            d.Status(RECORD_STATUS.get(found.status, d.StatusKind.PENDING)),
        ]
        if scored:
            score = "" if found.score is None else f"{number(found.score)} {found.grade or ''}"
            row.append(score.strip())
        rows.append(row)
    return d.Table(columns, rows)


def limits(w: Words, bounds: Bounds, unit: str) -> list[d.Limit]:
    """Each limit set, as a labelled line: "警告上限 15 V"."""
    found = []
    for level, (_, drawn) in LEVELS.items():
        for side, value in zip(("low", "high"), getattr(bounds, level), strict=True):
            if value is not None:
                label = _limit_label(w, level, side, value, unit)
                found.append(d.Limit(value, label, drawn))
    return found


def _limit_label(w: Words, level: str, side: str, value: float, unit: str) -> str:
    words = LEVELS[level][0]
    amount = f"{number(value)} {unit}".strip()
    if w.zh:
        return f"{words[1]}{SIDES[side][1]} {amount}"
    return f"{words[0]} {SIDES[side][0]} {amount}"


def _ranges(w: Words, bounds: Bounds, unit: str) -> str:
    """The limits as ranges, e.g. normal 13.2 to 13.8 V, warning 12 to 15 V, critical <= 16 V."""
    parts = []
    for level, (words, _) in LEVELS.items():
        low, high = getattr(bounds, level)
        if low is None and high is None:
            continue
        if low is not None and high is not None:
            span = f"{number(low)}–{number(high)}"
        else:
            span = f"≥{number(low)}" if low is not None else f"≤{number(high or 0)}"
        parts.append(f"{w.pair(words)} {span} {unit}".strip())
    if not parts:
        return w.say("No limits set.", "未设限值。")
    listed = w.say("; ", "；").join(parts)
    return w.say(f"Limits (as they stand): {listed}.", f"限值（现行）：{listed}。")


def _item_section(w: Words, item: ItemReadings) -> d.Section:
    heading = f"{item.label}（{item.unit}）" if item.unit and w.zh else item.label
    if item.unit and not w.zh:
        heading += f" ({item.unit})"
    chart = d.Chart(
        title=w.say("Over the month", "本月走势"),
        points=[d.Point(w.local(r.at), r.value, r.abnormal) for r in item.readings],
        unit=item.unit,
        limits=limits(w, item.bounds, item.unit),
        caption=_ranges(w, item.bounds, item.unit)
        + w.say(" ▲ marks an abnormal reading.", "▲ 表示异常读数。"),
    )
    columns = [
        d.Column(w.say("Time", "时间"), 1.0, "center"),
        d.Column(w.say("Reading", "读数"), 1.0, "right"),
        d.Column(w.say("Status", "状态"), 1.1),
        d.Column(w.say("Against the limits", "说明"), 2.4),
    ]
    rows: list[list[d.CellValue]] = [
        [
            w.day_time(r.at),
            f"{number(r.value, item.decimals)} {item.unit}".strip(),
            _status(w, r),
            _against(w, r, item.unit),
        ]
        for r in item.readings
    ]
    return d.Section(heading, [chart, d.Table(columns, rows)])


def _status(w: Words, reading: ReadingLine) -> d.Status:
    if not reading.abnormal:
        return d.Status(d.StatusKind.NORMAL)
    return d.Status(d.StatusKind.ABNORMAL, w.pair(LEVELS[reading.level or "warning"][0]))


def _against(w: Words, reading: ReadingLine, unit: str) -> str:
    """What the reading crossed: "高于警告上限 15 V"; nothing within the normal range."""
    if reading.level is None:
        return ""
    if reading.side is None or reading.limit is None:
        return w.say(
            "outside its limits then; the limits have changed since", "超出当时限值（限值已调整）"
        )
    label = _limit_label(w, reading.level, reading.side, reading.limit, unit)
    if w.zh:
        return ("高于" if reading.side == "high" else "低于") + label
    return ("above the " if reading.side == "high" else "below the ") + label


def _findings(w: Words, findings: Sequence[AlertActivity]) -> d.Table:
    columns = [
        d.Column(w.say("Raised", "发现"), 0.8, "center"),
        d.Column(w.say("Finding", "问题"), 1.7),
        d.Column(w.say("Severity", "级别"), 0.75, "center"),
        d.Column(w.say("Handled", "处理"), 1.8),
        d.Column(w.say("Rectification", "整改记录"), 2.2),
    ]
    rows: list[list[d.CellValue]] = []
    for found in findings:
        handled = []
        if found.acknowledged_at:
            who = found.acknowledged_by or ""
            handled.append(f"{w.say('ack', '确认')} {w.day_time(found.acknowledged_at)} {who}")
        if found.resolved_at:
            who = found.resolved_by or ""
            handled.append(f"{w.say('resolved', '整改')} {w.day_time(found.resolved_at)} {who}")
        status = (
            d.Status(d.StatusKind.DONE)
            if found.resolved_at
            else d.Status(d.StatusKind.ABNORMAL, w.say("open at month end", "月末未整改"))
        )
        notes = "\n".join(_note(w, n) for n in found.notes if n.by or n.action in VIGILS)
        rows.append(
            [
                w.day_time(found.raised_at),
                found.title,
                w.pair(SEVERITY[found.severity]),
                d.Cell("\n".join(h.strip() for h in handled), status=status),
                notes,
            ]
        )
    return d.Table(columns, rows)


def _note(w: Words, note: AlertNote) -> str:
    """A person's note as written, "11-16 12:00 已处理 王主管: 更换…"; Vigil's by its word."""
    action = w.pair(VIGILS.get(note.action) or ACTIONS.get(note.action, (note.action, note.action)))
    if note.by is None:
        return f"{w.day_time(note.at)} {action}"
    return f"{w.day_time(note.at)} {action} {note.by}: {note.note}"
