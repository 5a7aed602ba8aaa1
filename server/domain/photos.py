"""Photos: check an upload is the image it claims to be, keep it, derive what people see."""

import hashlib
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps
from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from server.db import insert_new_only
from server.domain import access
from server.domain.actor import Role, current_actor
from server.domain.errors import Invalid
from server.domain.models import Alert, DeviceEvent, Photo, PhotoRef
from server.storage import BlobStore

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
THUMBNAIL_PX = 320
DISPLAY_PX = 1600
CHUNK = 64 * 1024
# People who attach photos through the API: a resolution's (admin, supervisor), an inspection
# record's (engineers too). Guards take theirs with the handheld.
UPLOAD = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.ENGINEER})


@dataclass(frozen=True)
class Limits:
    """How large an upload may be, in bytes and in pixels (decompression bombs stop here)."""

    max_bytes: int = 25 * 1024 * 1024
    max_pixels: int = 50_000_000


def missing(session: Session, org_id: int, hashes: list[str]) -> list[str]:
    """Which of these hashes the tenant has not stored yet, in the order asked."""
    if not hashes:
        return []
    stored = set(
        session.scalars(
            select(Photo.sha256).where(Photo.org_id == org_id, Photo.sha256.in_(hashes))
        )
    )
    return [h for h in dict.fromkeys(hashes) if h not in stored]


def missing_for_device(session: Session, org_id: int, device_id: int) -> list[str]:
    """Photos this device's events refer to that have not arrived."""
    stmt = (
        select(PhotoRef.sha256)
        .outerjoin(Photo, (Photo.org_id == PhotoRef.org_id) & (Photo.sha256 == PhotoRef.sha256))
        .where(PhotoRef.org_id == org_id, PhotoRef.device_id == device_id, Photo.id.is_(None))
        .distinct()
        .order_by(PhotoRef.sha256)
    )
    return list(session.scalars(stmt))


