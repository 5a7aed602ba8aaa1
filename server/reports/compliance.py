"""The compliance report laid out three ways: a PDF to hand to a client, a workbook to work on
(one sheet per table), a CSV to load anywhere. Words follow the report's language; every status
is a word and a symbol; figures are numbers, never text."""

import csv as csvlib
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from server.domain.models import ReportFormat
from server.domain.reports.compliance import CheckpointLine, Compliance, RoundLine, Rounds
from server.reports import document as d
from server.reports.pdf import render_pdf
from server.reports.words import Words

Row = list[Any]  # one table row: words, numbers, statuses


class _Words(Words):
    """The report's language and clock, and how it says its period."""

    def __init__(self, data: Compliance) -> None:
        super().__init__(data.language, data.timezone)

    def days(self, data: Compliance) -> str:
        count = (data.last - data.first).days + 1
        return self.say(
            f"{data.first} to {data.last} ({count} days, {data.timezone})",
            f"{data.first} 至 {data.last}（共 {count} 天，{data.timezone}）",
        )

    def span(self, data: Compliance) -> str:
        """[since, until) in site time with the offset of each end, one end a line."""
        return self.say(
            f"from {self.when(data.since)}\nuntil {self.when(data.until)} (excluded)",
            f"{self.when(data.since)} 起\n{self.when(data.until)} 止（不含）",
        )

    def status(self, status: d.Status) -> str:
        return status.text(self.language)


def _rate(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1f}%"


def _round_status(rounds: Rounds) -> d.Status:
    """The worst that befell a set of rounds."""
    for count, kind in (
        (rounds.missed, d.StatusKind.MISSED),
        (rounds.incomplete, d.StatusKind.INCOMPLETE),
        (rounds.late, d.StatusKind.LATE),
        (rounds.completed, d.StatusKind.DONE),
    ):
        if count:
            return d.Status(kind)
    return d.Status(d.StatusKind.PENDING)


def _checkpoint_status(line: CheckpointLine) -> d.Status:
    for count, kind in (
        (line.missed, d.StatusKind.MISSED),
        (line.incomplete, d.StatusKind.INCOMPLETE),
        (line.late, d.StatusKind.LATE),
    ):
        if count:
            return d.Status(kind)
    return d.Status(d.StatusKind.DONE if line.scanned else d.StatusKind.SKIPPED)


def _nobody(w: _Words) -> str:
    return w.say("(no one by name: a team's)", "（未指派到人：班组）")


class Column(NamedTuple):
    """A column of a table every format shows; a percent column holds rates (66.7 is 66.7%)."""

    title: str
    width: float  # its share of the PDF's width
    align: d.Align = "right"
    percent: bool = False


def _totals(w: _Words, data: Compliance) -> tuple[list[Column], list[Row]]:
    t = data.totals
    columns: list[Column] = [
        Column(w.say("Outcome", "结果"), 1.2, "left"),
        Column(w.say("Rounds", "轮数"), 0.6),
        Column(w.say("Share", "占比"), 0.6, percent=True),
        Column(w.say("Meaning", "说明"), 3.6, "left"),
    ]

    def share(n: int) -> float | None:
        return round(100 * n / t.due, 1) if t.due else None

    # A problem with nothing to it reads the same, unshaded: shading is for what happened.
    rows = [
        [d.Status(kind) if n else d.Status(kind).text(w.language), n, share(n), meaning]
        for kind, n, meaning in (
            (d.StatusKind.DONE, t.completed, w.say(
                "every required checkpoint scanned", "所有必到点位均已打卡")),
            (d.StatusKind.LATE, t.late, w.say(
                "began after its due time and grace; also counted as completed or incomplete",
                "开始晚于计划时间加宽限；同时计入完成或未完成")),
            (d.StatusKind.INCOMPLETE, t.incomplete, w.say(
                "some required checkpoints missed", "部分必到点位漏巡")),
            (d.StatusKind.MISSED, t.missed, w.say(
                "not begun: no checkpoint scanned", "未开始：无任何点位打卡")),
            (d.StatusKind.PENDING, t.pending, w.say(
                "not over yet: in no rate", "尚未结束：不计入完成率")),
        )
    ]  # fmt: skip
    rows.append([w.say("Scheduled rounds due", "应巡合计"), t.due, share(t.due), ""])
    return columns, rows


