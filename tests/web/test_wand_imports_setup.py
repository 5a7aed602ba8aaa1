"""Wand import in the console: check an export (the dry run), then import what was checked,
carried by the page signed; the same ingest as the API's, audited, refused in words."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.domain.actor import Role
from server.domain.clock import reset_clock, set_clock
from server.domain.models import AuditEvent, DeviceEvent
from server.ingest.wand import MAX_FILE_BYTES
from server.settings import TEST_OVERRIDES
from server.web.wand_imports import carry
from tests.wand_exports import text

HEADER = ("Wand", "Tag ID", "Time", "Guard")
ROWS = [
    ("WAND-9", "01-0000-00AA-AA00-01", "2026/11/21 22:03:10", "张伟"),
    ("WAND-9", "01-0000-00AA-AA00-02", "2026/11/21 22:09:44", "张伟"),
    ("WAND-9", "0100000099990009", "2026/11/21 22:15:02", "张伟"),
    ("WAND-9", "01AA", "soon", ""),
]


@pytest.fixture
def estate(make, org, site):
    for uid, name in (("01000000AAAA0001", "北门"), ("01000000AAAA0002", "南门")):
        make.chip(make.checkpoint(site, name=name), uid)
    make.user(org, Role.GUARD, [site], name="张伟", login="zw1023")
    return site


@pytest.fixture
def console(console_as, make, org, site):
    return console_as(make.user(org, Role.SUPERVISOR, [site], name="李主管"))


def check(client, site, data, filename="巡更 <export>.csv", **form):
    body = {"site_id": str(site.id), **{k: str(v) for k, v in form.items()}}
    page = client.post_form(
        "/console/wand-imports/preview",
        body | {"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    page.request.input_stream.close()  # a large body is spooled to a file the client keeps
    return page


def carried(page: str) -> dict[str, str]:
    """The confirm form's hidden fields."""
    form = page.split('action="/console/wand-imports/import"')[1].split("</form>")[0]
    return dict(re.findall(r'name="(token|content)" value="([^"]*)"', form))


def scans(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(DeviceEvent))


def test_the_check_says_what_the_import_would_do_and_stores_nothing(console, estate, db):
    page = check(console, estate, text(HEADER, ROWS))
    assert page.status_code == 200
    html = page.text
    assert scans(db) == 0
    assert "Nothing is stored yet" in html
    assert "3 new scans would be stored:" in html and "2 at checkpoints of this site" in html
    assert "Every guard the file names is a known person." in html
    assert "1 of a chip no checkpoint has" in html
    assert "<code>0100000099990009</code>" in html  # the unknown chip, by its line
    assert "unreadable time" in html  # the row not read, and why
    assert "by its header" in html and "Tag ID" in html
    assert "张伟" in html  # the guard as the file names them
    assert "巡更 &lt;export&gt;.csv" in html and "<export>" not in html
    assert "Import 3 new scans" in html
    assert set(carried(html)) == {"token", "content"}


def test_importing_what_was_checked_stores_it_once_and_audits_it(console, estate, db):
    page = check(console, estate, text(HEADER, ROWS)).text
    done = console.post_form("/console/wand-imports/import", carried(page))
    assert done.status_code == 302
    assert "done=imported" in done.location and "imported=3" in done.location
    assert scans(db) == 3
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "import"))
    assert event.object_id == estate.id and event.changes["wand_import"][1]["imported"] == 3
    result = console.get(done.location).text
    assert "3 new scans stored." in result and "1 row could not be read" in result
    # The site's imports are the site's events: its supervisor sees them listed.
    recent = result.split('<table class="recent">')[1]
    assert "巡更 &lt;export&gt;.csv" in recent and "李主管" in recent
    # The same file again: all of it is already there.
    again = check(console, estate, text(HEADER, ROWS)).text
    assert "3 reads are already stored: nothing to add." in again
    assert "Nothing new: importing would store nothing." in again


def test_a_file_changed_in_the_page_is_refused(console, estate, db):
    fields = carried(check(console, estate, text(HEADER, ROWS)).text)
    other = carry.seal(
        TEST_OVERRIDES["SECRET_KEY"],
        carry.Checked(estate.id, "x.csv", {}, text(HEADER, ROWS[:1])),
    )[1]
    answer = console.post_form("/console/wand-imports/import", fields | {"content": other})
    assert answer.status_code == 422
    assert "did not come back intact" in answer.text and "choose the file again" in answer.text
    forged = fields | {"token": fields["token"][:-2] + "xx"}
    assert console.post_form("/console/wand-imports/import", forged).status_code == 422
    assert scans(db) == 0


def test_a_check_grows_old(console, estate, db):
    # Checked a little over MAX_AGE ago (the session itself stays fresh).
    earlier = datetime.now(UTC) - carry.MAX_AGE - timedelta(minutes=1)
    set_clock(lambda: earlier)
    try:
        fields = carried(check(console, estate, text(HEADER, ROWS)).text)
    finally:
        reset_clock()
    answer = console.post_form("/console/wand-imports/import", fields)
    assert answer.status_code == 422 and "more than 30 minutes old" in answer.text
    assert scans(db) == 0


def test_another_tenant_cannot_import_a_check_of_this_site(console_as, make, console, estate, db):
    fields = carried(check(console, estate, text(HEADER, ROWS)).text)
    outsider = console_as(make.user(make.org(), Role.ADMIN))
    assert outsider.post_form("/console/wand-imports/import", fields).status_code == 404
    assert scans(db) == 0


def test_checking_again_with_other_options_needs_no_new_upload(console, estate):
    page = check(console, estate, text(HEADER, ROWS)).text
    again = console.post_form(
        "/console/wand-imports/preview",
        carried(page) | {"site_id": str(estate.id), "clock_offset_seconds": "90"},
        content_type="multipart/form-data",
    )
    assert again.status_code == 200
    assert "corrected by 90" in again.text and "Import 3 new scans" in again.text


def test_a_refusal_comes_back_with_the_problem_and_what_was_typed(console, estate):
    unreadable = check(console, estate, b"a,b\n1,2\n", wand_serial="W-自定义")
    assert unreadable.status_code == 422
    assert "cannot tell which column" in unreadable.text
    assert 'value="W-自定义"' in unreadable.text
    no_file = console.post_form(
        "/console/wand-imports/preview", {"site_id": str(estate.id), "time_format": "%d.%m"}
    )
    assert no_file.status_code == 422 and "choose the wand&#39;s export file" in no_file.text
    assert 'value="%d.%m"' in no_file.text
    bad_kind = check(console, estate, text(HEADER, ROWS), kind="barcode")
    assert bad_kind.status_code == 422 and 'id="kind-error"' in bad_kind.text


def test_a_file_over_the_limit_is_refused_beside_the_field_as_the_api_refuses_it(
    console, estate, db
):
    page = check(console, estate, b"x" * (MAX_FILE_BYTES + 1))
    assert page.status_code == 422
    assert '<span class="field-error" id="file-error">at most 20 MB</span>' in page.text
    assert 'action="/console/wand-imports/import"' not in page.text and scans(db) == 0


def test_a_supervisor_checks_only_their_sites(console, make, org, estate):
    elsewhere = make.site(org, name="别处")
    assert check(console, elsewhere, text(HEADER, ROWS)).status_code == 404
    assert console.get(f"/console/wand-imports?site_id={elsewhere.id}").status_code == 404
    form = console.get("/console/wand-imports").text
    assert "湖畔花园" in form and "别处" not in form
