"""File names and paths from clients never reach the file system or break a download's name."""

import io
from pathlib import Path
from urllib.parse import unquote

import pytest

TRAVERSALS = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini",
    "%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_the_docs_assets_folder_cannot_be_left(client, path):
    response = client.get(f"/api/docs/assets/{path}")
    assert response.status_code == 404 and b"root:" not in response.data


@pytest.mark.parametrize("path", TRAVERSALS)
def test_photo_routes_take_only_a_sha256(client, admin, make, world, path):
    device = make.device_auth(world.places["A1"].device)
    for method, url, headers in (
        ("PUT", f"/api/v1/device/photos/{path}", device),
        ("GET", f"/api/v1/photos/{path}/original", admin),
        ("GET", f"/api/v1/photos/{'0' * 64}/{path}.jpg", admin),
    ):
        response = client.open(url, method=method, data=b"x", headers=headers)
        assert response.status_code == 404, url
        assert response.is_json


def test_a_wand_export_named_like_a_path_is_read_and_nothing_is_written(
    client, supervisor, site, make, db, tmp_path
):
    target = tmp_path / "evil.csv"
    name = f"../../../..{target}"
    body = {
        "site_id": str(site.id),
        "wand_serial": "W1",
        "file": (io.BytesIO(b"Tag ID,Time\n01-0000-00AA-AA00-01,2026/11/21 22:03:10\n"), name),
    }
    response = client.post(
        "/api/v1/wand-imports", data=body, headers=supervisor, content_type="multipart/form-data"
    )
    assert response.status_code == 200 and response.json["reads"] == 1
    assert not target.exists() and not Path(unquote(name)).exists()


@pytest.mark.parametrize("name", ["../../etc/passwd", "..\\..\\boot.ini", 'x"; filename=evil.exe'])
def test_downloads_named_after_hostile_names_stay_plain_file_names(
    client, supervisor, make, site, name
):
    checkpoint = make.checkpoint(site, name=name)
    tag = client.post("/api/v1/qr-tags", json={"checkpoint_id": checkpoint.id}, headers=supervisor)
    assert tag.status_code == 201, tag.json
    for url in (
        f"/api/v1/qr-tags/{tag.json['id']}/image.png",
        f"/api/v1/qr-tags/{tag.json['id']}/image.svg",
        f"/api/v1/label-sheets?site_id={site.id}",
    ):
        response = client.get(url, headers=supervisor)
        assert response.status_code == 200, url
        disposition = response.headers["Content-Disposition"]
        filename = disposition.split("filename=", 1)[1]
        assert "/" not in filename and "\\" not in filename and '"' not in filename.strip('"')