def _round_lines(
    w: _Words, title: str, lines: Sequence[RoundLine]
) -> tuple[list[Column], list[Row]]:
    columns: list[Column] = [
        Column(title, 1.6, "left"),
        Column(w.say("Due", "应巡"), 0.5),
        Column(w.say("Completed", "完成"), 0.9),
        Column(w.say("Late start", "迟开始"), 0.9),
        Column(w.say("Incomplete", "未完成"), 0.95),
        Column(w.say("Missed", "漏巡"), 0.7),
        Column(w.say("Rate", "完成率"), 0.75, percent=True),
        Column(w.say("Status", "状态"), 1.15, "left"),
    ]
    rows = [
        [line.name or _nobody(w), r.due, r.completed, r.late, r.incomplete, r.missed, r.rate,
         _round_status(r)]
        for line in lines
        for r in (line.rounds,)
    ]  # fmt: skip
    return columns, rows


def _checkpoints(w: _Words, lines: Sequence[CheckpointLine]) -> tuple[list[Column], list[Row]]:
    columns: list[Column] = [
        Column(w.say("Checkpoint", "点位"), 1.5, "left"),
        Column(w.say("Due", "应到"), 0.5),
        Column(w.say("Scanned", "已巡"), 0.8),
        Column(w.say("Late", "迟到"), 0.5),
        Column(w.say("Task undone", "任务未完成"), 1.0),
        Column(w.say("Missed", "漏巡"), 0.7),
        Column(w.say("Optional left", "可选未巡"), 1.0),
        Column(w.say("Rate", "到位率"), 0.75, percent=True),
        Column(w.say("Status", "状态"), 1.15, "left"),
    ]
    rows = [
        [c.name, c.due, c.scanned, c.late, c.incomplete, c.missed, c.skipped, c.rate,
         _checkpoint_status(c)]
        for c in lines
    ]  # fmt: skip
    return columns, rows


def _most_missed(w: _Words, lines: Sequence[CheckpointLine]) -> tuple[list[Column], list[Row]]:
    columns: list[Column] = [
        Column(w.say("Rank", "排名"), 0.5, "center"),
        Column(w.say("Checkpoint", "点位"), 2.4, "left"),
        Column(w.say("Missed", "漏巡次数"), 0.8),
        Column(w.say("Due", "应到"), 0.6),
        Column(w.say("Missed share", "漏巡率"), 0.8, percent=True),
        Column(w.say("Status", "状态"), 1.0, "left"),
    ]
    rows = [
        [n, c.name, c.missed, c.due, round(100 * c.missed / c.due, 1) if c.due else None,
         d.Status(d.StatusKind.MISSED)]
        for n, c in enumerate(lines, start=1)
    ]  # fmt: skip
    return columns, rows


def _tables(w: _Words, data: Compliance) -> list[tuple[str, tuple[list[Column], list[Row]]]]:
    """Every table of the report, titled, in reading order."""
    return [
        (w.say("Totals", "汇总"), _totals(w, data)),
        (w.say("By route", "按路线"), _round_lines(w, w.say("Route", "路线"), data.by_route)),
        (w.say("By guard", "按巡更员"), _round_lines(w, w.say("Guard", "巡更员"), data.by_guard)),
        (w.say("By checkpoint", "按点位"), _checkpoints(w, data.by_checkpoint)),
        (w.say("Most missed", "漏巡最多的点位"), _most_missed(w, data.most_missed)),
    ]


