"""A supervisory audit's report end to end: asked for through the API, made by the worker's
step, fetched as a PDF that says the score and grade in words and lists the items that cost
points first, each with the points it lost and the requirements found missing."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from server.domain.inspection.starters import SUPERVISORY_AUDIT
from server.domain.models import InspectionRecord, Organization
from server.reports import making
from tests.inspection.plant import MORNING, Plant, build_plant, weekly
from tests.reports.poppler import NEEDS_POPPLER, pages, run

pytestmark = NEEDS_POPPLER
LOOK = Path(__file__).parents[1] / "web" / "screenshots"
ITEMS = [i["key"] for s in SUPERVISORY_AUDIT["definition"]["sections"] for i in s["items"]]
# 21 points off: 79 fails. Requests lose the most, then three items 4 each, then team 1.
TAKEN = {
    "requests": {"1": 2, "2": 2, "3": 2, "4": 2},
    "rules": {"1": 2, "2": 2},
    "keys": {"1": 2, "2": 2},
    "plans": {"1": 2, "2": 2},
    "team": {"1": 1},
}


def audit(taken: dict) -> dict:
    """Every item assessed; `taken` maps item key to {requirement: points taken}."""
    return {key: {"missing": taken.get(key, {})} for key in ITEMS}


@pytest.fixture
def plant(client, make) -> Plant:
    return build_plant(client, make)


def ask(plant: Plant, **body):
    answer = plant.client.post(
        "/api/v1/reports",
        json={"site_id": plant.site.id, "kind": "audit", **body},
        headers=plant.supervisor,
    )
    return answer.status_code, answer.get_json()


def made(app, db, plant: Plant, record_id: int, **body) -> tuple[dict, bytes]:
    status, asked = ask(plant, record_id=record_id, **body)
    assert status == 202, asked
    assert asked["subject"] == f"record:{record_id}"
    now = MORNING + timedelta(hours=2)
    assert making.make(db, app.extensions["vigil"].blobs, now) == 1
    headers = plant.supervisor
    report = plant.client.get(f"/api/v1/reports/{asked['id']}", headers=headers).get_json()
    answer = plant.client.get(f"/api/v1/reports/{asked['id']}/file", headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    return report, answer.get_data()


def test_the_score_and_grade_in_words_and_the_costly_items_first(app, db, plant):
    note = "前台交接记录不全，已要求当班补记"
    submitted = plant.submit("supervisory_audit", MORNING, audit(TAKEN), note=note)
    assert submitted.status_code == 201, submitted.json
    record = db.get(InspectionRecord, submitted.json["id"])
    assert (record.score, record.grade) == (79, "fail")
    report, data = made(app, db, plant, record.id)
    LOOK.mkdir(exist_ok=True)
    (LOOK / "report-audit-zh.pdf").write_bytes(data)
    text = "\f".join(pages(data))
    # The score and its grade, in the project's words (scoring.GRADES), before anything else.
    assert "得分 79 · 不及格" in text and "湖畔花园 客户服务督导评分" in text
    assert "79 分及以下不及格" in text
    # The deductions first, costliest first, each with its points; then every item.
    costly, _, every = text.partition("全部评分项")
    lost = re.findall(r"^(\S+)\s+扣\s*(\d+)\s*分\s+(\d+)\s*/\s*(\d+)", costly, re.MULTILINE)
    assert lost == [
        ("客户需求信息受理", "8", "2", "10"),
        ("制度建设", "4", "1", "5"),
        ("方案管理", "4", "1", "5"),
        ("钥匙管理", "4", "1", "5"),
        ("团队建设", "1", "4", "5"),
    ]
    assert "客户需求信息及时登记（扣 2 分）" in costly
    assert "扣分项" in costly and "5 项扣分，共扣 21 分" in costly
    assert "客户满意度管理" in every and "突发应急事件处理" in every  # untouched items too
    assert note in "".join(text.split())
    assert report["figures"] == {"score_tenths": 790, "items": 19, "items_deducted": 5}
    for line in run("pdffonts", data).splitlines()[2:]:
        assert " yes " in line and "Helvetica" not in line, line


def test_in_english_the_grade_is_said_in_english(app, db, plant):
    taken = {"requests": {"1": 1.5}}
    record = plant.submit("supervisory_audit", MORNING, audit(taken)).json
    _, data = made(app, db, plant, record["id"], language="en")
    text = "\f".join(pages(data))
    assert "Score 98.5 · excellent" in text and "Requests logged promptly (−1.5)" in text


def test_only_a_scored_record_of_the_site_has_an_audit_report(db, make, plant):
    weekly_record = plant.submit("generator_weekly", MORNING, weekly()).json
    partial = audit({})
    del partial["keys"]
    unscored = plant.submit("supervisory_audit", MORNING, partial).json
    assert unscored["score"] is None
    # A scored audit of another site of the same company.
    stranger = plant.submit("supervisory_audit", MORNING, audit(TAKEN)).json["id"]
    elsewhere = make.site(db.get(Organization, plant.site.org_id), name="望江苑")
    db.get(InspectionRecord, stranger).site_id = elsewhere.id
    db.flush()
    for record_id in (weekly_record["id"], unscored["id"], stranger, 10**9):
        status, answer = ask(plant, record_id=record_id)
        assert status == 422 and list(answer["errors"]) == ["record_id"], answer
    status, answer = ask(plant)
    assert status == 422 and list(answer["errors"]) == ["record_id"]
