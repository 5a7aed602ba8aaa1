"""The compliance report end to end: asked for through the API over local days, made by the
worker's step as PDF, workbook and CSV, each saying what the compliance summary (the console's
figures) says for the same period; voluntary rounds apart; amended when a round is judged again.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from server.domain.actor import Actor, Role
from server.domain.clock import set_clock
from server.domain.models import Report, RoundStatus
from server.domain.patrol import compliance
from server.domain.reports import compliance as gathering
from server.http.acting import acting_as
from server.reports import compliance as laying_out
from server.reports import making
from tests.reports.poppler import NEEDS_POPPLER, pages

# What the suite made, for people to look at (git ignores it), beside the console's screenshots.
LOOK = Path(__file__).parents[1] / "web" / "screenshots"
# 2026-11-01 to 2026-11-03 at 湖畔花园 (Shanghai, UTC+8): from 16:00 UTC on 31 October.
SINCE = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
UNTIL = datetime(2026, 11, 3, 16, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 5, 1, 0, tzinfo=UTC)
ASK = {"kind": "compliance", "since": "2026-11-01", "until": "2026-11-03"}


def local(day: int, hhmm: str) -> datetime:
    """A Shanghai wall time in November 2026 (day 0 is 31 October), as an instant."""
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 11, 1, hours, minutes, tzinfo=UTC) + timedelta(days=day - 1, hours=-8)


@dataclass
class Estate:
    """The site, the supervisor who asks for its reports, its rounds by a name."""

    site: Any
    boss: Any
    rounds: dict[str, Any]


def _round(make, schedule, stops: list[tuple[Any, str]], due: datetime, status: str, **kw):
    """A judged round: each stop (checkpoint, what became of it), as the judge writes them."""
    found = make.round(schedule, due_at=due, status=RoundStatus(status), **kw)
    found.expected = [
        {"position": n, "checkpoint_id": c.id, "name": c.name}
        for n, (c, _) in enumerate(stops, start=1)
    ]
    found.stops = [
        {"position": n, "checkpoint_id": c.id, "name": c.name, "status": word, "optional": False,
         "event_id": None if word == "missed" else n}
        for n, (c, word) in enumerate(stops, start=1)
    ] if status != "missed" else []  # fmt: skip
    found.evaluated_at, found.settled = due + timedelta(hours=2), True
    return found


@pytest.fixture
def estate(db, make) -> Estate:
    """Three days of rounds on two routes, by two guards and a team; one voluntary round."""
    set_clock(lambda: NOW)
    org = make.org()
    site = make.site(org, name="湖畔花园")
    gate, garage, plant, south_gate = (
        make.checkpoint(site, name=n) for n in ("北门岗亭", "地下车库B1", "配电房", "南门")
    )
    north = make.route([gate, garage, plant], name="北区夜巡")
    south = make.route([south_gate, plant], name="南区日巡")
    zhang = make.user(org, name="张伟", sites=[site])
    li = make.user(org, name="李娜", sites=[site])
    by_zhang = make.schedule(north, assignee_id=zhang.id)
    by_li = make.schedule(south, assignee_id=li.id, start_local="2026-01-01T09:00")
    by_team = make.schedule(south, team="保安一队", start_local="2026-01-01T09:00")
    night = [gate, garage, plant]
    z = {"assignee_id": zhang.id}
    walked = [(gate, "on_time"), (garage, "on_time"), (plant, "on_time")]
    rounds = {
        "before": _round(make, by_zhang, [(c, "missed") for c in night], local(0, "23:50"),
                         "missed", **z),
        "n1": _round(make, by_zhang, walked, local(1, "22:00"), "completed", **z),
        "n2": _round(make, by_zhang, [(gate, "on_time"), (garage, "missed"), (plant, "late")],
                     local(2, "22:00"), "incomplete", late_start=True, **z),
        "last": _round(make, by_zhang, [(c, "missed") for c in night], local(3, "23:30"),
                       "missed", **z),
        "after": _round(make, by_zhang, walked, local(4, "00:10"), "completed", **z),
        "s1": _round(make, by_li, [(south_gate, "late"), (plant, "on_time")], local(1, "09:00"),
                     "completed", late_start=True, assignee_id=li.id),
        "s2": _round(make, by_li, [(south_gate, "missed"), (plant, "missed")], local(2, "09:00"),
                     "missed", assignee_id=li.id),
        "s3": _round(make, by_team, [(south_gate, "incomplete_task"), (plant, "on_time")],
                     local(3, "09:00"), "completed", team="保安一队"),
    }  # fmt: skip
    # 张伟 walked 北区夜巡 once more by choice: in no figure.
    extra = _round(make, by_zhang, walked, local(2, "03:00"), "completed", voluntary=True, **z)
    extra.schedule_id = None
    boss = make.user(org, Role.SUPERVISOR, [site], name="物业经理")
    db.flush()
    return Estate(site, boss, rounds)


@pytest.fixture
def ask(client, make, estate: Estate):
    """POST /api/v1/reports as the site's supervisor; (status, body)."""
    headers = {"Authorization": f"Bearer {make.token(estate.boss, timedelta(days=3))}"}

    def run(**extra):
        asked = {"site_id": estate.site.id, **ASK, **extra}
        body = {name: value for name, value in asked.items() if value is not None}
        answer = client.post("/api/v1/reports", json=body, headers=headers)
        return answer.status_code, answer.get_json()

    run.headers = headers
    return run


