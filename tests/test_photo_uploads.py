"""Photos people upload through the API: a handheld's checks and answers, then named in a
resolution and seen by those who may see it."""

import hashlib
import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import select

from server.domain.actor import Role
from server.domain.models import Photo


def png(color=(30, 140, 60), size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bomb() -> bytes:
    """A PNG header claiming 100,000 x 100,000 pixels around almost no data."""

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0))
    body = chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + header + body


@pytest.fixture
def people(make, org, site):
    """A supervisor of the site, who uploads, another of the same site, and one of another."""
    other_site = make.site(org, name="滨江大厦")
    return {
        "uploader": make.user(org, Role.SUPERVISOR, [site], name="陈静"),
        "colleague": make.user(org, Role.SUPERVISOR, [site]),
        "elsewhere": make.user(org, Role.SUPERVISOR, [other_site]),
    }


@pytest.fixture
def put(client, make, org, site, people):
    """Upload as a person (through the API) or as a handheld (through the device protocol)."""
    device_headers = make.device_auth(make.device(org, [site]))
    person_headers = make.auth(people["uploader"])

    def upload(way, data, digest=None):
        digest = digest or sha(data)
        if way == "device":
            path, headers = f"/api/v1/device/photos/{digest}", device_headers
        else:
            path, headers = f"/api/v1/photos/{digest}", person_headers
        return client.put(path, data=data, headers=headers, content_type="image/png")

    return upload


def test_an_upload_is_answered_as_a_handhelds_and_kept_as_the_persons(put, make, people):
    data = png()
    first = put("person", data)
    assert first.status_code == 201
    assert first.json["sha256"] == sha(data)
    assert (first.json["content_type"], first.json["width"], first.json["height"]) == (
        "image/png",
        120,
        80,
    )
    assert first.json["size_bytes"] == len(data)
    again = put("person", data)
    assert again.status_code == 200 and again.json == first.json
    photo = make.session.scalar(select(Photo).where(Photo.sha256 == sha(data)))
    assert (photo.user_id, photo.device_id) == (people["uploader"].id, None)


REFUSED = {
    "not-an-image": (b"%PDF-1.7 not a photo at all", None),
    "gif": (b"GIF89a" + b"\x00" * 50, None),
    "bomb": (bomb(), None),
    "cut-off": (png()[:200], sha(png())),
    "damaged": (png()[:200], None),
    "empty": (b"", sha(b"")),
}


@pytest.mark.parametrize("name", REFUSED)
def test_people_and_handhelds_are_refused_alike(put, name):
    data, digest = REFUSED[name]
    person, device = put("person", data, digest), put("device", data, digest)
    assert person.status_code == device.status_code == 422
    assert person.is_json and person.json["code"] == 422
    assert person.json["message"] == device.json["message"]
    assert person.json["errors"] == device.json["errors"]


def test_a_non_image_is_refused_with_a_clear_answer_and_nothing_kept(put, make):
    data = b"<html>not a photo</html>"
    response = put("person", data)
    assert response.status_code == 422
    assert response.json["message"] == "not an image"
    assert response.json["errors"] == {"photo": ["JPEG, PNG or WebP expected"]}
    assert make.session.scalar(select(Photo).where(Photo.sha256 == sha(data))) is None


def test_too_large_is_413_as_for_a_handheld(put, app):
    data = b"\xff" * (app.extensions["vigil"].photo_limits.max_bytes + 1)
    person = put("person", data)
    assert person.status_code == put("device", data).status_code == 413
    assert person.is_json and person.json["code"] == 413


def test_a_guard_may_not_upload(client, make, org, site):
    data = png(color=(1, 2, 3))
    headers = make.auth(make.user(org, Role.GUARD, [site]))
    response = client.put(f"/api/v1/photos/{sha(data)}", data=data, headers=headers)
    assert response.status_code == 403


def test_the_upload_resolves_an_alert_and_the_site_sees_it_there(client, make, site, people, put):
    data = png(color=(200, 200, 10))
    digest = sha(data)
    assert put("person", data).status_code == 201
    headers = {role: make.auth(user) for role, user in people.items()}
    thumbnail = f"/api/v1/photos/{digest}/thumbnail.jpg"
    # Before it is named anywhere, only its uploader sees it.
    assert client.get(thumbnail, headers=headers["uploader"]).status_code == 200
    assert client.get(thumbnail, headers=headers["colleague"]).status_code == 404

    alert = make.alert(make.round(make.schedule(make.route([make.checkpoint(site)]))))
    resolved = client.post(
        f"/api/v1/alerts/{alert.id}/resolve",
        json={"note": "门锁已更换", "photo": digest},
        headers=headers["uploader"],
    )
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["state"] == "resolved" and resolved.json["resolution_photo"] == digest

    for role, code in (("uploader", 200), ("colleague", 200), ("elsewhere", 404)):
        assert client.get(thumbnail, headers=headers[role]).status_code == code, role
    display = client.get(f"/api/v1/photos/{digest}/display.jpg", headers=headers["colleague"])
    assert display.status_code == 200 and display.mimetype == "image/jpeg"


def test_a_resolution_naming_a_photo_never_uploaded_is_refused(client, make, site, people):
    alert = make.alert(make.round(make.schedule(make.route([make.checkpoint(site)]))))
    response = client.post(
        f"/api/v1/alerts/{alert.id}/resolve",
        json={"note": "已处理", "photo": sha(b"never sent")},
        headers=make.auth(people["uploader"]),
    )
    assert response.status_code == 422 and response.json["errors"] == {
        "photo": ["upload the photo first"]
    }
