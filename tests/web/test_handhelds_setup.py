"""The handheld pages as a test client sees them: the list with each handheld's last sync, clock
and app version, an enrollment code shown once as a QR code the reference client enrolls with,
revoking a code and a handheld, all audited; refusals, other sites and other tenants."""

import re
from datetime import timedelta
from html import unescape

import httpx
import pytest
from sqlalchemy import select

from device_protocol.client import Handheld, ProtocolError
from server.domain.actor import Role
from server.domain.clock import utcnow
from server.domain.models import AuditEvent, Device, EnrollmentCode
from server.domain.registry import enrollment
from tests.decoding import needs_cairo, needs_zbar, svg_image, zbar


@pytest.fixture
def console(console_as, make, org, site):
    """A supervisor of the site 湖畔花园."""
    return console_as(make.user(org, Role.SUPERVISOR, [site]))


@pytest.fixture
def http(app, db):
    """The handheld's way to the same app (requests join the test's transaction)."""
    with httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://vigil.test") as c:
        yield c


def shown_code(page: str) -> str:
    return unescape(re.search(r'id="enrollment-code">([^<]+)<', page).group(1))


def qr_svg(page: str) -> bytes:
    return re.search(r'<svg class="qr".*?</svg>', page, re.S).group(0).encode()


def test_the_list_shows_each_handhelds_last_sync_in_site_time_and_its_clock(
    console, make, org, site
):
    now = utcnow().replace(microsecond=0)
    synced = make.device(
        org, [site], label="巡更机 <b>7</b>", last_seen_at=now - timedelta(hours=3)
    )
    # Its latest event: the server placed it 7 minutes after the handheld's own clock said.
    make.event(synced, site, "scan", at=now - timedelta(hours=3, minutes=5))
    latest = make.event(synced, site, "scan", at=now - timedelta(hours=3))
    latest.device_time = latest.corrected_time - timedelta(minutes=7)
    fast = make.device(org, [site], last_seen_at=now)
    early = make.event(fast, site, "scan", at=now)
    early.device_time = early.corrected_time + timedelta(seconds=40)
    make.device(org, [site], serial="HT-NEW", label="新机")
    page = console.get(f"/console/handhelds?site_id={site.id}").text
    row = page.split(f'id="handheld-{synced.id}"')[1].split("</tr>")[0]
    assert "+08:00" in row and "3 hours ago" in row
    # Off by as much as the protocol flags on each event: marked, and said in words.
    assert '<span class="bad">⚠ 7 minutes behind</span>' in row
    fast_row = page.split(f'id="handheld-{fast.id}"')[1].split("</tr>")[0]
    assert ">40 seconds ahead</td>" in fast_row
    assert "巡更机 &lt;b&gt;7&lt;/b&gt;" in row and "<b>7</b>" not in row
    new_row = page.split("HT-NEW")[1].split("</tr>")[0]
    assert "Never synced" in new_row and "Not known yet" in new_row


def test_the_list_shows_the_app_version_each_handheld_last_stated(console, make, org, site, http):
    _, code = make.enrollment_code(site)
    stated = Handheld(http, sleep=lambda s: None, app_version="2.4.1")
    stated.enroll(code, "HT-APP", "巡更机 应用")
    stated.app_version = "2.5.0 <beta>"
    stated.shift("clock_in")
    assert len(stated.sync().accepted) == 1
    silent = make.device(org, [site], serial="HT-SILENT")
    page = console.get("/console/handhelds").text
    row = page.split("HT-APP")[1].split("</tr>")[0]
    assert '<td data-label="App version"><span class="mono">2.5.0 &lt;beta&gt;</span></td>' in row
    silent_row = page.split(f'id="handheld-{silent.id}"')[1].split("</tr>")[0]
    assert '<span class="muted">—</span><span class="visually-hidden"> not reported</span>' in (
        silent_row
    )
    chinese = console.get("/console/handhelds", headers={"Accept-Language": "zh"}).text
    assert '<th scope="col">应用版本</th>' in chinese and "未上报" in chinese


def test_an_enrollment_code_is_shown_once_as_text_and_a_qr_code_the_handheld_enrolls_with(
    console, site, http, db
):
    answer = console.post_form("/console/handhelds/codes", {"site_id": site.id, "ttl_minutes": 30})
    assert answer.status_code == 201
    assert answer.headers["Cache-Control"] == "no-store"
    page = answer.text
    code = shown_code(page)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    payload = enrollment.qr_payload(code)
    assert f"It holds {payload}" in page
    assert 'data-seconds-left="1799"' in page or 'data-seconds-left="1800"' in page
    # Only a hash of it is kept, so nothing can show it again.
    record = db.scalar(select(EnrollmentCode).where(EnrollmentCode.site_id == site.id))
    assert code.replace("-", "") not in record.code_hash
    again = console.get(f"/console/handhelds/codes/{record.id}").text
    assert code not in again and "cannot be shown again" in again
    audit = db.scalar(select(AuditEvent).where(AuditEvent.object_type == "enrollment_code"))
    assert audit.action == "create" and audit.object_id == record.id
    # What the QR code holds is what the reference client sends.
    enrolled = Handheld(http, sleep=lambda s: None).enroll(payload, "HT-QR-1", "巡更机 扫码")
    assert enrolled["site_ids"] == [site.id]
    state = console.get(f"/console/handhelds/codes/{record.id}", headers={"HX-Request": "true"})
    assert state.status_code == 200 and "Enrolled: 巡更机 扫码 (HT-QR-1)" in state.text
    listed = console.get("/console/handhelds").text
    assert "巡更机 扫码" in listed and "HT-QR-1" in listed
    assert f'id="code-{record.id}"' not in listed  # used: no longer open


