"""Photos from handhelds: by hash, in any order with their events, checked before use."""

import hashlib
import io
import struct
import zlib

import httpx
import pytest
from PIL import ExifTags, Image

from device_protocol.client import Handheld
from server.domain.actor import Role


@pytest.fixture
def device(app, db, client, make, org, site):
    supervisor = make.auth(make.user(org, Role.SUPERVISOR, [site]))
    code = client.post("/api/v1/enrollment-codes", json={"site_id": site.id}, headers=supervisor)
    http = httpx.Client(transport=httpx.WSGITransport(app=app), base_url="http://vigil.test")
    handheld = Handheld(http, sleep=lambda s: None)
    handheld.enroll(code.json["code"], "HT-CAM")
    yield handheld
    http.close()


def jpeg(size=(400, 200), orientation=None, gps=False, color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    image.paste((20, 20, 220), (0, 0, size[0] // 4, size[1]))  # a mark to see the rotation by
    exif = Image.Exif()
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (31.0, 13.0, 30.0)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (121.0, 32.0, 40.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes() if (orientation or gps) else b"")
    return buffer.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(device, data: bytes, digest: str | None = None):
    return device.http.put(
        f"/api/v1/device/photos/{digest or sha(data)}",
        content=data,
        headers=device._headers() | {"Content-Type": "image/jpeg"},
    )


def missing(device, hashes=None):
    if hashes is None:
        return device.http.get("/api/v1/device/photos/missing", headers=device._headers()).json()[
            "missing"
        ]
    return device.http.post(
        "/api/v1/device/photos/missing", json={"sha256": hashes}, headers=device._headers()
    ).json()["missing"]


def test_event_before_its_photo_then_the_photo(device):
    data = jpeg()
    device.report_incident("damage", "medium", "门锁损坏", photos=[sha(data)])
    device.sync()
    assert missing(device) == [sha(data)]
    response = upload(device, data)
    assert response.status_code == 201 and response.json()["width"] == 400
    assert missing(device) == []


def test_photo_before_its_event(device):
    data = jpeg(color=(1, 2, 3))
    assert missing(device, [sha(data)]) == [sha(data)]
    assert upload(device, data).status_code == 201
    assert missing(device, [sha(data)]) == []
    device.report_incident("damage", "low", "划痕", photos=[sha(data)])
    device.sync()
    assert missing(device) == []


def test_the_same_bytes_again_are_a_no_op(device):
    data = jpeg(color=(4, 5, 6))
    assert upload(device, data).status_code == 201
    assert upload(device, data).status_code == 200


def test_served_copies_are_upright_and_carry_no_gps_while_the_original_is_kept(
    device, client, make, org
):
    data = jpeg(size=(400, 200), orientation=6, gps=True)
    device.report_incident("hazard", "high", "电缆裸露", photos=[sha(data)])
    device.sync()
    assert upload(device, data).status_code == 201
    admin = make.auth(make.user(org, Role.ADMIN))
    display = client.get(f"/api/v1/photos/{sha(data)}/display.jpg", headers=admin)
    assert display.status_code == 200 and display.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(display.data)) as shown:
        assert shown.size == (200, 400)  # orientation 6 applied: portrait
        assert not shown.getexif()  # no GPS, no EXIF at all
    thumbnail = client.get(f"/api/v1/photos/{sha(data)}/thumbnail.jpg", headers=admin)
    with Image.open(io.BytesIO(thumbnail.data)) as small:
        assert max(small.size) <= 320 and not small.getexif()
    original = client.get(f"/api/v1/photos/{sha(data)}/original", headers=admin)
    assert original.data == data


def test_an_image_bomb_is_refused(device):
    # A PNG header claiming 100,000 x 100,000 pixels around almost no data.
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    )
    bomb += chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    response = upload(device, bomb)
    # The limit quoted is the one configured, not the image library's own (89,478,485).
    assert response.status_code == 422
    assert response.json()["message"] == "the image has more than 50,000,000 pixels"
    assert missing(device, [sha(bomb)]) == [sha(bomb)]


def test_a_truncated_upload_is_refused_and_nothing_is_kept(device):
    data = jpeg(color=(7, 8, 9))
    cut = data[: len(data) // 2]
    response = upload(device, cut, digest=sha(data))  # the connection dropped halfway
    assert response.status_code == 422 and response.json()["errors"] == {"sha256": ["mismatch"]}
    assert missing(device, [sha(data)]) == [sha(data)]
    damaged = upload(device, cut)  # a device that hashed the cut file itself
    assert damaged.status_code == 422 and "damaged or incomplete" in damaged.json()["message"]
    assert upload(device, data).status_code == 201


@pytest.mark.parametrize("data", [b"not an image at all", b"GIF89a" + b"\x00" * 50])
def test_non_photos_are_refused(device, data):
    assert upload(device, data).status_code == 422


def test_too_large_is_413(device, app):
    limits = app.extensions["vigil"].photo_limits
    data = b"\xff" * (limits.max_bytes + 1)
    assert upload(device, data).status_code == 413


def test_a_malformed_hash_in_the_path_is_not_found(device):
    assert (
        device.http.put(
            "/api/v1/device/photos/ABC", content=b"x", headers=device._headers()
        ).status_code
        == 404
    )


def test_another_tenant_cannot_learn_what_we_stored(device, app, client, make):
    data = jpeg(color=(10, 11, 12))
    upload(device, data)
    other_org = make.org()
    other = make.device(other_org, [make.site(other_org)])
    headers = make.device_auth(other)
    response = client.post(
        "/api/v1/device/photos/missing", json={"sha256": [sha(data)]}, headers=headers
    )
    assert response.json["missing"] == [sha(data)]
