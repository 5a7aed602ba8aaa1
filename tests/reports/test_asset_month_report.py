"""An asset's monthly inspection report end to end: a generator's November at 湖畔花园, asked
for through the API, made by the worker's step, fetched as a PDF whose readings, statuses,
limits and findings are the database's; the month is the site's local month."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.clock import set_clock
from server.domain.models import Organization, Reading
from server.reports import making
from tests.inspection.plant import Plant, build_plant, weekly
from tests.reports.poppler import NEEDS_POPPLER, pages, run

pytestmark = NEEDS_POPPLER
LOOK = Path(__file__).parents[1] / "web" / "screenshots"
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = timedelta(days=1)
MONTH_END = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 00:00 on 1 December in Shanghai
# The starter form's battery limits: normal 13.2 to 13.8 V, warning 12 to 15, critical to 16.
BATTERY = [13.5, 13.4, 13.9, 15.4, 15.3, 13.5, 13.6, 13.4, 13.5, 13.6]
RECTIFIED = "更换充电器稳压模块"
NOTIFIED = "已通知维保单位"


def shanghai(day: int, hhmm: str = "09:00", month: int = 11) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, month, day, hours, minutes, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def november(db, client, make) -> Plant:
    """The generator inspected every third day of November (local), the battery over its
    warning limit on the 10th and 13th, the finding acknowledged and rectified; one record just
    before the month and one just after it, which must stay out."""
    plant = build_plant(client, make)
    boss = make.user(db.get(Organization, plant.site.org_id), Role.SUPERVISOR, [plant.site],
                     name="王主管")  # fmt: skip
    headers = {"Authorization": f"Bearer {make.token(boss, timedelta(days=400))}"}
    plant.submit("generator_weekly", shanghai(31, "23:00", month=10), weekly(battery_v=13.3))
    for n, volts in enumerate(BATTERY):
        at = shanghai(1 + 3 * n, "00:30" if n == 0 else "09:00")
        values = weekly(battery_v=volts, run_hours=1201.0 + n, fuel_pct=92 - n)
        assert plant.submit("generator_weekly", at, values).status_code == 201
        if n == 3:
            _handle(plant, headers, "acknowledge", at + timedelta(hours=2), NOTIFIED)
        if n == 5:  # back within limits: the loop closes with what was done
            _handle(plant, headers, "resolve", at + timedelta(hours=3), RECTIFIED)
    after = shanghai(1, "00:30", month=12)
    plant.submit("generator_weekly", after, weekly(battery_v=13.7, run_hours=1211.0))
    return plant


def _handle(plant: Plant, headers: dict, action: str, at: datetime, note: str) -> None:
    """The battery's finding acknowledged or resolved by 王主管 at `at`."""
    set_clock(lambda: at)
    (alert,) = [a for a in plant.alerts() if a["state"] != "resolved"]
    done = plant.client.post(
        f"/api/v1/alerts/{alert['id']}/{action}", json={"note": note}, headers=headers
    )
    assert done.status_code == 200, done.json


def ask(plant: Plant, **body):
    answer = plant.client.post(
        "/api/v1/reports",
        json={"site_id": plant.site.id, "kind": "asset_month", **body},
        headers=plant.supervisor,
    )
    return answer.status_code, answer.get_json()