def made(app, db, client, ask, at=NOW, **extra) -> tuple[dict[str, Any], bytes]:
    """The report asked for, made by the worker's step as of `at`: its row and its bytes."""
    status, asked = ask(**extra)
    assert status in (200, 202), asked
    set_clock(lambda: at)
    making.make(db, app.extensions["vigil"].blobs, at)
    row = client.get(f"/api/v1/reports/{asked['id']}", headers=ask.headers).get_json()
    answer = client.get(f"/api/v1/reports/{asked['id']}/file", headers=ask.headers)
    assert answer.status_code == 200, answer.get_json()
    return row, answer.get_data()


@pytest.fixture
def summary(db, client, ask, estate) -> dict[str, Any]:
    """compliance.summary for the report's period as the site's supervisor: what GET
    /api/v1/rounds/summary answers (checked here), with each checkpoint's figures besides."""
    site = estate.site
    period = {"since": SINCE, "until": UNTIL}
    with acting_as(Actor(estate.boss.id, site.org_id, Role.SUPERVISOR, frozenset({site.id}))):
        found = compliance.summary(db, {"site_id": site.id, **period})
    query = {"site_id": site.id, **{end: at.isoformat() for end, at in period.items()}}
    answer = client.get("/api/v1/rounds/summary", query_string=query, headers=ask.headers)
    assert answer.status_code == 200, answer.get_json()
    api = answer.get_json()
    for key in ("rounds", "by_status", "late_starts", "completed_pct", "by_guard", "by_route",
                "missed_checkpoints", "voluntary_rounds"):  # fmt: skip
        assert api[key] == found[key], key
    return found


def _figures(group: dict[str, Any]) -> list[Any]:
    """due, completed, late, incomplete, missed, rate: as the API gives a group."""
    by = group["by_status"]
    return [group["rounds"], by["completed"], group["late_starts"], by["incomplete"],
            by["missed"], group["completed_pct"]]  # fmt: skip


def test_the_period_is_the_sites_local_days_and_voluntary_rounds_are_apart(summary):
    # 23:30 on the last day is in; 00:10 the day after and 23:50 the day before are out.
    assert _figures(summary) == [6, 3, 2, 1, 2, 50.0]
    assert summary["voluntary_rounds"] == 1


