"""The tag pages as a test client sees them: issue, re-issue and revoke write and audit what
the API would; the printed PDF and its preview decode to payloads that verify; roles, other
sites and other tenants are refused; names are shown as text."""

import base64
import re
from urllib.parse import unquote

import pytest
from PIL import Image
from sqlalchemy import select

from qr import sheets
from qr.preview import PREVIEW_DPI
from server.domain.actor import Role
from server.domain.models import AuditEvent, QrTag, TagStatus
from server.domain.registry import tags
from tests.decoding import needs_zbar, pdf_pages, png_image, svg_image, zbar


@pytest.fixture
def supervisor_user(make, org, site):
    return make.user(org, Role.SUPERVISOR, [site])


@pytest.fixture
def console(console_as, supervisor_user):
    return console_as(supervisor_user)


@pytest.fixture
def gate(make, site):
    """A tagged checkpoint whose name is Chinese with markup in it."""
    checkpoint = make.checkpoint(site, name="北门 <b>岗亭</b>", code="N1")
    return checkpoint, make.qr_tag(checkpoint)


@pytest.fixture
def untagged(make, site):
    return make.checkpoint(site, name="东门", code="E1")


def payload(db, tag: QrTag) -> str:
    return tags.payload_of(tag, tags.key_of(db, tag))


def audited(db, action: str, tag_id: int) -> list[AuditEvent]:
    found = select(AuditEvent).where(
        AuditEvent.action == action,
        AuditEvent.object_type == "qr_tag",
        AuditEvent.object_id == tag_id,
    )
    return list(db.scalars(found))


def verifies(client, make, user, text: str) -> bool:
    """The API's /qr-tags/verify, as a handheld's reader would ask it."""
    answer = client.post("/api/v1/qr-tags/verify", json={"payload": text}, headers=make.auth(user))
    return answer.json["valid"]


def test_the_list_shows_each_checkpoint_with_its_tag_and_names_as_text(
    console, site, gate, untagged
):
    checkpoint, tag = gate
    page = console.get(f"/console/tags?site_id={site.id}").text
    row = page.split(f'id="checkpoint-{checkpoint.id}"')[1].split("</tr>")[0]
    assert "北门 &lt;b&gt;岗亭&lt;/b&gt;" in row and "<b>岗亭" not in page
    assert "✓ Active" in row and "#1" in row
    assert f"/console/tags/{tag.id}" in row
    empty = page.split(f'id="checkpoint-{untagged.id}"')[1].split("</tr>")[0]
    assert "No tag" in empty and "Issue tag" in empty


def test_issuing_a_tag_writes_it_and_its_audit_row(console, db, site, untagged):
    answer = console.post_form(
        "/console/tags/issue", {"site_id": site.id, "checkpoint_id": untagged.id}
    )
    assert answer.status_code == 302
    tag = db.scalars(select(QrTag).where(QrTag.checkpoint_id == untagged.id)).one()
    assert answer.location == f"/console/tags/{tag.id}?done=issued"
    assert tag.status is TagStatus.ACTIVE
    assert audited(db, "issue", tag.id)[0].changes == {"checkpoint_id": [None, untagged.id]}
    page = console.get(answer.location).text
    assert "Tag issued" in page and "东门" in page


def test_a_second_tag_for_the_same_checkpoint_is_refused_in_the_list(console, db, site, gate):
    checkpoint, _ = gate
    answer = console.post_form(
        "/console/tags/issue", {"site_id": site.id, "checkpoint_id": checkpoint.id}
    )
    assert answer.status_code == 409
    assert 'id="form-problem"' in answer.text and "already has an active tag" in answer.text
    assert len(db.scalars(select(QrTag).where(QrTag.checkpoint_id == checkpoint.id)).all()) == 1


def test_reissuing_supersedes_the_old_tag_and_goes_to_the_new_one(
    console, client, make, supervisor_user, db, gate
):
    checkpoint, old = gate
    old_payload = payload(db, old)
    answer = console.post_form(f"/console/tags/{old.id}/reissue", {"reason": "贴纸被拍照"})
    assert answer.status_code == 302
    db.expire_all()
    new = db.scalars(
        select(QrTag).where(QrTag.checkpoint_id == checkpoint.id, QrTag.status == "active")
    ).one()
    assert answer.location == f"/console/tags/{new.id}?done=reissued"
    assert db.get(QrTag, old.id).status is TagStatus.SUPERSEDED
    assert db.get(QrTag, old.id).replaced_by_id == new.id
    assert audited(db, "reissue", old.id)[0].changes["reason"] == [None, "贴纸被拍照"]
    assert audited(db, "issue", new.id)
    assert not verifies(client, make, supervisor_user, old_payload)
    assert verifies(client, make, supervisor_user, payload(db, new))


