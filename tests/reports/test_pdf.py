"""Report PDFs as a reader gets them: text poppler extracts, embedded fonts, photos, charts."""

import io
import random
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from functools import cache

import pytest
from PIL import Image, ImageDraw

from server.reports import document as d
from server.reports.charts import chart_svg
from server.reports.images import PHOTO_PX, THUMB_PX, prepare
from server.reports.pdf import render_pdf
from tests.reports.poppler import NEEDS_POPPLER, pages, run

pytestmark = NEEDS_POPPLER

BASE_14 = re.compile(r"Helvetica|Times|Courier|Symbol|ZapfDingbats", re.IGNORECASE)
STATUSES = {  # what each status reads as in a Chinese and an English report
    d.StatusKind.DONE: ("✔", "完成", "done"),
    d.StatusKind.LATE: ("!", "迟到", "late"),
    d.StatusKind.INCOMPLETE: ("◐", "未完成", "incomplete"),
    d.StatusKind.MISSED: ("✘", "漏巡", "missed"),
    d.StatusKind.ABNORMAL: ("▲", "异常", "abnormal"),
}
COLUMNS = ["时间", "点位", "状态", "备注与照片"]


def jpeg(width: int, height: int, seed: int) -> bytes:
    """A photo-like JPEG: a background and overlapping discs."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rnd.randrange(width), rnd.randrange(height)
        draw.ellipse((x, y, x + width // 4, y + height // 4), fill=(rnd.randrange(256),) * 3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def patrol_table(language: d.Language, rows: int = 60, photos: int = 40) -> d.Table:
    kinds = list(STATUSES)
    pictures = [jpeg(640, 480, n) for n in range(photos)]
    start = datetime(2024, 5, 1, 20, 0)
    return d.Table(
        [
            d.Column(COLUMNS[0] if language == "zh" else "Time", 0.7, "center"),
            d.Column(COLUMNS[1] if language == "zh" else "Checkpoint", 2),
            d.Column(COLUMNS[2] if language == "zh" else "Status", 1.2),
            d.Column(COLUMNS[3] if language == "zh" else "Notes and photos", 2.5),
        ],
        [
            [
                (start + timedelta(minutes=7 * n)).strftime("%H:%M"),
                f"湖畔花园 {n % 9 + 1}号楼 北侧消防通道",
                d.Status(kinds[n % len(kinds)]),
                d.Cell("门已锁好，照明正常。" * (1 + n % 3), photos=pictures[n : n + 1]),
            ]
            for n in range(rows)
        ],
        caption="表 1 巡逻记录" if language == "zh" else "Table 1 Rounds",
    )


def generator_chart() -> d.Chart:
    start = datetime(2024, 5, 1)
    return d.Chart(
        "1号发电机 冷却水温度",
        [
            d.Point(start + timedelta(hours=8 * n), 60 + (n * 7) % 13, abnormal=n == 20)
            for n in range(90)
        ],
        unit="°C",
        limits=[
            d.Limit(85, "报警上限 85", d.LimitLevel.CRITICAL),
            d.Limit(75, "预警上限 75", d.LimitLevel.WARNING),
            d.Limit(50, "正常下限 50", d.LimitLevel.NORMAL),
        ],
        caption="图 1 冷却水温度",
    )


def report(language: d.Language = "zh") -> d.Document:
    return d.Document(
        title="湖畔花园 安保夜班日报" if language == "zh" else "Lakeside Gardens night shift",
        subtitle="2024-05-01 20:00 – 2024-05-02 08:00",
        language=language,
        made_at_text="2024-05-02 08:05",
        facts=[("项目", "湖畔花园"), ("班次", "夜班"), ("完成率", "92%")],
        sections=[
            d.Section(
                "巡逻", [d.Paragraph("漏巡 2 个点位。<b>原样</b> & 显示"), patrol_table(language)]
            ),
            d.Section("设备", [generator_chart(), d.Table([d.Column("设备")], [])]),
        ],
    )


@cache
def zh_pdf() -> bytes:
    return render_pdf(report("zh"))


def font_rows(pdf: bytes) -> list[list[str]]:
    """pdffonts' table rows: name, type..., emb, sub, uni, object, generation."""
    return [line.split() for line in run("pdffonts", pdf).splitlines()[2:]]


def test_chinese_names_status_words_and_page_footers():
    text = pages(zh_pdf())
    total = len(text)
    assert total >= 3
    for number, page in enumerate(text, start=1):
        assert f"第 {number} 页 / 共 {total} 页" in page
        assert "湖畔花园 安保夜班日报" in page and "生成时间 2024-05-02 08:05" in page
    whole = "\n".join(text)
    for name in ("湖畔花园 3号楼 北侧消防通道", "1号发电机 冷却水温度", "项目", "夜班"):
        assert name in whole
    for symbol, word, _ in STATUSES.values():
        assert re.search(rf"{re.escape(symbol)}\s*{word}", whole), word
    assert "<b>原样</b> & 显示" in whole  # plain text, not markup
    assert "（无）" in whole  # the table without rows says so