@NEEDS_POPPLER
def test_the_pdf_says_what_the_summary_says(app, db, client, ask, summary, estate):
    row, data = made(app, db, client, ask)
    assert (row["since"], row["until"]) == (SINCE.isoformat(), UNTIL.isoformat())
    assert row["subject"] == "2026-11-01..2026-11-03" and row["format"] == "pdf"
    assert row["figures"]["rounds"] == 6 and row["figures"]["voluntary_rounds"] == 1
    LOOK.mkdir(exist_ok=True)
    (LOOK / "report-compliance-zh.pdf").write_bytes(data)
    text = "\f".join(pages(data))
    for words in ("湖畔花园 巡更合规报告", "2026-11-01 至 2026-11-03", "北区夜巡", "南区日巡",
                  "张伟", "李娜", "北门岗亭", "地下车库B1", "配电房", "南门", "✘ 漏巡",
                  "◐ 未完成", "完成率", "50.0%（完成 3 / 已结束 6）", "1 轮（另计）",
                  "应巡 6 轮：完成 3，迟开始 2，未完成 1，"):  # fmt: skip
        assert words in text, words
    lines = text.splitlines()
    totals = {
        name: _after(line, name)[:1] for line in lines for name in TOTALS if _after(line, name)
    }
    by = summary["by_status"]
    assert totals == {
        "✔ 完成": [str(by["completed"])],
        "! 迟到": [str(summary["late_starts"])],
        "◐ 未完成": [str(by["incomplete"])],
        "✘ 漏巡": [str(by["missed"])],
        "… 未判定": [str(by["scheduled"] + by["in_progress"])],
        "应巡合计": [str(summary["rounds"])],
    }
    for group in summary["by_route"] + summary["by_guard"]:
        name = group["name"] or "（未指派到人：班组）"
        due, completed, late, incomplete, missed, rate = _figures(group)
        assert [str(n) for n in (due, completed, late, incomplete, missed)] + [f"{rate}%"] in [
            _after(line, name)[:6] for line in lines
        ], name
    for checkpoint in summary["by_checkpoint"]:
        numbers = [str(checkpoint[k]) for k in ("due", "scanned", "late", "incomplete_task",
                                                "missed", "skipped")]  # fmt: skip
        assert numbers in [_after(line, checkpoint["name"])[:6] for line in lines], checkpoint


TOTALS = ("✔ 完成", "! 迟到", "◐ 未完成", "✘ 漏巡", "… 未判定", "应巡合计")


def _after(line: str, name: str) -> list[str]:
    """The words of a table line that begins with name, after it."""
    stripped = line.strip()
    return stripped[len(name) :].split() if stripped.startswith(name + " ") else []


@NEEDS_POPPLER
def test_the_pdf_in_english(app, db, client, ask):
    _, data = made(app, db, client, ask, language="en")
    LOOK.mkdir(exist_ok=True)
    (LOOK / "report-compliance-en.pdf").write_bytes(data)
    text = "\f".join(pages(data))
    for words in ("Patrol compliance: 湖畔花园", "6 due: 3 completed (2 late start)",
                  "50.0% (3 of 6 over)", "1 (counted apart)", "✘ missed", "Page 1 of"):  # fmt: skip
        assert words in text, words


def test_the_workbook_holds_the_summarys_figures_as_numbers(app, db, client, ask, summary):
    row, data = made(app, db, client, ask, format="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["概要", "汇总", "按路线", "按巡更员", "按点位", "漏巡最多的点位"]
    for sheet in book:
        assert sheet.freeze_panes == "A2" and all(c.font.b for c in sheet[1])
    facts = {r[0]: r[1] for r in book["概要"].iter_rows(min_row=2, values_only=True)}
    assert facts["项目名称"] == "湖畔花园" and facts["应巡轮数"] == 6
    assert facts["生成时间"] == "2026-11-05 09:00 +08:00" and facts["自主巡更（另计）"] == 1
    routes = list(book["按路线"].iter_rows(min_row=2, values_only=True))
    assert [[r[0], *r[1:7]] for r in routes] == [
        [g["name"], *_figures(g)] for g in summary["by_route"]
    ]
    assert all(type(n) is int for r in routes for n in r[1:6])
    guards = list(book["按巡更员"].iter_rows(min_row=2, values_only=True))
    assert [r[1:7] for r in guards] == [tuple(_figures(g)) for g in summary["by_guard"]]
    assert [r[0] for r in guards] == ["张伟", "李娜", "（未指派到人：班组）"]
    keys = ("due", "scanned", "late", "incomplete_task", "missed", "skipped")
    points = list(book["按点位"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], *r[1:7]) for r in points] == [
        (c["name"], *(c[k] for k in keys)) for c in summary["by_checkpoint"]
    ]
    most = list(book["漏巡最多的点位"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2]) for r in most] == [
        (c["name"], c["missed"]) for c in summary["missed_checkpoints"]
    ]
    # The same report made at the same time is the same bytes: the stored file is them.
    stamps = {entry.date_time for entry in zipfile.ZipFile(io.BytesIO(data)).infolist()}
    assert stamps == {(2026, 11, 5, 1, 0, 0)}
    report = db.get(Report, row["id"])
    gathered = gathering.gather(db, report)
    assert laying_out.xlsx(gathered, NOW) == data