def test_the_revoke_form_warns_that_the_printed_label_stops_working(console, gate):
    _, tag = gate
    page = console.get(f"/console/tags/{tag.id}").text
    form = page.split('id="revoke-h"')[1].split("</form>")[0]
    assert "printed label stops working at once" in form
    assert "will need a new label" in form
    assert re.search(
        r'<input type="checkbox" id="revoke-confirm" name="confirm"[^>]* required', form
    )


def test_revoking_without_the_tick_is_refused_and_keeps_the_reason(console, db, gate):
    _, tag = gate
    answer = console.post_form(f"/console/tags/{tag.id}/revoke", {"reason": "标签丢失 <i>"})
    assert answer.status_code == 422
    assert "Tick the box to confirm" in answer.text
    assert "标签丢失 &lt;i&gt;</textarea>" in answer.text
    db.expire_all()
    assert db.get(QrTag, tag.id).status is TagStatus.ACTIVE
    assert not audited(db, "revoke", tag.id)


def test_revoking_ends_the_tag_its_label_no_longer_verifies_and_it_is_audited(
    console, client, make, supervisor_user, db, gate
):
    _, tag = gate
    text = payload(db, tag)
    answer = console.post_form(
        f"/console/tags/{tag.id}/revoke", {"reason": "标签丢失", "confirm": "yes"}
    )
    assert answer.status_code == 302 and answer.location.endswith("?done=revoked")
    db.expire_all()
    assert db.get(QrTag, tag.id).status is TagStatus.REVOKED
    assert audited(db, "revoke", tag.id)[0].changes["reason"] == [None, "标签丢失"]
    assert not verifies(client, make, supervisor_user, text)
    page = console.get(answer.location).text
    assert "Its printed label no longer works" in page and "⊘ Revoked" in page
    assert 'id="revoke-h"' not in page and "Issue a new tag" in page
    again = console.post_form(f"/console/tags/{tag.id}/revoke", {"reason": "x", "confirm": "yes"})
    assert again.status_code == 409 and "already revoked" in again.text


def test_a_reason_is_required(console, gate):
    _, tag = gate
    answer = console.post_form(f"/console/tags/{tag.id}/reissue", {"reason": ""})
    assert answer.status_code == 422 and 'id="reason-error"' in answer.text


def sheet_form(site, **extra):
    return {"site_id": site.id, "which": "all", "layout": "small", "paper": "a4", **extra}


def cut(page: Image.Image, paper: str, layout: str, dpi: int) -> list[Image.Image]:
    """The page's labels, each cut out where the sheet's layout puts it (as tests/qr do)."""
    boxes = ((v * dpi / 72 for v in cell) for cell in sheets.cells(paper, layout))
    return [page.crop((x, page.height - y - h, x + w, page.height - y)) for x, y, w, h in boxes]


def codes_in(pdf: bytes, paper: str = "a4", layout: str = "small") -> list[str]:
    """Every code on every page, read label by label at 300 dpi."""
    pages = pdf_pages(pdf, dpi=300)
    return [text for page in pages for cell in cut(page, paper, layout, 300) for text in zbar(cell)]


@needs_zbar
def test_the_printed_sheet_holds_every_active_tag_and_each_verifies(
    console, client, make, supervisor_user, db, site, gate
):
    _, tag = gate
    others = [make.qr_tag(make.checkpoint(site)) for _ in range(22)]  # two pages of small
    revoked = make.qr_tag(make.checkpoint(site), status=TagStatus.REVOKED)
    answer = console.post_form("/console/tags/print", sheet_form(site, do="pdf"))
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "vigil-tags-湖畔花园-small-a4.pdf" in unquote(disposition)
    found = codes_in(answer.data)
    assert sorted(found) == sorted(payload(db, t) for t in [tag, *others])
    assert payload(db, revoked) not in found
    assert all(verifies(client, make, supervisor_user, text) for text in found)


@needs_zbar
def test_ticked_tags_alone_are_printed(console, db, make, site, gate):
    _, tag = gate
    other = make.qr_tag(make.checkpoint(site))
    form = sheet_form(site, which="ticked", tag_ids=[str(tag.id)], layout="large", do="pdf")
    answer = console.post_form("/console/tags/print", form)
    assert answer.status_code == 200
    assert codes_in(answer.data, layout="large") == [payload(db, tag)]
    assert payload(db, other) not in codes_in(answer.data, layout="large")


def preview_of(page: str) -> bytes:
    found = re.search(r'class="sheet" src="data:image/png;base64,([^"]+)"', page)
    assert found, "no preview image in the page"
    return base64.b64decode(found.group(1))