def _how(w: _Words, data: Compliance) -> str:
    return w.say(
        f"Scheduled rounds only: {data.voluntary} voluntary round(s) walked by choice are counted "
        "apart and in no figure. Rate = completed ÷ rounds over (completed, incomplete, "
        "missed). Checkpoints count the scheduled rounds that are over; a missed round misses "
        "every stop it expected (an optional one counts as optional, left). Every line can be "
        "checked against the rounds list, filtered by route or guard, for the same period.",
        f"只计排班巡更：自主巡更 {data.voluntary} 轮另计，不计入任何数字。完成率 = 完成 ÷ "
        "已结束（完成、未完成、漏巡）。点位数字只计已结束的排班巡更；漏巡的轮次，其每个应到"
        "点位均计为漏巡（可选点位计为可选未巡）。每一行均可在巡更记录中按路线或巡更员、"
        "同一时段筛选复核。",
    )


def pdf(data: Compliance, made_at: datetime, changes: Sequence[str] = ()) -> bytes:
    """The report as an A4 PDF; changes, when it amends an earlier version."""
    return render_pdf(document(data, made_at, changes))


def document(data: Compliance, made_at: datetime, changes: Sequence[str] = ()) -> d.Document:
    w = _Words(data)
    t = data.totals
    over = t.completed + t.incomplete + t.missed
    facts = [
        (w.say("Site", "项目"), data.site_name),
        (w.say("Period", "时段"), w.span(data)),
        (w.say("Completion", "完成率"), w.say(
            f"{_rate(t.rate)} ({t.completed} of {over} over)",
            f"{_rate(t.rate)}（完成 {t.completed} / 已结束 {over}）")),
        (w.say("Rounds", "巡更"), w.say(
            f"{t.due} due: {t.completed} completed ({t.late} late start), {t.incomplete} "
            f"incomplete, {t.missed} missed, {t.pending} not over",
            f"应巡 {t.due} 轮：完成 {t.completed}，迟开始 {t.late}，未完成 {t.incomplete}，"
            f"漏巡 {t.missed}，未结束 {t.pending}")),
        (w.say("Voluntary rounds", "自主巡更"), w.say(
            f"{data.voluntary} (counted apart)", f"{data.voluntary} 轮（另计）")),
        (w.say("Checkpoints", "点位"), _stops_fact(w, data)),
    ]  # fmt: skip
    if changes:
        facts.append((w.say("Amended", "更正"), "; ".join(changes)))
    sections = [
        d.Section(title, [_table(columns, rows)]) for title, (columns, rows) in _tables(w, data)
    ]
    sections.append(d.Section(w.say("How it is counted", "统计口径"), [d.Paragraph(_how(w, data))]))
    return d.Document(
        title=w.say(f"Patrol compliance: {data.site_name}", f"{data.site_name} 巡更合规报告"),
        language=w.language,
        made_at_text=w.when(made_at),
        subtitle=w.days(data),
        facts=facts,
        sections=sections,
    )


def _stops_fact(w: _Words, data: Compliance) -> str:
    lines = data.by_checkpoint
    due, scanned, missed = (sum(getattr(c, n) for c in lines) for n in ("due", "scanned", "missed"))
    return w.say(
        f"{due} due: {scanned} scanned, {missed} missed",
        f"应到 {due} 次：已巡 {scanned}，漏巡 {missed}",
    )


def _table(columns: list[Column], rows: list[Row]) -> d.Table:
    laid = [d.Column(c.title, c.width, c.align) for c in columns]
    return d.Table(
        laid, [[_pdf_cell(v, c) for v, c in zip(row, columns, strict=True)] for row in rows]
    )


def _pdf_cell(value: Any, column: Column) -> d.CellValue:
    if isinstance(value, d.Status):
        return value
    if column.percent:
        return _rate(value)
    return "" if value is None else str(value)


