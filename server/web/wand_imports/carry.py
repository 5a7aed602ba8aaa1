"""An export carried from its check to its import by the page itself, signed, never stored.

The check's page holds the file, compressed, beside a token signed with the installation's
secret naming the site, the options, the file's name and SHA-256, and when it was checked.
The import takes the file only if the token verifies, is at most MAX_AGE old and the digest
matches: a file edited or swapped in the page is refused, any server process can take the
import, and nothing is left behind on the server to expire or clean up. The token names the
site, not the person: at the import the person's own access to the site is checked again, so
a token passed on gives nobody more than the file itself would, and importing a file twice
stores nothing twice.
"""

import base64
import binascii
import hashlib
import zlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from server.domain.clock import utcnow
from server.domain.errors import Invalid
from server.ingest import wand

MAX_AGE = timedelta(minutes=30)
_SALT = "console-wand-import"
_AGAIN = {"file": ["choose the file again"]}


class _ClockSigner(TimestampSigner):
    """Timestamps from the domain's clock, so a test can age a check."""

    def get_timestamp(self) -> int:
        return int(utcnow().timestamp())


@dataclass(frozen=True)
class Checked:
    """An export as it was checked: where, how to read it, and its bytes."""

    site_id: int
    filename: str
    options: dict[str, Any]
    data: bytes


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=_SALT, signer=_ClockSigner)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal(secret: str, checked: Checked) -> tuple[str, str]:
    """(token, content) for the page's form: the signed facts, and the file compressed."""
    facts = {
        "site_id": checked.site_id,
        "filename": checked.filename,
        "options": checked.options,
        "sha256": _digest(checked.data),
    }
    content = base64.b64encode(zlib.compress(checked.data, 6)).decode("ascii")
    return _serializer(secret).dumps(facts), content


def unseal(secret: str, token: str, content: str) -> Checked:
    """The export a page carried back, or Invalid saying to choose the file again."""
    try:
        facts = _serializer(secret).loads(token, max_age=int(MAX_AGE.total_seconds()))
    except SignatureExpired:
        minutes = int(MAX_AGE.total_seconds() // 60)
        raise Invalid(f"the check is more than {minutes} minutes old", _AGAIN) from None
    except BadSignature:
        raise Invalid("the checked file did not come back intact", _AGAIN) from None
    data = _inflate(content)
    if data is None or _digest(data) != facts["sha256"]:
        raise Invalid("the checked file did not come back intact", _AGAIN)
    return Checked(facts["site_id"], facts["filename"], facts["options"], data)


def _inflate(content: str) -> bytes | None:
    try:
        packed = base64.b64decode(content.encode("ascii"), validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, wand.MAX_FILE_BYTES + 1)
    except (binascii.Error, UnicodeEncodeError, zlib.error):
        return None
    return data if len(data) <= wand.MAX_FILE_BYTES and inflater.eof else None