@needs_zbar
@needs_cairo
def test_the_qr_code_on_the_page_reads_back_as_the_payload(console, site):
    page = console.post_form("/console/handhelds/codes", {"site_id": site.id}).text
    assert zbar(svg_image(qr_svg(page))) == [enrollment.qr_payload(shown_code(page))]


def test_while_nobody_has_used_the_code_the_page_asks_again_without_a_change(console, site, make):
    record, _ = make.enrollment_code(site)
    part = console.get(f"/console/handhelds/codes/{record.id}", headers={"HX-Request": "true"})
    assert part.status_code == 204


def test_an_expired_code_says_so_and_is_not_listed_as_open(console, site, make):
    record, _ = make.enrollment_code(site, expires_at=utcnow() - timedelta(minutes=1))
    part = console.get(f"/console/handhelds/codes/{record.id}", headers={"HX-Request": "true"})
    assert "This code has expired" in part.text
    assert f'id="code-{record.id}"' not in console.get("/console/handhelds").text


def test_revoking_a_code_stops_it_enrolling_anything(console, site, make, http, db):
    record, code = make.enrollment_code(site)
    assert f'id="code-{record.id}"' in console.get("/console/handhelds").text
    answer = console.post_form(f"/console/handhelds/codes/{record.id}/revoke")
    assert answer.status_code == 302 and "done=code_revoked" in answer.location
    with pytest.raises(ProtocolError) as refused:
        Handheld(http, sleep=lambda s: None).enroll(code, "HT-LATE")
    assert refused.value.status == 401
    audit = db.scalar(select(AuditEvent).where(AuditEvent.action == "revoke"))
    assert audit.object_id == record.id
    assert console.post_form(f"/console/handhelds/codes/{record.id}/revoke").status_code == 409


def test_revoking_a_handheld_stops_its_token_and_is_audited(console, org, site, make, client, db):
    device = make.device(org, [site], label="巡更机 9")
    headers = make.device_auth(device)
    assert client.get("/api/v1/device/config", headers=headers).status_code == 200
    page = console.get("/console/handhelds").text
    assert "Its token stops working at once" in page
    answer = console.post_form(f"/console/handhelds/{device.id}/revoke", {"site_id": site.id})
    assert answer.status_code == 302 and f"site_id={site.id}" in answer.location
    assert client.get("/api/v1/device/config", headers=headers).status_code == 401
    db.expire_all()
    assert db.get(Device, device.id).active is False
    audit = db.scalar(select(AuditEvent).where(AuditEvent.action == "deactivate"))
    assert audit.object_id == device.id and audit.changes["active"] == [True, False]
    row = console.get("/console/handhelds").text.split(f'id="handheld-{device.id}"')[1]
    assert "Revoked" in row.split("</tr>")[0]


def test_a_refused_code_keeps_the_form_and_says_why(console, make, org, site):
    elsewhere = make.site(org, name="别处")
    answer = console.post_form(
        "/console/handhelds/codes", {"site_id": elsewhere.id, "ttl_minutes": 240}
    )
    assert answer.status_code == 422
    assert 'id="form-problem"' in answer.text and "unknown site" in answer.text
    assert '<option value="240" selected>' in answer.text
    missing = console.post_form("/console/handhelds/codes", {"site_id": "", "ttl_minutes": 30})
    assert missing.status_code == 422 and 'id="site_id-error"' in missing.text


@pytest.mark.parametrize("ttl", ["1", "100000", "soon"])
def test_a_lifetime_the_api_refuses_is_refused_here(console, site, ttl):
    answer = console.post_form("/console/handhelds/codes", {"site_id": site.id, "ttl_minutes": ttl})
    assert answer.status_code == 422 and 'id="ttl_minutes-error"' in answer.text


def test_another_tenants_site_code_and_handheld_are_not_found(console_as, make, world):
    admin = console_as(world.actors["other_admin"])
    a1 = world.places["A1"]
    assert admin.get(f"/console/handhelds?site_id={a1.site.id}").status_code == 404
    assert admin.get(f"/console/handhelds/codes/{a1.enrollment_code.id}").status_code == 404
    assert admin.post_form(f"/console/handhelds/{a1.device.id}/revoke").status_code == 404
    created = admin.post_form("/console/handhelds/codes", {"site_id": a1.site.id})
    assert created.status_code == 422
    assert a1.device.serial not in admin.get("/console/handhelds").text
