"""A handheld's photo upload: the checks every upload gets (server.domain.photos), as its own."""

from typing import BinaryIO

from sqlalchemy.orm import Session

from server.domain import photos
from server.domain.models import Photo
from server.domain.registry.enrollment import Caller
from server.storage import BlobStore


def receive(
    session: Session,
    blobs: BlobStore,
    device: Caller,
    sha256: str,
    stream: BinaryIO,
    limits: photos.Limits,
) -> tuple[Photo, bool]:
    """Store the upload if its bytes hash to sha256 and it is a sound image; else Invalid."""
    return photos.receive(
        session, blobs, sha256, stream, limits, org_id=device.org_id, device_id=device.id
    )
