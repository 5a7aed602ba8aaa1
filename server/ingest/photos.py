"""Receiving a photo upload: stream to disk with bounded memory, hashing as it arrives."""

import hashlib
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from server.domain import photos
from server.domain.errors import Invalid
from server.domain.models import Photo
from server.domain.registry.enrollment import Caller
from server.storage import BlobStore

CHUNK = 64 * 1024


def receive(
    session: Session,
    blobs: BlobStore,
    device: Caller,
    sha256: str,
    stream: BinaryIO,
    limits: photos.Limits,
) -> tuple[Photo, bool]:
    """Store the upload if its bytes hash to sha256 and it is a sound image; else Invalid."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
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
        if digest.hexdigest() != sha256:
            # A cut-off upload lands here too: nothing is kept, the device sends it again.
            raise Invalid("the bytes do not match the hash in the URL", {"sha256": ["mismatch"]})
        return photos.store(session, blobs, device.org_id, device.id, sha256, path, limits)
