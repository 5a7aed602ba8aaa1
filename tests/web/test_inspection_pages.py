"""The inspections pages through a signed-in test client: what a supervisor reads on them."""

import re

import pytest
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.inspection import intake, overdue
from server.domain.inspection.intake import Submission
from server.domain.models import TemplateVersion
from server.http.acting import acting_as
from server.worker import EVALUATOR
from tests.inspection.review_kit import DAY, build, values


def rows(page: str) -> list[str]:
    """The rows of the page's list of records."""
    table = re.search(r'<table class="records">.*?<tbody>(.*?)</tbody>', page, re.S)
    return re.findall(r"<tr>.*?</tr>", table.group(1), re.S) if table else []


@pytest.fixture
def kit(make, db, org, site):
    return build(make, db, org, site, name="<script>alert(1)</script> 1号发电机")


@pytest.fixture
def boss(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


def test_the_list_shows_records_with_their_findings_in_words(kit, boss, make, org, site):
    engineer = make.user(org, Role.ENGINEER, [site], name="陈工 <i>Chen</i>")
    kit.record(utcnow() - 2 * DAY, user_id=engineer.id)
    kit.record(utcnow() - DAY, values(battery_v=11.8, no_leaks=False), user_id=engineer.id)
    page = boss.get(f"/console/inspections?site_id={site.id}")
    assert page.status_code == 200
    assert "Recent records" in page.text and "(2)" in page.text
    assert "Battery voltage out of limits" in page.text
    assert "Failed: No leaks" in page.text
    assert "陈工 &lt;i&gt;Chen&lt;/i&gt;" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 1号发电机" in page.text
    assert "<script>alert(1)" not in page.text
    abnormal = boss.get(f"/console/inspections?site_id={site.id}&status=abnormal").text
    assert len(rows(abnormal)) == 1 and "Battery voltage out of limits" in rows(abnormal)[0]
    assert boss.get("/console/inspections?status=broken").status_code == 422
    assert boss.get("/console/inspections?page=0").status_code == 422


def test_the_list_shows_overdue_inspections_from_their_alerts(kit, boss, make, db):
    kit.record(utcnow() - 10 * DAY)
    make.inspection_schedule(kit.generator, kit.template, max_days=7)
    with acting_as(EVALUATOR):
        overdue.check(db, utcnow())
    page = boss.get("/console/inspections").text
    assert "Overdue inspections" in page and "No inspection is overdue." not in page
    assert re.search(r'href="/console/alerts/\d+"', page)
    assert "overdue by 3 days" in page


def test_a_record_shows_each_reading_against_its_limits_with_its_level_in_words(
    kit, boss, make, org, site, app
):
    device = make.device(org, [site], label="HT-0009")
    photo = make.photo(device, site, app.extensions["vigil"].blobs)
    record = kit.record(
        utcnow() - DAY,
        values(battery_v=11.8, mode="off", notes="<b>fan</b> 风扇"),
        photos={"panel": [photo]},
        device_id=device.id,
    )
    page = boss.get(f"/console/inspections/{record.id}")
    assert page.status_code == 200
    row = re.search(r"<tr class=\"lvl-row-warning\">.*?</tr>", page.text, re.S).group(0)
    assert "Battery voltage" in row and "11.8 V" in row and "Warning" in row
    assert "below 12 V or above 15 V" in row and "above 16 V" in row and "13.2 – 13.8 V" in row
    assert "Handheld HT-0009" in page.text
    assert "&lt;b&gt;fan&lt;/b&gt; 风扇" in page.text
    thumbnail = f"/console/photos/{photo}/thumbnail.jpg"
    assert f'<a href="/console/photos/{photo}/display.jpg"><img src="{thumbnail}"' in page.text
    alerts = re.findall(r'href="/console/alerts/(\d+)"', page.text)
    assert len(alerts) == 2  # the battery and the mode left off
    assert "Battery voltage 11.8 V, below the warning limit 12 V" in page.text
    chinese = boss.get(f"/console/inspections/{record.id}", headers={"Accept-Language": "zh"})
    assert "电瓶电压" in chinese.text and "警告" in chinese.text


def test_another_tenants_or_sites_record_and_asset_are_not_found(kit, make, org, site, console_as):
    record = kit.record(utcnow() - DAY)
    stranger_org = make.org()
    stranger_site = make.site(stranger_org)
    stranger = console_as(make.user(stranger_org, Role.SUPERVISOR, [stranger_site]))
    elsewhere = make.site(org, name="Elsewhere")
    neighbour = console_as(make.user(org, Role.SUPERVISOR, [elsewhere]))
    for client in (stranger, neighbour):
        assert client.get(f"/console/inspections/{record.id}").status_code == 404
        assert client.get(f"/console/inspections/assets/{kit.generator.id}").status_code == 404
    guard = console_as(make.user(org, Role.GUARD, [site]))
    assert guard.get(f"/console/inspections/{record.id}").status_code == 403


def test_an_assets_page_draws_a_chart_per_item_with_its_bands(kit, boss):
    now = utcnow()
    for n in range(12):
        kit.record(now - (n + 1) * DAY, values(battery_v=11.8 if n == 1 else 13.5))
    kit.record(now - 45 * DAY)
    page = boss.get(f"/console/inspections/assets/{kit.generator.id}")
    assert page.status_code == 200
    battery = re.search(r'<svg class="trend" id="chart-battery_v".*?</svg>', page.text, re.S)
    assert battery, page.text
    svg = battery.group(0)
    (points,) = re.findall(r'<polyline class="readings" points="([^"]*)"', svg)
    assert len(points.split()) == 12  # the 45-day-old record is outside 30 days
    assert svg.count('class="band band-warning"') == 2 and 'class="band band-critical"' in svg
    assert svg.count('<g class="point-warning">') == 1
    assert re.search(r'<a href="/console/alerts/\d+" aria-label="Alert: ', svg)
    assert "<script" not in page.text.split("</head>")[1]  # the asset's name is text
    assert '<title id="chart-battery_v-title">Battery voltage over the last 30 days</title>' in svg
    assert 'class="visually-hidden"' in page.text  # the table for screen readers
    year = boss.get(f"/console/inspections/assets/{kit.generator.id}?days=365").text
    (points,) = re.findall(r'id="chart-battery_v".*?<polyline class="readings" points="([^"]*)"',
                           year, re.S)  # fmt: skip
    assert len(points.split()) == 13


def test_an_asset_with_no_readings_in_the_period_says_so(kit, boss):
    kit.record(utcnow() - 20 * DAY)
    page = boss.get(f"/console/inspections/assets/{kit.generator.id}?days=7").text
    assert "No readings in the last 7 days" in page and "<polyline" not in page


def test_a_period_other_than_7_30_90_or_365_days_is_refused(kit, boss):
    for days in ("7", "30", "90", "365"):
        answer = boss.get(f"/console/inspections/assets/{kit.generator.id}?days={days}")
        assert answer.status_code == 200
    for days in ("12", "0", "abc", "-7"):
        answer = boss.get(f"/console/inspections/assets/{kit.generator.id}?days={days}")
        assert answer.status_code == 422, days
    twelve = boss.get(f"/console/inspections/assets/{kit.generator.id}?days=12")
    assert "days must be 7, 30, 90 or 365" in twelve.text


AUDIT = {
    "sections": [
        {
            "key": "service",
            "title": "Service",
            "items": [
                {"key": "uniform", "type": "audit", "label": {"en": "Uniform", "zh": "着装"},
                 "points": 10, "requirements": [{"en": "Clean", "zh": "整洁"}, "Badge worn"],
                 "deduction": [0.5, 3]},
                {"key": "desk", "type": "audit", "label": "Front desk", "points": 10,
                 "requirements": ["Log kept"], "deduction": [1, 3]},
            ],
        }
    ]
}  # fmt: skip


def test_an_audit_shows_its_score_grade_and_points_taken(boss, make, db, org, site):
    template = make.template(org, definition=AUDIT, name="Audit", name_zh="督导评分")
    version = db.scalar(select(TemplateVersion).where(TemplateVersion.template_id == template.id))
    given = {"uniform": {"missing": {"1": 3, "2": 3}}, "desk": {"missing": {"1": 2}}}
    sent = Submission(org.id, site.id, None, template, version, utcnow() - DAY, given, {})
    with acting_as(EVALUATOR):
        record = intake.take(db, sent)
    assert (record.score, record.grade) == (60.0, "fail")
    listed = boss.get("/console/inspections").text
    assert "Score 60.0: fail" in listed and "Audit failed" in listed and "Whole site" in listed
    page = boss.get(f"/console/inspections/{record.id}").text
    assert "Score 60.0: fail" in page
    assert re.search(r"Uniform</th>\s*<td[^>]*>4 of 10</td>", page)
    assert 'Clean <span class="bad">−3</span>' in page and "Badge worn" in page
    chinese = boss.get(f"/console/inspections/{record.id}", headers={"Accept-Language": "zh"})
    assert "得分 60.0：不及格" in chinese.text and "着装" in chinese.text