def xlsx(data: Compliance, made_at: datetime) -> bytes:
    """The report as a workbook: a summary sheet, then one sheet per table; header rows bold
    and frozen; the same report made at the same time gives the same bytes."""
    w = _Words(data)
    book = Workbook()
    summary = book.active
    summary.title = w.say("Summary", "概要")
    t = data.totals
    _sheet(summary, [Column(w.say("Item", "项目"), 1), Column(w.say("Value", "内容"), 1)], [
        [w.say("Site", "项目名称"), data.site_name],
        [w.say("Period", "时段"), w.days(data)],
        [w.say("From", "起"), w.when(data.since)],
        [w.say("Until (not included)", "止（不含）"), w.when(data.until)],
        [w.say("Made", "生成时间"), w.when(made_at)],
        [w.say("Scheduled rounds due", "应巡轮数"), t.due],
        [w.say("Completion rate (%)", "完成率（%）"), t.rate],
        [w.say("Voluntary rounds (apart)", "自主巡更（另计）"), data.voluntary],
        [w.say("How it is counted", "统计口径"), _how(w, data)],
    ], w)  # fmt: skip
    for title, (columns, rows) in _tables(w, data):
        _sheet(book.create_sheet(title[:31]), columns, rows, w)
    stamp = made_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    book.properties.creator = "Vigil"
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    with _Stamped(buffer, stamp) as archive:
        ExcelWriter(book, archive).save()
    return buffer.getvalue()


def _sheet(sheet: Any, columns: list[Column], rows: list[Row], w: _Words) -> None:
    percent = w.say(" (%)", "（%）")
    sheet.append([c.title + (percent if c.percent else "") for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([w.status(v) if isinstance(v, d.Status) else v for v in row])
    for n in range(1, len(columns) + 1):
        longest = max(_display_width(c.value) for c in sheet[get_column_letter(n)])
        sheet.column_dimensions[get_column_letter(n)].width = min(max(longest + 2, 8), 60)


def _display_width(value: Any) -> int:
    """Characters as a spreadsheet shows them: a Chinese character takes two."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


class _Stamped(ZipFile):
    """A zip whose entries all carry one time, so a workbook's bytes follow its contents."""

    def __init__(self, file: Any, stamp: datetime) -> None:
        super().__init__(file, "w", ZIP_DEFLATED)
        self.stamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)

    def writestr(self, name: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(name, str):
            name = ZipInfo(name, self.stamp)
            name.compress_type = ZIP_DEFLATED
            name.external_attr = 0o600 << 16
        super().writestr(name, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        # openpyxl writes each sheet from a temporary file: its time is not the report's.
        with open(filename, "rb") as file:
            self.writestr(arcname or str(filename), file.read())


CSV_COLUMNS = ("section", "name", "due", "completed", "late", "incomplete", "missed", "rate")


def csv(data: Compliance) -> bytes:
    """The report as one flat table, UTF-8 with a BOM (so Excel on Chinese Windows reads it
    right). A checkpoint's completed is its scans; the voluntary line's due is its rounds,
    in no other line. filter, beside the report's own, lists a line's rounds."""
    w = _Words(data)
    buffer = io.StringIO()
    out = csvlib.writer(buffer, lineterminator="\r\n")
    out.writerow([*CSV_COLUMNS, "filter"])
    t = data.totals
    out.writerow(_csv_round("total", data.site_name, t, {}))
    for section, lines in (("route", data.by_route), ("guard", data.by_guard)):
        for line in lines:
            out.writerow(_csv_round(section, line.name or _nobody(w), line.rounds, line.filter))
    for c in data.by_checkpoint:
        out.writerow(["checkpoint", c.name, c.due, c.scanned, c.late, c.incomplete, c.missed,
                      _csv_rate(c.rate), f"checkpoint_id={c.checkpoint_id}"])  # fmt: skip
    out.writerow(
        ["voluntary", data.site_name, data.voluntary, "", "", "", "", "", "voluntary=true"]
    )
    return ("\ufeff" + buffer.getvalue()).encode()


def _csv_round(section: str, name: str, r: Rounds, found: dict[str, int]) -> Row:
    wanted = "&".join(f"{key}={value}" for key, value in found.items())
    return [section, name, r.due, r.completed, r.late, r.incomplete, r.missed, _csv_rate(r.rate),
            wanted]  # fmt: skip


def _csv_rate(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.1f}"


def render(
    fmt: ReportFormat, data: Compliance, made_at: datetime, changes: Sequence[str] = ()
) -> bytes:
    """The report's file in a format it is made in."""
    if fmt is ReportFormat.PDF:
        return pdf(data, made_at, changes)
    if fmt is ReportFormat.XLSX:
        return xlsx(data, made_at)
    return csv(data)