def _open_checked(path: Path, limits: Limits) -> Image.Image:
    """Open without decoding and refuse what is not a plain photo of sane size."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            # Pillow's own ceiling tripped first; say Vigil's, which is what the operator set.
            raise Invalid(
                f"the image has more than {limits.max_pixels:,} pixels",
                {"photo": [f"at most {limits.max_pixels:,} pixels (VIGIL_MAX_PHOTO_PIXELS)"]},
            ) from error
        except OSError as error:
            raise Invalid("not an image", {"photo": ["JPEG, PNG or WebP expected"]}) from error
    if image.format not in FORMATS:
        raise Invalid(
            f"{image.format} images are not accepted", {"photo": ["JPEG, PNG or WebP expected"]}
        )
    width, height = image.size
    if width * height > limits.max_pixels:
        raise Invalid(
            f"{width}x{height} is more than {limits.max_pixels:,} pixels",
            {"photo": [f"at most {limits.max_pixels:,} pixels (VIGIL_MAX_PHOTO_PIXELS)"]},
        )
    return image


def _derive(image: Image.Image, longest: int) -> Image.Image:
    """An upright copy no larger than longest px; JPEG decodes only at the scale needed."""
    if image.format == "JPEG":
        image.draft("RGB", (longest, longest))
    upright = ImageOps.exif_transpose(image)
    upright = upright.convert("RGB")
    upright.thumbnail((longest, longest))
    return upright


def _keep(blobs: BlobStore, key: str, picture: Image.Image) -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "derived.jpg"
        # Saved without EXIF: no GPS (or anything else) leaks through what people are served.
        picture.save(target, "JPEG", quality=85, optimize=True)
        blobs.put_file(key, target)


def derived_key(blobs: BlobStore, sha256: str, size: str) -> str:
    """The blob key of a served copy; the display copy is made on its first request."""
    key = f"{sha256}.{size}.jpg"
    if not blobs.exists(key):
        with blobs.open(sha256) as original, Image.open(original) as source:
            _keep(blobs, key, _derive(source, THUMBNAIL_PX if size == "thumbnail" else DISPLAY_PX))
    return key


def receive(
    session: Session,
    blobs: BlobStore,
    sha256: str,
    stream: BinaryIO,
    limits: Limits,
    *,
    org_id: int,
    device_id: int | None = None,
    user_id: int | None = None,
) -> tuple[Photo, bool]:
    """Store an upload if its bytes hash to sha256 and it is a sound image; else Invalid.

    Every way in (a handheld's, a person's, a browser form's) is spooled and stored by the
    same two functions below, so each gets the same checks.
    """
    with tempfile.TemporaryDirectory() as folder:
        path, digest = _spool(stream, Path(folder) / "upload", limits)
        if digest != sha256:
            # A cut-off upload lands here too: nothing is kept, the sender sends it again.
            raise Invalid("the bytes do not match the hash in the URL", {"sha256": ["mismatch"]})
        return store(session, blobs, org_id, device_id, sha256, path, limits, user_id=user_id)


def _spool(stream: BinaryIO, path: Path, limits: Limits) -> tuple[Path, str]:
    """Copy an upload to path within the size limit; its SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as sink:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limits.max_bytes:
                raise Invalid(
                    f"photos are at most {limits.max_bytes} bytes", {"photo": ["too large"]}
                )
            digest.update(chunk)
            sink.write(chunk)
    if size == 0:
        raise Invalid("empty upload", {"photo": ["no bytes received"]})
    return path, digest.hexdigest()


def upload(
    session: Session, blobs: BlobStore, sha256: str, stream: BinaryIO, limits: Limits
) -> tuple[Photo, bool]:
    """A person's upload through the API (to attach to a resolution or a record), as theirs."""
    actor = current_actor()
    access.require_role(actor, UPLOAD)
    return receive(
        session, blobs, sha256, stream, limits, org_id=actor.org_id, user_id=actor.user_id
    )


def upload_file(session: Session, blobs: BlobStore, stream: BinaryIO, limits: Limits) -> Photo:
    """A person's upload from a browser form: hashed here, then checked as every other is."""
    actor = current_actor()
    access.require_role(actor, UPLOAD)
    with tempfile.TemporaryDirectory() as folder:
        path, sha256 = _spool(stream, Path(folder) / "upload", limits)
        photo, _ = store(
            session, blobs, actor.org_id, None, sha256, path, limits, user_id=actor.user_id
        )
    return photo


def store(
    session: Session,
    blobs: BlobStore,
    org_id: int,
    device_id: int | None,
    sha256: str,
    path: Path,
    limits: Limits,
    user_id: int | None = None,
) -> tuple[Photo, bool]:
    """Keep a checked upload (bytes already hashed to sha256); (photo, False) if already kept."""
    existing = session.scalar(select(Photo).where(Photo.org_id == org_id, Photo.sha256 == sha256))
    if existing is not None:
        return existing, False
    with _open_checked(path, limits) as image:
        content_type, size = FORMATS[image.format], image.size
    try:
        # Decoding the thumbnail reads every block, so damaged or cut-off pixel data fails here.
        with Image.open(path) as source:
            thumbnail = _derive(source, THUMBNAIL_PX)
    except (OSError, ValueError, SyntaxError) as error:
        raise Invalid("the image is damaged or incomplete", {"photo": [str(error)]}) from error
    blobs.put_file(sha256, path)  # the original bytes, untouched, for evidence
    _keep(blobs, f"{sha256}.thumbnail.jpg", thumbnail)
    values = {
        "org_id": org_id,
        "sha256": sha256,
        "content_type": content_type,
        "width": size[0],
        "height": size[1],
        "size_bytes": path.stat().st_size,
        "device_id": device_id,
        "user_id": user_id,
    }
    session.execute(insert_new_only(session, Photo, "org_id", "sha256").values(values))
    return session.scalar(select(Photo).where(Photo.org_id == org_id, Photo.sha256 == sha256)), True


def get_visible(session: Session, sha256: str) -> Photo:
    """A photo of the actor's tenant, on their sites: one their sites' events or alerts' resolutions
    refer to, or one they uploaded themselves."""
    actor = current_actor()
    access.require_role(actor, access.MANAGE_REGISTRY)
    stmt = select(Photo).where(Photo.org_id == actor.org_id, Photo.sha256 == sha256)
    if not actor.all_sites:
        in_events = (
            select(PhotoRef.sha256)
            .join(DeviceEvent, DeviceEvent.id == PhotoRef.event_id)
            .where(
                PhotoRef.org_id == actor.org_id,
                PhotoRef.sha256 == sha256,
                DeviceEvent.site_id.in_(actor.site_ids),
            )
        )
        in_resolutions = select(Alert.resolution_photo).where(
            Alert.org_id == actor.org_id,
            Alert.site_id.in_(actor.site_ids),
            Alert.resolution_photo == sha256,
        )
        theirs = Photo.user_id == actor.user_id if actor.user_id is not None else false()
        stmt = stmt.where(
            or_(Photo.sha256.in_(in_events), Photo.sha256.in_(in_resolutions), theirs)
        )
    return access.one_visible(session, stmt, f"photo {sha256}")