def test_the_csv_is_one_flat_table_excel_reads_as_utf8(app, db, client, ask, summary):
    _, data = made(app, db, client, ask, format="csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == [*laying_out.CSV_COLUMNS, "filter"]

    def numbers(row: dict[str, str]) -> list[Any]:
        counts = [int(row[k]) for k in ("due", "completed", "late", "incomplete", "missed")]
        return [*counts, float(row["rate"]) if row["rate"] else None]

    by_section: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_section.setdefault(row["section"], []).append(row)
    assert [numbers(r) for r in by_section["total"]] == [_figures(summary)]
    for section, groups, key in (
        ("route", summary["by_route"], "route_id"),
        ("guard", summary["by_guard"], "assignee_id"),
    ):
        assert [numbers(r) for r in by_section[section]] == [_figures(g) for g in groups]
        ids = [g.get("route_id", g.get("user_id")) for g in groups]
        assert [r["filter"] for r in by_section[section]] == [
            f"{key}={i}" if i else "" for i in ids
        ]
    assert [
        (r["name"], int(r["completed"]), int(r["missed"])) for r in by_section["checkpoint"]
    ] == [(c["name"], c["scanned"], c["missed"]) for c in summary["by_checkpoint"]]
    assert [(r["due"], r["filter"]) for r in by_section["voluntary"]] == [("1", "voluntary=true")]


@pytest.mark.parametrize(
    ("since", "until", "status", "errors"),
    [
        ("2026-11-01", "2027-02-01", 422, {"until": ["within 92 days of since, both included"]}),
        ("2026-11-01", "2027-01-31", 202, None),  # 92 days
        ("2026-11-03", "2026-11-01", 422, {"until": ["on or after since"]}),
        (
            "2026-11-01",
            None,
            422,
            {"until": ["the first (since) and last (until) local day, as 2026-11-01"]},
        ),
    ],
)
def test_a_period_is_one_to_92_local_days(ask, since, until, status, errors):
    answer, body = ask(since=since, until=until)  # None: left out
    assert answer == status, body
    if errors:
        assert body["errors"] == errors


def test_a_round_judged_again_makes_an_amended_version(app, db, client, ask, estate):
    first, _ = made(app, db, client, ask, format="csv")
    # The last night's handheld syncs late: the missed round was walked after all.
    last = estate.rounds["last"]
    last.status, last.stops = (
        RoundStatus.COMPLETED,
        [{**stop, "status": "on_time", "event_id": 1} for stop in last.expected],
    )
    last.evaluated_at = NOW + timedelta(hours=1)
    db.flush()
    later = NOW + timedelta(hours=2)
    set_clock(lambda: later)
    assert making.make(db, app.extensions["vigil"].blobs, later) == 1
    versions = client.get(f"/api/v1/reports/{first['id']}/versions", headers=ask.headers)
    second, original = versions.get_json()
    assert (second["version"], original["id"]) == (2, first["id"])
    assert "rounds_missed: 2 → 1" in second["changes"]