def test_the_table_header_and_caption_repeat_on_every_page_it_spans():
    spanned = [page for page in pages(zh_pdf()) if "北侧消防通道" in page]
    assert len(spanned) >= 3
    for page in spanned:  # once each: a row is not split under a second header
        assert page.count("表 1 巡逻记录") == 1
        assert len(re.findall(r"\s+".join(COLUMNS), page)) == 1


def test_a_row_taller_than_a_page_splits_across_pages_under_one_header_each():
    photo = jpeg(200, 150, 3)
    rows = [["0", "前"], ["1", d.Cell("很多照片", photos=[photo] * 80)], ["2", "后"]]
    table = d.Table([d.Column("序号", 0.3), d.Column("内容")], rows, caption="表 2 照片")
    text = pages(render_pdf(d.Document("t", "zh", "now", sections=[d.Section("s", [table])])))
    assert len(text) >= 2
    assert [page.count("表 2 照片") for page in text] == [1] * len(text)


def test_an_english_report_numbers_its_pages_in_english():
    text = pages(render_pdf(report("en")))
    assert len(text) >= 3
    for number, page in enumerate(text, start=1):
        assert f"Page {number} of {len(text)}" in page
        assert "Made 2024-05-02 08:05" in page
    whole = "\n".join(text)
    for symbol, _, word in STATUSES.values():
        assert re.search(rf"{re.escape(symbol)}\s*{word}\b", whole), word
    assert "(none)" in whole


def test_every_font_is_embedded_and_none_is_a_base_14_font():
    pdf = render_pdf(
        d.Document(
            "字体 fonts",
            "en",
            "now",
            facts=[("a", "b")],
            sections=[
                d.Section("s", [d.Paragraph("p"), patrol_table("en", 3, 1), generator_chart()]),
                d.Section(
                    "f", [d.Figure(jpeg(300, 200, 1), "photo"), d.Table([d.Column("x")], [])]
                ),
            ],
        )
    )
    for current in (pdf, zh_pdf()):
        rows = font_rows(current)
        assert rows
        for row in rows:
            assert row[-5] == "yes", row  # the emb column
            assert not BASE_14.search(row[0]), row


def test_a_chart_is_svg_with_its_limits_and_in_the_pdf_with_its_title():
    svg = chart_svg(generator_chart())
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = {element.text for element in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"1号发电机 冷却水温度", "报警上限 85", "预警上限 75", "正常下限 50", "05-15"} <= texts
    assert "Helvetica" not in svg
    whole = "\n".join(pages(zh_pdf()))
    assert "1号发电机 冷却水温度" in whole and "报警上限 85" in whole and "图 1 冷却水温度" in whole


def test_the_same_document_gives_the_same_bytes():
    assert render_pdf(report("zh")) == zh_pdf()


def test_a_large_photo_is_scaled_down_before_it_is_embedded():
    photo = jpeg(3000, 2000, 7)
    pdf = render_pdf(
        d.Document(
            "照片",
            "zh",
            "2024-05-02 08:05",
            sections=[
                d.Section(
                    "现场",
                    [
                        d.Figure(photo, "配电房"),
                        d.Table([d.Column("照片")], [[d.Cell("缩略图", photos=[photo])]]),
                    ],
                )
            ],
        )
    )
    assert len(pdf) < 3000 * 2000 * 3
    images = [line.split() for line in run("pdfimages", pdf, "-list").splitlines()[2:]]
    long_sides = sorted(max(int(row[3]), int(row[4])) for row in images)  # width, height
    assert long_sides == [THUMB_PX, PHOTO_PX]


def test_a_photo_taken_sideways_is_turned_upright():
    image = Image.new("RGB", (300, 200), "grey")
    exif = image.getexif()
    exif[0x0112] = 6  # rotated 90° clockwise
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    picture = prepare(out.getvalue(), THUMB_PX)
    assert picture is not None and (picture.width, picture.height) == (200, 300)


def test_an_unreadable_photo_prints_as_a_box_and_the_report_still_renders():
    assert prepare(b"not an image", THUMB_PX) is None
    table = d.Table([d.Column("照片")], [[d.Cell("坏照片", photos=[b"not an image"])]])
    text = "\n".join(
        pages(render_pdf(d.Document("t", "zh", "now", sections=[d.Section("s", [table])])))
    )
    assert "坏照片" in text


def test_a_row_must_have_a_cell_for_every_column():
    with pytest.raises(ValueError, match="row 1 has 1 cells for 2 columns"):
        d.Table([d.Column("a"), d.Column("b")], [["only one"]])
