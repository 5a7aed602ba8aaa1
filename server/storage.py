"""Content-addressed blob storage: a local folder now, object storage behind the same seam."""

import os
import shutil
from pathlib import Path
from typing import BinaryIO, Protocol


class BlobStore(Protocol):
    """Where photo bytes live, keyed by a name such as '<sha256>' or '<sha256>.thumb.jpg'."""

    def exists(self, key: str) -> bool: ...

    def put_file(self, key: str, path: Path) -> None: ...

    def open(self, key: str) -> BinaryIO: ...


class LocalBlobStore:
    """Files under a folder, fanned out as ab/cd/<key>; writes are atomic (temp, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise ValueError(f"bad blob key {key!r}")
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with path.open("rb") as source, temporary.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1024 * 1024)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, target)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")
