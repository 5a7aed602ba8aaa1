"""QR tags through the API: lifecycle, verification reasons, downloads and label sheets."""

import pytest
from sqlalchemy import select

from qr import payload as qr_payload
from qr import sheets
from server.demo import estate as demo
from server.domain.actor import Actor, Role, reset_actor, set_actor
from server.domain.models import User
from tests.decoding import needs_zbar, pdf_pages, pdf_text, png_image, zbar
from tests.qr.test_sheets import crop


def issue(client, headers, **subject):
    response = client.post("/api/v1/qr-tags", json=subject, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def verify(client, headers, text):
    response = client.post("/api/v1/qr-tags/verify", json={"payload": text}, headers=headers)
    assert response.status_code == 200
    return response.json


class TestLifecycle:
    def test_issued_tag_verifies_and_names_its_checkpoint(self, client, make, site, supervisor):
        cp = make.checkpoint(site)
        tag = issue(client, supervisor, checkpoint_id=cp.id)
        assert tag["status"] == "active" and tag["subject"] == "checkpoint"
        result = verify(client, supervisor, tag["payload"])
        assert result["valid"] is True and result["reason"] is None
        assert (result["checkpoint_id"], result["site_id"], result["tag_id"]) == (
            cp.id,
            site.id,
            tag["id"],
        )

    def test_assets_get_tags_too(self, client, make, site, supervisor):
        asset = make.asset(site)
        tag = issue(client, supervisor, asset_id=asset.id)
        assert tag["payload"].startswith("V1:A:")
        assert verify(client, supervisor, tag["payload"])["asset_id"] == asset.id

    def test_at_most_one_active_tag_per_checkpoint(self, client, make, site, supervisor):
        cp = make.checkpoint(site)
        issue(client, supervisor, checkpoint_id=cp.id)
        again = client.post("/api/v1/qr-tags", json={"checkpoint_id": cp.id}, headers=supervisor)
        assert again.status_code == 409 and "re-issue" in again.json["message"]

    @pytest.mark.parametrize("body", [{}, {"checkpoint_id": 1, "asset_id": 1}])
    def test_exactly_one_subject(self, client, supervisor, body):
        assert client.post("/api/v1/qr-tags", json=body, headers=supervisor).status_code == 422

    def test_reissue_supersedes_the_old_tag(self, client, make, site, supervisor):
        cp = make.checkpoint(site)
        old = issue(client, supervisor, checkpoint_id=cp.id)
        response = client.post(
            f"/api/v1/qr-tags/{old['id']}/reissue",
            json={"reason": "贴纸被拍照"},
            headers=supervisor,
        )
        assert response.status_code == 201
        new = response.json
        assert new["payload"] != old["payload"] and new["status"] == "active"
        assert verify(client, supervisor, old["payload"])["reason"] == "superseded"
        assert verify(client, supervisor, new["payload"])["valid"] is True
        history = client.get(
            f"/api/v1/qr-tags?checkpoint_id={cp.id}&sort=issued_at", headers=supervisor
        ).json
        assert [(t["id"], t["status"]) for t in history] == [
            (old["id"], "superseded"),
            (new["id"], "active"),
        ]
        assert (
            history[0]["replaced_by_id"] == new["id"] and history[0]["end_reason"] == "贴纸被拍照"
        )

    def test_revoke_and_no_second_ending(self, client, make, site, supervisor):
        tag = issue(client, supervisor, checkpoint_id=make.checkpoint(site).id)
        url = f"/api/v1/qr-tags/{tag['id']}"
        assert (
            client.post(f"{url}/revoke", json={"reason": "lost"}, headers=supervisor).status_code
            == 200
        )
        assert verify(client, supervisor, tag["payload"])["reason"] == "revoked"
        for action in ("revoke", "reissue"):
            response = client.post(f"{url}/{action}", json={"reason": "x"}, headers=supervisor)
            assert response.status_code == 409

    def test_deactivated_checkpoints_get_no_new_tags(self, client, make, site, supervisor):
        cp = make.checkpoint(site, active=False)
        assert (
            client.post(
                "/api/v1/qr-tags", json={"checkpoint_id": cp.id}, headers=supervisor
            ).status_code
            == 422
        )

    def test_lifecycle_is_audited(self, client, make, site, supervisor):
        tag = issue(client, supervisor, checkpoint_id=make.checkpoint(site).id)
        client.post(
            f"/api/v1/qr-tags/{tag['id']}/revoke", json={"reason": "lost"}, headers=supervisor
        )
        trail = client.get("/api/v1/audit-events?object_type=qr_tag", headers=supervisor).json
        assert [e["action"] for e in trail] == ["revoke", "issue"]


class TestVerification:
    @pytest.fixture
    def tag(self, client, make, site, supervisor):
        return issue(client, supervisor, checkpoint_id=make.checkpoint(site).id)

    def test_forged_signature(self, client, supervisor, tag):
        text = tag["payload"]
        forged = text[:-1] + ("A" if text[-1] != "A" else "B")
        assert verify(client, supervisor, forged)["reason"] == "bad_signature"

    def test_another_tag_id_under_the_same_signature_is_forged(self, client, supervisor, tag):
        parts = tag["payload"].split(":")  # V1, kind, org, tag, key, MAC
        parts[3] = qr_payload.to_base36(int(parts[3], 36) + 1)
        assert verify(client, supervisor, ":".join(parts))["reason"] == "bad_signature"

    @pytest.mark.parametrize("text", ["hello", "https://example.com/tag/1", "V1:C:1:1:1:SHORT"])
    def test_malformed(self, client, supervisor, text):
        assert verify(client, supervisor, text)["reason"] == "malformed"

    def test_unknown_key(self, client, supervisor, tag):
        parts = tag["payload"].split(":")
        parts[4] = "Z9"
        assert verify(client, supervisor, ":".join(parts))["reason"] == "unknown_key"

    def test_another_tenants_genuine_tag(self, client, make, tag):
        stranger = make.auth(make.user(make.org(), Role.ADMIN))
        result = verify(client, stranger, tag["payload"])
        assert result == {**result, "valid": False, "reason": "other_tenant", "checkpoint_id": None}

    def test_deactivated_checkpoint(self, client, supervisor, tag):
        client.patch(
            f"/api/v1/checkpoints/{tag['checkpoint_id']}",
            json={"active": False},
            headers=supervisor,
        )
        assert verify(client, supervisor, tag["payload"])["reason"] == "inactive"

    def test_rotation_keeps_old_tags_until_their_key_is_retired(
        self, client, make, site, admin, supervisor, tag
    ):
        rotated = client.post("/api/v1/tag-keys", headers=admin)
        assert rotated.status_code == 201 and rotated.json["number"] == 2
        newer = issue(client, supervisor, checkpoint_id=make.checkpoint(site).id)
        assert newer["key_number"] == 2 and tag["key_number"] == 1
        assert verify(client, supervisor, tag["payload"])["valid"] is True
        keys = {k["number"]: k for k in client.get("/api/v1/tag-keys", headers=admin).json}
        assert keys[1]["active_tags"] == 1 and keys[2]["active_tags"] == 1
        retired = client.post(f"/api/v1/tag-keys/{keys[1]['id']}/retire", headers=admin)
        assert retired.status_code == 200 and retired.json["retired_at"]
        assert verify(client, supervisor, tag["payload"])["reason"] == "retired_key"
        assert verify(client, supervisor, newer["payload"])["valid"] is True
        again = client.post(f"/api/v1/tag-keys/{keys[1]['id']}/retire", headers=admin)
        assert again.status_code == 409


class TestDownloads:
    @needs_zbar
    def test_png_download_decodes_to_the_tag(self, client, make, site, supervisor):
        tag = issue(client, supervisor, checkpoint_id=make.checkpoint(site, code="CP-PNG").id)
        response = client.get(
            f"/api/v1/qr-tags/{tag['id']}/image.png?dpi=300&size_mm=25", headers=supervisor
        )
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert "filename=tag-CP-PNG.png" in response.headers["Content-Disposition"]
        assert zbar(png_image(response.data)) == [tag["payload"]]

    def test_svg_download(self, client, make, site, supervisor):
        tag = issue(client, supervisor, checkpoint_id=make.checkpoint(site).id)
        response = client.get(f"/api/v1/qr-tags/{tag['id']}/image.svg", headers=supervisor)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.data.startswith(b"<svg") and b"<path" in response.data

    @pytest.mark.parametrize("query", ["dpi=10", "size_mm=0", "size_mm=5000", "dpi=abc"])
    def test_bad_image_arguments(self, client, make, site, supervisor, query):
        tag = issue(client, supervisor, checkpoint_id=make.checkpoint(site).id)
        assert (
            client.get(
                f"/api/v1/qr-tags/{tag['id']}/image.png?{query}", headers=supervisor
            ).status_code
            == 422
        )

    def test_sheet_needs_a_selection_and_known_options(self, client, site, supervisor):
        assert client.get("/api/v1/label-sheets", headers=supervisor).status_code == 422
        bad = client.get(f"/api/v1/label-sheets?site_id={site.id}&paper=a3", headers=supervisor)
        assert bad.status_code == 422 and "paper" in bad.json["errors"]["query"]

    def test_sheet_for_a_zone_prints_only_that_zone(self, client, make, site, supervisor):
        zone = make.zone(site)
        inside = issue(
            client, supervisor, checkpoint_id=make.checkpoint(site, zone_id=zone.id, name="北门").id
        )
        issue(client, supervisor, checkpoint_id=make.checkpoint(site, name="南门").id)
        response = client.get(f"/api/v1/label-sheets?zone_id={zone.id}", headers=supervisor)
        assert response.mimetype == "application/pdf"
        text = pdf_text(response.data)
        assert "北门" in text and "南门" not in text and inside["status"] == "active"


LONG_NAMES = [
    "3号楼地下二层配电房东侧高压开关柜 North Substation HV switchgear",
    "湖畔花园二期地下车库B区消防水泵房稳压泵控制柜",
    "Building 7 basement level 2 east stairwell fire door",
]


def post_sheet(client, headers, **body):
    return client.post("/api/v1/label-sheets", json=body, headers=headers)


class TestLabelSheets:
    @needs_zbar
    def test_a_posted_selection_prints_just_those_tags_whole_and_each_code_verifies(
        self, client, make, site, supervisor
    ):
        chosen = [
            issue(client, supervisor, checkpoint_id=make.checkpoint(site, name=name).id)
            for name in LONG_NAMES
        ]
        issue(client, supervisor, checkpoint_id=make.checkpoint(site, name="南门岗亭").id)
        response = post_sheet(client, supervisor, tag_ids=[t["id"] for t in chosen])
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = "".join(pdf_text(response.data).split())
        assert "南门岗亭" not in text and "…" not in text
        for name in LONG_NAMES:
            assert "".join(name.split()) in text
        (page,) = pdf_pages(response.data, 300)
        decoded = [zbar(crop(page, cell)) for cell in sheets.cells("a4", "small")[:3]]
        verified = {verify(client, supervisor, codes[0])["tag_id"] for codes in decoded}
        assert verified == {t["id"] for t in chosen}

    def test_post_takes_every_choice_get_does(self, client, make, site, supervisor):
        issue(client, supervisor, asset_id=make.asset(site, name="1号柴油发电机").id)
        issue(client, supervisor, checkpoint_id=make.checkpoint(site, name="北门").id)
        response = post_sheet(
            client, supervisor, site_id=site.id, subject="asset", paper="letter", layout="large"
        )
        assert response.status_code == 200
        assert "large-letter.pdf" in response.headers["Content-Disposition"]
        text = pdf_text(response.data)
        assert "1号柴油发电机" in text and "北门" not in text

    @pytest.mark.parametrize(
        "body,field",
        [
            ({"tag_ids": []}, "tag_ids"),
            ({"tag_ids": list(range(1, 2002))}, "tag_ids"),
            ({"tag_ids": [0]}, "tag_ids"),
            ({"tag_ids": "1,2"}, "tag_ids"),
            ({"tag_ids": [1], "paper": "a3"}, "paper"),
            ({"tag_ids": [1], "layout": "x" * 5000}, "layout"),
            ({"tag_ids": [1], "tag_id": [1]}, "tag_id"),
        ],
    )
    def test_post_refuses_a_bad_body_naming_the_field(self, client, supervisor, body, field):
        response = client.post("/api/v1/label-sheets", json=body, headers=supervisor)
        assert response.status_code == 422 and field in response.json["errors"]["json"]

    def test_ids_go_in_the_body_not_the_url(self, client, make, site, supervisor):
        tag = issue(client, supervisor, checkpoint_id=make.checkpoint(site).id)
        response = client.get(f"/api/v1/label-sheets?tag_id={tag['id']}", headers=supervisor)
        assert response.status_code == 422 and "tag_id" in response.json["errors"]["query"]

    def test_nothing_active_to_print_is_a_422_that_says_so(self, client, make, site, supervisor):
        zone = make.zone(site, name="东区")
        response = client.get(f"/api/v1/label-sheets?site_id={site.id}", headers=supervisor)
        assert response.status_code == 422
        assert response.json["message"].startswith("no active tags to print: site ")
        assert site.name in response.json["message"]
        response = client.get(f"/api/v1/label-sheets?zone_id={zone.id}", headers=supervisor)
        assert response.status_code == 422 and "zone 东区" in response.json["message"]
        tag = issue(client, supervisor, checkpoint_id=make.checkpoint(site, zone_id=zone.id).id)
        client.post(
            f"/api/v1/qr-tags/{tag['id']}/revoke", json={"reason": "moved"}, headers=supervisor
        )
        response = post_sheet(client, supervisor, tag_ids=[tag["id"]])
        assert response.status_code == 422
        assert response.json["message"] == (
            "no active tags to print: the chosen tag is not an active tag"
        )
        assert response.json["errors"] == {"tag_ids": ["no active tags"]}

    def test_the_body_is_documented_with_its_limits(self, client):
        operation = client.get("/api/openapi.json").json["paths"]["/api/v1/label-sheets"]["post"]
        assert list(operation["responses"]["200"]["content"]) == ["application/pdf"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schemas = client.get("/api/openapi.json").json["components"]["schemas"]
        fields = schemas[ref.rsplit("/", 1)[1]]["properties"]
        assert fields["tag_ids"]["maxItems"] == 2000 and fields["tag_ids"]["minItems"] == 1
        assert fields["tag_ids"]["items"]["maximum"] == 2**31 - 1
        assert fields["paper"]["enum"] == ["a4", "letter"]
        assert fields["layout"]["enum"] == ["small", "large"]


@needs_zbar
@pytest.mark.parametrize("layout", ["small", "large"])
def test_a_supervisor_prints_the_demo_site_and_every_code_decodes_and_verifies(
    client, make, db, layout
):
    token = set_actor(Actor(None, 0, Role.ADMIN, is_superuser=True, label="test"))
    try:
        demo.load(db)
    finally:
        reset_actor(token)
    supervisor = make.auth(db.scalar(select(User).where(User.login == "demo-super")))
    (site,) = client.get("/api/v1/sites", headers=supervisor).json
    response = client.get(
        f"/api/v1/label-sheets?site_id={site['id']}&layout={layout}", headers=supervisor
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert ".pdf" in response.headers["Content-Disposition"]
    expected = len(demo.CHECKPOINTS) + len(demo.ASSETS)
    decoded = [
        found
        for page in pdf_pages(response.data, 300)
        for cell in sheets.cells("a4", layout)
        for found in zbar(crop(page, cell))
    ]
    assert len(decoded) == expected
    results = [verify(client, supervisor, text) for text in decoded]
    assert all(r["valid"] for r in results), results
    assert len({r["tag_id"] for r in results}) == expected