@needs_zbar
def test_the_preview_shows_the_pdfs_first_page(console, make, site, gate):
    for _ in range(24):
        make.qr_tag(make.checkpoint(site))
    page = console.get(f"/console/tags/print?site_id={site.id}")
    assert page.status_code == 200
    assert "25 labels · 2 pages · 21 labels a page" in page.text
    picture = png_image(preview_of(page.text))
    shown = [text for cell in cut(picture, "a4", "small", PREVIEW_DPI) for text in zbar(cell)]
    pdf = console.post_form("/console/tags/print", sheet_form(site, do="pdf")).data
    assert len(shown) == 21
    assert shown == codes_in(pdf)[:21]  # the same codes in the same places


@needs_zbar
def test_a_changed_choice_previews_through_htmx_as_a_part(console, db, site, gate):
    _, tag = gate
    form = sheet_form(site, which="ticked", tag_ids=[str(tag.id)], layout="large", do="preview")
    part = console.post_form("/console/tags/print", form, headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    assert "1 label · 1 page · 6 labels a page" in part.text
    assert zbar(png_image(preview_of(part.text))) == [payload(db, tag)]


def test_printing_nothing_ticked_is_refused_with_the_choice_kept(console, site, gate):
    answer = console.post_form("/console/tags/print", sheet_form(site, which="ticked", do="pdf"))
    assert answer.status_code == 422
    assert "Tick the tags to print" in answer.text and 'id="tag_ids-error"' in answer.text
    assert 'value="ticked" id="which-ticked" checked' in answer.text


def test_a_site_without_active_tags_says_so_instead_of_a_preview(console, make, org, site):
    page = console.get(f"/console/tags/print?site_id={site.id}")
    assert page.status_code == 200
    assert "this site has no active tag" in page.text and 'class="sheet"' not in page.text


@needs_zbar
def test_one_tag_downloads_as_png_svg_and_a_one_label_pdf(console, db, gate):
    _, tag = gate
    text = payload(db, tag)
    png = console.get(f"/console/tags/{tag.id}/image.png")
    assert png.mimetype == "image/png" and zbar(png_image(png.data)) == [text]
    svg = console.get(f"/console/tags/{tag.id}/image.svg?size_mm=40")
    assert svg.mimetype == "image/svg+xml" and zbar(svg_image(svg.data)) == [text]
    pdf = console.get(f"/console/tags/{tag.id}/label.pdf?layout=large&paper=letter")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    assert codes_in(pdf.data, "letter", "large") == [text]


def test_a_revoked_tag_has_no_label_to_print(console, make, site):
    tag = make.qr_tag(make.checkpoint(site), status=TagStatus.REVOKED)
    assert console.get(f"/console/tags/{tag.id}/label.pdf").status_code == 422
    assert "/image.png" not in console.get(f"/console/tags/{tag.id}").text


@pytest.mark.parametrize("role", [Role.GUARD, Role.ENGINEER])
def test_guards_and_engineers_are_refused(console_as, make, org, site, gate, role):
    _, tag = gate
    client = console_as(make.user(org, role, [site]))
    assert client.get(f"/console/tags?site_id={site.id}").status_code == 403
    answer = client.post_form(f"/console/tags/{tag.id}/revoke", {"reason": "x", "confirm": "y"})
    assert answer.status_code == 403


def test_another_tenant_neither_sees_nor_revokes_the_tag(console_as, make, db, site, gate):
    _, tag = gate
    stranger = console_as(make.user(make.org(), Role.ADMIN))
    assert stranger.get(f"/console/tags/{tag.id}").status_code == 404
    assert stranger.get(f"/console/tags?site_id={site.id}").status_code == 404
    answer = stranger.post_form(f"/console/tags/{tag.id}/revoke", {"reason": "x", "confirm": "y"})
    assert answer.status_code == 404
    form = sheet_form(site, do="pdf")
    assert stranger.post_form("/console/tags/print", form).status_code == 404
    db.expire_all()
    assert db.get(QrTag, tag.id).status is TagStatus.ACTIVE


def test_a_supervisor_does_not_reach_another_sites_tags(console, make, org):
    elsewhere = make.site(org, name="滨江大厦")
    tag = make.qr_tag(make.checkpoint(elsewhere))
    assert console.get(f"/console/tags/{tag.id}").status_code == 404
    assert console.get(f"/console/tags/print?site_id={elsewhere.id}").status_code == 404


def test_someone_without_a_site_is_told_what_to_do_first(console_as, make):
    lonely = console_as(make.user(make.org(), Role.ADMIN))
    page = lonely.get("/console/tags")
    assert page.status_code == 200 and "There is no site yet" in page.text
