"""Tags in a real browser: issue a checkpoint's tag, preview and download its label sheet, read
the printed code back, and revoke the tag past its warning, in English and in Chinese."""

import uuid
from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import Page, expect
from sqlalchemy import select

from server.domain.models import Site
from server.domain.registry import tags
from server.testing.factories import Factory
from tests.decoding import needs_zbar, pdf_pages, zbar
from tests.web.conftest import accessible, shoot, sign_in, switch_language
from tests.web.test_tags_setup import cut


class Made(NamedTuple):
    site_id: int
    org_id: int
    checkpoint_id: int
    name: str


def _new_checkpoint(demo_app) -> Made:
    """A checkpoint of its own on the demo's first site (the shared estate only grows)."""
    mark = uuid.uuid4().hex[:6].upper()
    with demo_app.extensions["vigil"].sessionmaker() as session:
        site = session.scalars(select(Site).order_by(Site.id)).first()
        name = f"测试岗亭 {mark} <i>"
        checkpoint = Factory(session).checkpoint(site, name=name, code=f"T-{mark}")
        session.commit()
        return Made(site.id, site.org_id, checkpoint.id, name)


def _verdict(demo_app, made: Made, text: str) -> tags.Verification:
    """What a handheld's scan of this text would be told: the domain's verify()."""
    with demo_app.extensions["vigil"].sessionmaker() as session:
        return tags.verify(session, text, made.org_id)


def _codes(pdf: Path) -> list[str]:
    page = pdf_pages(pdf.read_bytes(), dpi=300)[0]
    return [text for cell in cut(page, "a4", "large", 300) for text in zbar(cell)]


def _image_shown(page: Page, selector: str) -> None:
    image = page.locator(selector)
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


@needs_zbar
def test_an_admin_issues_prints_and_revokes_a_checkpoints_tag(page: Page, demo_app):
    made = _new_checkpoint(demo_app)
    site_id, checkpoint_id, name = made.site_id, made.checkpoint_id, made.name
    sign_in(page, "demo-admin")
    page.goto(f"/console/tags?site_id={site_id}")
    row = page.locator(f"#checkpoint-{checkpoint_id}")
    expect(row).to_contain_text(name)  # Chinese and markup, shown as typed
    expect(row).to_contain_text("No tag")
    shoot(page, "tags")
    accessible(page)

    row.get_by_role("button", name="Issue tag").click()
    expect(page.locator("[role=status]")).to_contain_text("Tag issued")
    expect(page.locator("h1")).to_contain_text(name)
    _image_shown(page, "img.qr-image")
    tag_page = page.url
    shoot(page, "tags-tag")
    accessible(page)

    page.goto(f"/console/tags/print?site_id={site_id}")
    _image_shown(page, "img.sheet")  # the first page of all the site's active tags
    page.locator(".ticks label", has_text=name).locator("input").check()
    page.get_by_label("Large plates for outdoors", exact=False).check()
    expect(page.locator("#which-ticked")).to_be_checked()  # ticking means "only these"
    expect(page.locator("#preview .figures-line")).to_contain_text("1 label · 1 page")
    _image_shown(page, "img.sheet")
    shoot(page, "tags-print")
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.endswith("-large-a4.pdf")
    printed = _codes(Path(download.value.path()))
    assert len(printed) == 1 and _verdict(demo_app, made, printed[0]).valid

    page.goto(tag_page)
    warning = page.locator("#revoke-warning")
    expect(warning).to_contain_text("its printed label stops working at once")
    page.fill("#revoke-reason", "测试：标签作废")
    page.get_by_role("button", name="Revoke tag").click()  # not ticked: the browser holds it
    expect(page.locator("h1 + p .tag-state.active")).to_be_visible()
    page.check("#revoke-confirm")
    page.get_by_role("button", name="Revoke tag").click()
    expect(page.locator("[role=status]")).to_contain_text("Its printed label no longer works")
    expect(page.locator("h1 + p .tag-state.revoked")).to_be_visible()
    assert _verdict(demo_app, made, printed[0]).problem is tags.Problem.REVOKED

    switch_language(page, "zh")
    expect(page.locator("[role=status]")).to_contain_text("已打印的标签不再有效")
    expect(page.locator("h1")).to_contain_text(name)
    shoot(page, "tags-tag")
    accessible(page)
    page.goto(f"/console/tags?site_id={site_id}")
    expect(page.locator(f"#checkpoint-{checkpoint_id}")).to_contain_text("签发标签")
    shoot(page, "tags")
    page.goto(f"/console/tags/print?site_id={site_id}")
    _image_shown(page, "img.sheet")
    expect(page.locator("h1")).to_have_text("打印标签")
    shoot(page, "tags-print")
    accessible(page)


def test_a_supervisor_reissues_and_sees_the_new_tag(page: Page, demo_app):
    made = _new_checkpoint(demo_app)
    sign_in(page, "demo-super")
    switch_language(page, "zh")
    page.goto(f"/console/tags?site_id={made.site_id}")
    page.locator(f"#checkpoint-{made.checkpoint_id}").get_by_role("button").click()
    old = page.url.split("?")[0]
    page.fill("#f-reason", "贴纸被拍照")
    page.get_by_role("button", name="重新签发标签").click()
    expect(page.locator("[role=status]")).to_contain_text("这是新标签")
    assert page.url.split("?")[0] != old
    expect(page.locator("table")).to_contain_text("贴纸被拍照")
    expect(page.locator("table .tag-state.superseded")).to_be_visible()
    accessible(page)