def made(app, db, plant: Plant, **body) -> tuple[dict, bytes]:
    """The report asked for, made by the worker on 1 December, and its file."""
    status, asked = ask(plant, asset_id=plant.generator.id, month="2026-11", **body)
    assert status == 202, asked
    now = MONTH_END + timedelta(hours=2)
    set_clock(lambda: now)
    assert making.make(db, app.extensions["vigil"].blobs, now) == 1
    headers = plant.supervisor
    report = plant.client.get(f"/api/v1/reports/{asked['id']}", headers=headers).get_json()
    answer = plant.client.get(f"/api/v1/reports/{asked['id']}/file", headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    return report, answer.get_data()


def expected_rows(db, plant: Plant) -> list[tuple[str, str, str]]:
    """(local time, value with unit, status) of each reading of the month, in the report's
    order: item by item in the form's order, then by time."""
    units = {"battery_v": (1, "V"), "fuel_pct": (0, "%"), "run_hours": (1, "h")}
    found = db.scalars(
        select(Reading)
        .where(
            Reading.asset_id == plant.generator.id,
            Reading.at >= shanghai(1, "00:00"),
            Reading.at < MONTH_END,
        )
        .order_by(Reading.at)
    ).all()
    rows = []
    for key, (decimals, unit) in units.items():
        for r in (r for r in found if r.item_key == key):
            status = "▲ 异常" if r.level in ("warning", "critical") else "✔ 正常"
            local = r.at.astimezone(SHANGHAI)
            rows.append((f"{local:%m-%d %H:%M}", f"{r.value:.{decimals}f} {unit}", status))
    return rows


ROW = re.compile(r"(\d\d-\d\d \d\d:\d\d)\s+(\d+(?:\.\d+)? (?:V|%|h))\s+(✔|▲)\s*(正常|异常)")


def test_the_months_readings_limits_and_findings_are_the_databases(app, db, november):
    report, data = made(app, db, november)
    LOOK.mkdir(exist_ok=True)
    (LOOK / "report-asset-month-zh.pdf").write_bytes(data)
    text = "\f".join(pages(data))
    assert "1号发电机" in text and "2026-11 月度巡检报告" in text and "湖畔花园" in text
    # Every reading of the local month, value and status as the database has them; the
    # records of 31 October 23:00 and 1 December 00:30 (local) are not.
    rows = [(when, value, f"{mark} {word}") for when, value, mark, word in ROW.findall(text)]
    expected = expected_rows(db, november)
    assert len(expected) == 3 * len(BATTERY)
    assert rows == expected
    assert sum(status == "▲ 异常" for _, _, status in rows) == 2
    assert "10-31 23:00" not in text and "12-01 00:30" not in text
    assert report["figures"] == {
        "inspections": 10,
        "readings": 30,
        "abnormal_readings": 2,
        "findings_raised": 1,
        "findings_resolved": 1,
    }
    # The limits, drawn as labelled lines and said beside each abnormal reading.
    for label in ("正常下限 13.2 V", "正常上限 13.8 V", "警告上限 15 V", "严重上限 16 V"):
        assert label in text, label
    assert text.count("高于警告上限 15 V") == 2 and "高于正常上限 13.8 V" in text
    # The finding, who handled it and the rectification, as written.
    flat = "".join(run("pdftotext", data).split())
    assert "发现问题与整改" in text and "发现1项，已整改1项" in flat
    assert f"已确认王主管:{NOTIFIED}" in flat and f"已处理王主管:{RECTIFIED}" in flat
    for line in run("pdffonts", data).splitlines()[2:]:
        assert " yes " in line and "Helvetica" not in line, line


def test_the_charts_are_vector_drawings(app, db, november):
    _, data = made(app, db, november)
    assert run("pdfimages", data, "-list").splitlines()[2:] == []  # no picture of a chart


def test_in_english_the_same_month_is_another_report(app, db, november):
    _, data = made(app, db, november, language="en")
    LOOK.mkdir(exist_ok=True)
    (LOOK / "report-asset-month-en.pdf").write_bytes(data)
    text = "\f".join(pages(data))
    assert "Monthly inspection report: 1号发电机 Generator G1, 2026-11" in text
    assert "warning high 15 V" in text and "▲ abnormal" in text


@pytest.mark.parametrize(
    "body,field",
    [
        ({"month": "2026-11"}, "asset_id"),
        ({"month": "2026-13"}, "month"),
        ({}, "month"),
    ],
)
def test_an_ask_without_an_asset_or_month_is_refused(november, body, field):
    if field == "month":
        body = {**body, "asset_id": november.generator.id}
    status, answer = ask(november, **body)
    assert status == 422 and field in answer["errors"], answer


def test_an_asset_of_another_site_or_tenant_is_unknown(db, make, november):
    org = db.get(Organization, november.site.org_id)
    elsewhere = make.asset(make.site(org, name="望江苑"), name="2号发电机")
    stranger = make.asset(make.site(make.org(), name="别家小区"), name="3号发电机")
    for asset in (elsewhere, stranger):
        status, answer = ask(november, asset_id=asset.id, month="2026-11")
        assert status == 422 and answer["errors"] == {"asset_id": ["unknown asset"]}
