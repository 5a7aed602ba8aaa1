"""A supervisory audit's report laid out: the score and its grade in words first, then the
items that cost points (the costliest first) and why, then every item, then notes and photos."""

from collections.abc import Callable, Sequence
from datetime import datetime

from server.domain.inspection import scoring
from server.domain.reports.audit import Audit, AuditItem
from server.reports import document as d
from server.reports.words import Words, number

# A photo's bytes by its sha256 (a thumbnail), or None when it cannot be read.
Photos = Callable[[str], bytes | None]


def document(
    audit: Audit, photos: Photos, made_at: datetime, changes: Sequence[str] = ()
) -> d.Document:
    """The report for a gathered audit; changes, when it amends an earlier version."""
    w = Words(audit.language, audit.timezone)
    deducted = audit.deducted
    lost = sum(i.lost for i in deducted)
    headline = w.say(
        f"Score {number(audit.score)} · {audit.grade_word}",
        f"得分 {number(audit.score)} · {audit.grade_word}",
    )
    facts = [
        (w.say("Site", "项目"), audit.site_name),
        (w.say("Form", "表单"), f"{audit.form} v{audit.version}"),
        (w.say("Audited", "检查时间"), w.when(audit.at)),
        (w.say("Auditor", "检查人"), audit.auditor or ""),
        (
            w.say("Score", "得分"),
            w.say(f"{number(audit.score)} of 100", f"{number(audit.score)} / 100"),
        ),
        (w.say("Grade", "评定"), audit.grade_word),
        (
            w.say("Deductions", "扣分"),
            w.say(
                f"{len(deducted)} of {len(audit.items)} items, {number(lost)} points in all",
                f"{len(audit.items)} 项中 {len(deducted)} 项扣分，共扣 {number(lost)} 分",
            ),
        ),
    ]
    if audit.asset:
        facts.insert(1, (w.say("Asset", "设备"), audit.asset))
    if changes:
        facts.append((w.say("Amended", "更正"), "; ".join(changes)))
    sections = [
        d.Section(headline, [d.Paragraph(_bands(w))]),
        d.Section(
            w.say("Items that cost points", "扣分项"),
            [_deductions(w, deducted)],
        ),
        d.Section(w.say("Every item", "全部评分项"), [_items(w, audit.items)]),
    ]
    notes = _notes(w, audit, photos)
    if notes:
        sections.append(d.Section(w.say("Notes and photos", "备注与照片"), notes))
    return d.Document(
        title=w.say(f"{audit.form}: {audit.site_name}", f"{audit.site_name} {audit.form}"),
        language=w.language,
        made_at_text=w.when(made_at),
        subtitle=" · ".join(p for p in (w.when(audit.at), audit.auditor or "", headline) if p),
        facts=facts,
        sections=sections,
    )


def _bands(w: Words) -> str:
    """The grade bands, from the manual's table (scoring.GRADES)."""
    bands = []
    ceiling = 100
    for floor, en, zh in scoring.GRADES:
        bands.append(
            w.say(f"{floor} to {ceiling} {en}", f"{floor}–{ceiling} 分{zh}")
            if floor
            else w.say(f"{ceiling} or less {en}", f"{ceiling} 分及以下{zh}")
        )
        ceiling = floor - 1
    return w.say("Out of 100: ", "满分 100 分：") + w.say("; ", "；").join(bands) + w.say(".", "。")


def _missing(w: Words, item: AuditItem) -> str:
    return "\n".join(
        w.say(
            f"{m.requirement} (−{number(m.points)})", f"{m.requirement}（扣 {number(m.points)} 分）"
        )
        for m in item.missing
    )


def _deductions(w: Words, items: Sequence[AuditItem]) -> d.Table:
    columns = [
        d.Column(w.say("Item", "评分项"), 1.6),
        d.Column(w.say("Lost", "扣分"), 0.6, "center"),
        d.Column(w.say("Points", "得分"), 0.8, "center"),
        d.Column(w.say("Requirements missing", "未达要求"), 3.4),
    ]
    rows: list[list[d.CellValue]] = [
        [
            f"{i.label}\n{i.section}",
            w.say(f"−{number(i.lost)}", f"扣 {number(i.lost)} 分"),
            f"{number(i.earned)} / {number(i.points)}",
            _missing(w, i),
        ]
        for i in items
    ]
    return d.Table(columns, rows)


def _items(w: Words, items: Sequence[AuditItem]) -> d.Table:
    columns = [
        d.Column(w.say("Section", "类别"), 1.1),
        d.Column(w.say("Item", "评分项"), 1.8),
        d.Column(w.say("Worth", "分值"), 0.6, "center"),
        d.Column(w.say("Points", "得分"), 0.6, "center"),
        d.Column(w.say("Lost", "扣分"), 0.7, "center"),
    ]
    rows: list[list[d.CellValue]] = [
        [
            i.section,
            i.label,
            number(i.points),
            number(i.earned),
            w.say(f"−{number(i.lost)}", f"扣 {number(i.lost)} 分") if i.lost else "",
        ]
        for i in items
    ]
    return d.Table(columns, rows)


def _notes(w: Words, audit: Audit, photos: Photos) -> list[d.Block]:
    blocks: list[d.Block] = []
    if audit.note:
        blocks.append(d.Paragraph(audit.note))
    blocks += [d.Paragraph(f"{label}: {text}") for label, text in audit.remarks]
    pictures = [p for p in (photos(sha) for sha in audit.photos) if p is not None]
    if pictures:
        blocks.append(d.Table([d.Column(w.say("Photos", "照片"))], [[d.Cell(photos=pictures)]]))
    return blocks
